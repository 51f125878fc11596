"""Task browser: every filter and sort against a brute-force answer, keyset pages, bad input, access."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotation.models import Adjudication, Annotation, Assignment, Prediction, PredictionSet, Task
from annotation.selectors.task_browser import SORT_CHOICES, BadQuery, TaskQuery, encode_cursor, task_page
from corpora.models import Paragraph
from tests.conftest import client_for
from tests.factories import (
    AnnotationFactory,
    ArticleFactory,
    AssignmentFactory,
    MembershipFactory,
    ParagraphFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _annotate(task, user, status, *, lease=None):
    now = timezone.now()
    asg = AssignmentFactory(
        task=task,
        annotator=user,
        leased_at=now - timedelta(minutes=5),
        expires_at=now + timedelta(minutes=25),
        status=lease or {"submitted": "submitted", "skipped": "skipped", "draft": "active"}[status],
    )
    return AnnotationFactory(task=task, annotator=user, assignment=asg, status=status)


@pytest.fixture
def tasks(project, annotator, second_annotator):
    """23 tasks over two articles with every state the filters tell apart."""
    project.annotators_per_task = 2
    project.save()
    arts = [ArticleFactory(title="Pipelines"), ArticleFactory(title="Elections")]
    third = MembershipFactory(project=project, user=UserFactory(username="annotator3")).user
    out = []
    for i in range(23):
        kind = Paragraph.Kind.COMMENT if i % 7 == 3 else Paragraph.Kind.BODY
        text = f"Paragraph {i}: " + ("the pipeline deal" if i % 3 == 0 else "a vote in Berlin")
        par = ParagraphFactory(article=arts[i % 2], position=i, kind=kind, text=text, end=len(text))
        # orders repeat (pairs), so the (order, id) tie-break matters
        out.append(TaskFactory(project=project, paragraph=par, order=i // 2))
    for i, t in enumerate(out):
        if i % 4 == 0:
            _annotate(t, annotator, "submitted")
        if i % 5 == 0:
            _annotate(t, second_annotator, "submitted")
        if i % 6 == 1:
            _annotate(t, second_annotator, "skipped")
        if i % 9 == 2:
            _annotate(t, third, "draft")
        t.submitted_count = t.annotations.filter(status="submitted").count()
        t.is_complete = t.submitted_count >= 2
        t.save()
        if i % 3 == 1:
            ps = PredictionSet.objects.create(task=t, model_name="gazetteer", model_version="1")
            Prediction.objects.create(
                prediction_set=ps,
                task=t,
                kind="actor",
                model_name="gazetteer",
                model_version="1",
                score=0.9,
                start=0,
                end=9,
                surface="Paragraph",
            )
        if i % 8 == 0:
            Adjudication.objects.create(task=t)
        if i % 10 == 7:
            t.adjudication_requested_at = timezone.now()
            t.save()
    return out


def _all(project, **filters) -> list[int]:
    """Walk every page of the browser; returns task ids in the order seen."""
    seen, cursor = [], None
    while True:
        page = task_page(project=project, query=TaskQuery(size=4, cursor=cursor, **filters))
        assert len(page.rows) <= 4
        seen += [r["id"] for r in page.rows]
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


def _expected(tasks, keep) -> set[int]:
    return {t.pk for t in tasks if keep(t)}


def _statuses(t) -> set[str]:
    return set(t.annotations.values_list("status", flat=True))


FILTERS = [
    ({"status": "complete"}, lambda t: t.is_complete),
    (
        {"status": "in_progress"},
        lambda t: not t.is_complete and t.assignments.filter(status="active", expires_at__gt=timezone.now()).exists(),
    ),
    ({"status": "open"}, lambda t: not t.is_complete and not t.assignments.filter(status="active").exists()),
    ({"submissions": 1}, lambda t: t.submitted_count == 1),
    ({"submissions_min": 1, "submissions_max": 1}, lambda t: t.submitted_count == 1),
    ({"submissions_min": 2}, lambda t: t.submitted_count >= 2),
    ({"skipped": True}, lambda t: "skipped" in _statuses(t)),
    ({"skipped": False}, lambda t: "skipped" not in _statuses(t)),
    ({"prelabels": True}, lambda t: t.prediction_sets.exists()),
    ({"prelabels": False}, lambda t: not t.prediction_sets.exists()),
    ({"adjudicated": True}, lambda t: Adjudication.objects.filter(task=t).exists()),
    ({"adjudicated": False}, lambda t: not Adjudication.objects.filter(task=t).exists()),
    ({"sent_to_adjudication": True}, lambda t: t.adjudication_requested_at is not None),
    ({"kind": "comment"}, lambda t: t.paragraph.kind == "comment"),
    ({"q": "PIPELINE"}, lambda t: "pipeline" in t.paragraph.text),
    ({"q": "nothing like this"}, lambda t: False),
]


@pytest.mark.parametrize("filters,keep", FILTERS, ids=[str(f) for f, _ in FILTERS])
def test_each_filter_matches_brute_force(project, tasks, filters, keep):
    got = _all(project, **filters)
    assert len(got) == len(set(got))
    assert set(got) == _expected(tasks, keep)


def test_annotator_and_article_filters(project, tasks, annotator):
    assert set(_all(project, annotator=annotator.pk)) == _expected(
        tasks, lambda t: t.annotations.filter(annotator=annotator).exists()
    )
    article = tasks[1].paragraph.article_id
    assert set(_all(project, article=article)) == _expected(tasks, lambda t: t.paragraph.article_id == article)
    assert set(_all(project, article=article, skipped=True, submissions=0)) == _expected(
        tasks, lambda t: t.paragraph.article_id == article and "skipped" in _statuses(t) and t.submitted_count == 0
    )


DISAGREEMENTS = [None, 0.5, 0.25, 0.5, None, 1.0, 0.0, 0.5]  # ties and NULLs over the 23 tasks


def _with_disagreement(tasks):
    for i, t in enumerate(tasks):
        t.disagreement = DISAGREEMENTS[i % len(DISAGREEMENTS)]
    Task.objects.bulk_update(tasks, ["disagreement"])


@pytest.mark.parametrize("sort", SORT_CHOICES)
def test_every_sort_pages_are_disjoint_complete_and_ordered(project, tasks, sort):
    _with_disagreement(tasks)
    column = {"order": "order", "submitted": "submitted_count", "id": "id", "disagreement": "disagreement"}[
        sort.lstrip("-")
    ]
    got = _all(project, sort=sort)
    assert len(got) == len(set(got)) == len(tasks)  # disjoint pages, nothing missing
    keyed = {t.pk: (getattr(t, column), t.pk) for t in Task.objects.filter(project=project)}
    descending = sort.startswith("-")
    valued = [pk for pk in got if keyed[pk][0] is not None]
    assert valued == sorted(valued, key=lambda pk: keyed[pk], reverse=descending)
    # tasks without a value (disagreement below two submissions) come last in both directions, by id
    nulls = got[len(valued) :]
    assert all(keyed[pk][0] is None for pk in nulls)
    assert nulls == sorted(nulls, reverse=descending)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 50])
def test_disagreement_sort_crosses_from_values_to_nulls_at_any_page_size(project, tasks, size):
    _with_disagreement(tasks)
    for sort in ("disagreement", "-disagreement"):
        seen, cursor = [], None
        while True:
            page = task_page(project=project, query=TaskQuery(size=size, sort=sort, cursor=cursor, status="open"))
            seen += [r["id"] for r in page.rows]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert sorted(seen) == sorted(_all(project, status="open")), sort  # filters hold across segments
        first = [t.pk for t in tasks if t.disagreement == 1.0 and t.pk in seen]
        if sort == "-disagreement" and first:
            assert seen[0] == max(first)


def test_disagreement_page_in_the_table(client, project, tasks, manager):
    _with_disagreement(tasks)
    client.force_login(manager)
    response = client.get(f"/projects/{project.pk}/tasks/", {"sort": "-disagreement", "size": 3})
    html = response.content.decode()
    assert response.status_code == 200
    top = max((t for t in tasks if t.disagreement == 1.0), key=lambda t: t.pk)
    assert html.index(f'data-task="{top.pk}"') < html.index("</tbody>")
    assert "Disagr. ▼" in html and "sort=disagreement" in html  # the header flips the direction


def test_other_projects_tasks_never_show(project, tasks):
    TaskFactory()  # another project's task
    assert set(_all(project)) == {t.pk for t in tasks}


def test_rows_carry_what_the_table_shows(project, tasks, annotator, second_annotator):
    rows = {r["id"]: r for r in task_page(project=project, query=TaskQuery(size=50)).rows}
    first = rows[tasks[0].pk]  # submitted by both, pre-labels none, gold
    assert first["submitted_count"] == 2 and first["k"] == 2 and first["adjudicated"] is True
    assert [a["username"] for a in first["annotations"]] == ["annotator", "annotator2"]
    assert rows[tasks[1].pk]["skipped"] == 1 and rows[tasks[1].pk]["has_prelabels"] is True
    assert rows[tasks[0].pk]["excerpt"].startswith("Paragraph 0:")


def test_bad_cursor_and_sort_raise_bad_query(project, tasks):
    for cursor in ("garbage!!", encode_cursor("x", 1), "W10"):
        with pytest.raises(BadQuery):
            task_page(project=project, query=TaskQuery(cursor=cursor))
    with pytest.raises(BadQuery):
        task_page(project=project, query=TaskQuery(sort="paragraph__text"))


# ------------------------------------------------------------------ API


def test_api_pages_with_cursor(project, tasks, manager):
    client = client_for(manager)
    url = f"/api/projects/{project.pk}/task-browser/"
    first = client.get(url, {"size": 10, "sort": "-submitted"}).json()
    assert len(first["results"]) == 10 and first["next_cursor"]
    second = client.get(url, {"size": 10, "sort": "-submitted", "cursor": first["next_cursor"]}).json()
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    skipped = client.get(url, {"skipped": "yes"}).json()["results"]
    assert {r["id"] for r in skipped} == _expected(tasks, lambda t: "skipped" in _statuses(t))


@pytest.mark.parametrize(
    "params,field",
    [
        ({"status": "bogus"}, "status"),
        ({"annotator": "abc"}, "annotator"),
        ({"submissions": "-1"}, "submissions"),
        ({"skipped": "maybe"}, "skipped"),
        ({"kind": "poem"}, "kind"),
        ({"sort": "text"}, "sort"),
        ({"size": "100000"}, "size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"article": "1e9999"}, "article"),
        ({"submissions": "99999999999"}, "submissions"),
        ({"annotator": "99999999999999999999"}, "annotator"),
        ({"article": "3000000000"}, "article"),
        ({"cursor": encode_cursor(1, 2**40)}, "cursor"),
        ({"cursor": encode_cursor(2**64, 1)}, "cursor"),
        ({"cursor": encode_cursor(7.5, 1), "sort": "disagreement"}, "cursor"),
        ({"cursor": encode_cursor("0.5", 1), "sort": "-disagreement"}, "cursor"),
        ({"cursor": encode_cursor(0.5, 1)}, "cursor"),  # a disagreement cursor is no order cursor
        ({"q": "a\x00b"}, "detail"),  # NUL: the middleware's 400
    ],
)
def test_api_bad_values_are_400_naming_the_field(project, tasks, manager, params, field):
    response = client_for(manager).get(f"/api/projects/{project.pk}/task-browser/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_page_bad_values_are_400_not_500(client, project, tasks, manager):
    client.force_login(manager)
    response = client.get(f"/projects/{project.pk}/tasks/", {"cursor": "%%%", "status": "x"})
    assert response.status_code == 400
    assert b"These filters cannot be used" in response.content


@pytest.mark.parametrize("who,status", [("annotator", 403), ("ml_engineer", 403), ("outsider", 404)])
def test_managers_only(request, project, tasks, who, status):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(f"/api/projects/{project.pk}/task-browser/").status_code == status
    assert (
        client.post(
            f"/api/projects/{project.pk}/task-browser/bulk/",
            {"action": "requeue", "tasks": [tasks[1].pk]},
            format="json",
        ).status_code
        == status
    )
    from django.test import Client

    page = Client()
    page.force_login(user)
    assert page.get(f"/projects/{project.pk}/tasks/").status_code == status
    assert page.get(f"/tasks/{tasks[0].pk}/").status_code == status
    assert (
        page.post(
            f"/projects/{project.pk}/tasks/bulk/", {"action": "requeue", "tasks": [tasks[1].pk], "confirm": "1"}
        ).status_code
        == status
    )
    assert Annotation.objects.filter(task=tasks[1], status="skipped").exists()  # nothing happened


def test_anonymous_is_sent_to_login(client, project):
    assert client.get(f"/projects/{project.pk}/tasks/").status_code == 302


def test_schema_documents_the_endpoints(manager):
    schema = client_for(manager).get("/api/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    assert "/api/projects/{project_id}/task-browser/" in text and "task-browser/bulk/" in text
    assert "next_cursor" in text and "sent_to_adjudication" in text


def test_empty_project_page_says_so(client, project, manager):
    client.force_login(manager)
    response = client.get(f"/projects/{project.pk}/tasks/")
    assert response.status_code == 200 and b"This project has no tasks yet" in response.content
    response = client.get(f"/projects/{project.pk}/tasks/", {"q": "zzz"})
    assert b"No task matches these filters" in response.content


def test_task_page_shows_annotations_history_and_prelabels(client, project, tasks, manager):
    client.force_login(manager)
    body = client.get(f"/tasks/{tasks[1].pk}/").content.decode()
    assert 'data-annotator="annotator2"' in body and "Skipped" in body and "gazetteer" in body
    body = client.get(f"/tasks/{tasks[21].pk}/").content.decode()
    assert "Nobody has worked on this paragraph yet" in body and "No pre-labels" in body


def test_member_not_annotation_user_is_fine(project, tasks, manager):
    """An annotator id with no work anywhere filters to nothing, not an error."""
    nobody = MembershipFactory(project=project, user=UserFactory(username="idle")).user
    assert (
        client_for(manager).get(f"/api/projects/{project.pk}/task-browser/", {"annotator": nobody.pk}).json()["results"]
        == []
    )
    assert Assignment.objects.filter(annotator=nobody).count() == 0
