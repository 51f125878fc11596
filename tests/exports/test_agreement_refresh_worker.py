"""End to end with a real Celery worker on the `exports` queue: a submission leads, after the
(short) debounce, to a refreshed stored report, and the API then answers from it."""

import time

import pytest

from annotation.models import Annotation
from annotation.services.annotations import annotation_submit
from annotation.services.assignment import assignment_claim_next
from exports.models import AgreementReport, AgreementReportPending
from tests.conftest import client_for
from tests.exports.export_data import build_project

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker, pytest.mark.slow]


@pytest.fixture
def short_debounce(monkeypatch, settings):
    """The worker reads these from its environment; the submitting side from its settings."""
    monkeypatch.setenv("AGREEMENT_REFRESH_DEBOUNCE_S", "1")
    monkeypatch.setenv("AGREEMENT_REFRESH_MAX_WAIT_S", "5")
    settings.AGREEMENT_REFRESH_DEBOUNCE_S, settings.AGREEMENT_REFRESH_MAX_WAIT_S = 1, 5


def test_a_submission_leads_to_a_refreshed_stored_report(short_debounce, export_worker, project, manager, annotator):
    build_project(project)
    assignment = assignment_claim_next(user=annotator, project=project)
    draft = Annotation.objects.get(task_id=assignment.task_id, annotator=annotator)
    annotation_submit(annotation=draft, user=annotator, revision=draft.revision, statements=[], no_statement=True)
    assert AgreementReportPending.objects.filter(project=project).exists()
    deadline = time.monotonic() + 90
    while not AgreementReport.objects.filter(project=project).exists():
        assert time.monotonic() < deadline, export_worker.log()[-4000:]
        time.sleep(0.5)
    assert not AgreementReportPending.objects.filter(project=project).exists()
    report = AgreementReport.objects.get(project=project)
    assert report.result["counts"]["annotators"] == 4  # the new submission is in it
    response = client_for(manager).get(f"/api/projects/{project.pk}/agreement/")
    assert response.status_code == 200 and response.json()["stored"]["report_id"] == report.pk
