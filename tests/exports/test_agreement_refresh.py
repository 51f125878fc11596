"""Stored agreement reports refreshed in the background (issue 17 §4): a submission marks the project
pending and schedules one refresh; the refresh waits for submissions to settle (but not past the
longest wait), stores a report and clears pending; the page and API answer from the stored report."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotation.models import Annotation
from annotation.services.annotations import annotation_submit
from annotation.services.assignment import assignment_claim_next
from exports.models import AgreementReport, AgreementReportPending
from exports.services.agreement_refresh import agreement_report_refresh
from tests.conftest import client_for
from tests.exports.export_data import build_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def annotated(project):
    build_project(project)
    return project


@pytest.fixture
def draft(annotated, annotator):
    assignment = assignment_claim_next(user=annotator, project=annotated)
    return Annotation.objects.get(task_id=assignment.task_id, annotator=annotator)


@pytest.fixture
def scheduled(monkeypatch):
    """The refreshes enqueued (project, countdown), instead of a broker or a timer."""
    calls = []
    monkeypatch.setattr(
        "exports.services.agreement_refresh._enqueue", lambda pid, countdown: calls.append((pid, countdown))
    )
    return calls


def submit(draft, user):
    return annotation_submit(annotation=draft, user=user, revision=draft.revision, statements=[], no_statement=True)


def pending_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "agreementreportpending" in q["sql"].lower()]


def test_a_submit_marks_pending_in_one_statement_and_schedules_one_refresh(
    draft, annotator, scheduled, settings, django_capture_on_commit_callbacks
):
    settings.AGREEMENT_REFRESH_DEBOUNCE_S = 7
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as ctx:
        submit(draft, annotator)
    statements = pending_queries(ctx.captured_queries)
    assert len(statements) == 1 and statements[0].upper().startswith("INSERT")
    assert "ON CONFLICT" in statements[0].upper()
    assert scheduled == [(draft.task.project_id, 7)]
    assert AgreementReportPending.objects.filter(project_id=draft.task.project_id).exists()


def test_a_second_submit_while_pending_schedules_nothing_more(
    annotated, annotator, scheduled, django_capture_on_commit_callbacks
):
    for _ in range(2):
        assignment = assignment_claim_next(user=annotator, project=annotated)
        draft = Annotation.objects.get(task_id=assignment.task_id, annotator=annotator)
        with django_capture_on_commit_callbacks(execute=True):
            submit(draft, annotator)
    assert [pid for pid, _countdown in scheduled] == [annotated.pk]
    assert AgreementReportPending.objects.filter(project=annotated).count() == 1


def test_the_refresh_stores_a_report_and_clears_pending(annotated, scheduled, settings):
    settings.AGREEMENT_REFRESH_DEBOUNCE_S = 60
    AgreementReportPending.objects.create(project=annotated, since=timezone.now() - timedelta(minutes=5))
    Annotation.objects.filter(task__project=annotated).update(submitted_at=timezone.now() - timedelta(minutes=5))
    report = agreement_report_refresh(project_id=annotated.pk)
    assert report is not None and AgreementReport.objects.filter(project=annotated).count() == 1
    assert report.result["counts"]["units"] == 12
    assert not AgreementReportPending.objects.filter(project=annotated).exists()
    assert agreement_report_refresh(project_id=annotated.pk) is None  # a second delivery does nothing
    assert scheduled == []


def test_the_refresh_waits_while_submissions_keep_coming(annotated, scheduled, settings):
    settings.AGREEMENT_REFRESH_DEBOUNCE_S, settings.AGREEMENT_REFRESH_MAX_WAIT_S = 30, 600
    AgreementReportPending.objects.create(project=annotated, since=timezone.now() - timedelta(seconds=20))
    Annotation.objects.filter(task__project=annotated).update(submitted_at=timezone.now() - timedelta(seconds=10))
    assert agreement_report_refresh(project_id=annotated.pk) is None
    assert not AgreementReport.objects.exists()
    assert AgreementReportPending.objects.filter(project=annotated).exists()
    assert len(scheduled) == 1 and 15 <= scheduled[0][1] <= 20  # again when 30 s have passed since the last


def test_the_refresh_stops_waiting_after_the_longest_wait(annotated, scheduled, settings):
    settings.AGREEMENT_REFRESH_DEBOUNCE_S, settings.AGREEMENT_REFRESH_MAX_WAIT_S = 30, 60
    AgreementReportPending.objects.create(project=annotated, since=timezone.now() - timedelta(seconds=61))
    Annotation.objects.filter(task__project=annotated).update(submitted_at=timezone.now() - timedelta(seconds=1))
    assert agreement_report_refresh(project_id=annotated.pk) is not None
    assert not AgreementReportPending.objects.exists() and scheduled == []


def test_refresh_now_is_for_managers_and_enqueues(
    annotated, manager, annotator, ml_engineer, scheduled, django_capture_on_commit_callbacks
):
    url = f"/exports/projects/{annotated.pk}/agreement/refresh/"
    for user in (annotator, ml_engineer):
        client = Client()
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url).status_code == 403
    assert scheduled == [] and not AgreementReportPending.objects.exists()
    client = Client()
    client.force_login(manager)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert scheduled == [(annotated.pk, 0)]
    assert AgreementReportPending.objects.get(project=annotated).forced
    # forced: it does not wait for submissions to settle
    Annotation.objects.filter(task__project=annotated).update(submitted_at=timezone.now())
    assert agreement_report_refresh(project_id=annotated.pk) is not None


@pytest.fixture
def stored(annotated, scheduled):
    AgreementReportPending.objects.create(project=annotated, since=timezone.now(), forced=True)
    report = agreement_report_refresh(project_id=annotated.pk)
    AgreementReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(hours=3))
    return report


def test_the_page_answers_from_the_stored_report_and_shows_its_age(
    stored, annotated, manager, monkeypatch, django_assert_max_num_queries
):
    def no_build(*args, **kwargs):
        raise AssertionError("the page recomputed the report")

    monkeypatch.setattr("exports.services.agreement.agreement_report_build", no_build)
    import exports.report_html  # noqa: F401 (imported first, so that it keeps the real all_charts)

    monkeypatch.setattr("exports.charts.all_charts", no_build)  # the charts were rendered at refresh
    client = Client()
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        response = client.get(f"/exports/projects/{annotated.pk}/agreement/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Stored report computed 3\xa0hours ago" in body
    assert "Refresh now" in body
    assert stored.charts["per_annotator"] and stored.charts["per_annotator"] in body


def test_a_report_stored_without_charts_gets_them_rendered_once(stored, annotated, manager, monkeypatch):
    assert stored.page_html and "<svg" in stored.page_html  # a refresh renders the page section when storing
    AgreementReport.objects.filter(pk=stored.pk).update(charts=None, page_html=None)
    client = Client()
    client.force_login(manager)
    first = client.get(f"/exports/projects/{annotated.pk}/agreement/")
    assert first.status_code == 200
    again = AgreementReport.objects.get(pk=stored.pk)
    assert set(again.charts) >= {"per_annotator"} and "<svg" in again.charts["per_annotator"]
    assert again.page_html and again.page_html in first.content.decode()
    # From then on the page neither renders the section nor loads the result.
    monkeypatch.setattr(
        "exports.services.agreement_refresh.render_report_section",
        lambda **kw: (_ for _ in ()).throw(AssertionError("rendered again")),
    )
    second = client.get(f"/exports/projects/{annotated.pk}/agreement/")
    assert second.status_code == 200 and again.page_html in second.content.decode()


def test_the_page_answers_from_the_stored_section_without_loading_the_result(
    stored, annotated, manager, django_assert_max_num_queries
):
    client = Client()
    client.force_login(manager)
    with django_assert_max_num_queries(12) as queries:
        response = client.get(f"/exports/projects/{annotated.pk}/agreement/")
    assert response.status_code == 200 and stored.page_html in response.content.decode()
    report_reads = [q["sql"] for q in queries.captured_queries if "exports_agreementreport" in q["sql"]]
    assert report_reads and all('"result"' not in sql for sql in report_reads)


def test_the_api_answers_from_the_stored_report_with_its_age(
    stored, annotated, manager, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(
        "exports.services.agreement.agreement_report_build",
        lambda **kw: (_ for _ in ()).throw(AssertionError("recomputed")),
    )
    with django_assert_max_num_queries(10):
        response = client_for(manager).get(f"/api/projects/{annotated.pk}/agreement/")
    assert response.status_code == 200
    data = response.json()
    assert data["stored"]["report_id"] == stored.pk and 3 * 3600 - 5 < data["stored"]["age_s"] < 3 * 3600 + 60
    assert data["counts"] == stored.result["counts"]


def test_without_a_stored_report_the_api_says_202_and_the_page_says_being_computed(
    annotated, manager, scheduled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).get(f"/api/projects/{annotated.pk}/agreement/")
    assert response.status_code == 202
    assert response.json()["stored"]["report_id"] is None
    assert scheduled == [(annotated.pk, 0)]  # the first report is requested
    client = Client()
    client.force_login(manager)
    response = client.get(f"/exports/projects/{annotated.pk}/agreement/")
    assert response.status_code == 200
    assert "being computed in the background" in response.content.decode()
    assert not AgreementReport.objects.exists()
