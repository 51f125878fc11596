"""A task closed (its paragraph re-marked, then a task sync) while an annotator holds a live lease on it:
the lease ends at the sync, the claim never sends anyone back to it, and a submit from a page still
open is a 409 "task_closed" that keeps the work as the draft and counts nothing."""

import pytest

from annotation.models import Annotation, AnnotationRevision, Assignment, Statement, Task
from annotation.services import assignment as assignment_service
from annotation.services.annotations import annotation_submit
from annotation.services.assignment import assignment_claim_next
from annotation.services.exceptions import ConflictError
from annotation.services.projects import tasks_sync
from corpora.services.kind_corrections import paragraph_kind_set
from tests.annotation.conftest import build_corpus
from tests.conftest import client_for
from tests.factories import ActorFactory, ClaimFactory, MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["sql_function", "orm"])
def claim_path(request, monkeypatch):
    path = {"sql_function": assignment_service._claim_sql, "orm": assignment_service._claim_orm}[request.param]
    monkeypatch.setattr(assignment_service, "_claim_path", lambda: path)
    return request.param


@pytest.fixture
def scene(manager):
    project = ProjectFactory(annotators_per_task=2)
    MembershipFactory(project=project, user=manager, role="manager")
    build_corpus(project=project, articles=1, per_article=2)
    tasks_sync(project=project)
    user = MembershipFactory(project=project, user=UserFactory(), role="annotator").user
    first, second = project.tasks.order_by("order")
    return project, user, first, second


def _statement(project):
    return {
        "actor_role": "mention",
        "actor": ActorFactory(project=project, name="China").pk,
        "actor_start": 0,
        "actor_end": 7,
        "claim": ClaimFactory(project=project, text="The pipeline deal is good").pk,
        "stance": "favor",
    }


def _close(task, manager):
    paragraph_kind_set(paragraph=task.paragraph, kind="comment", user=manager)
    assert tasks_sync(project=task.project).closed == 1


def test_the_sync_ends_the_live_lease_and_the_claim_moves_on(claim_path, scene, manager):
    project, user, first, second = scene
    lease = assignment_claim_next(user=user, project=project)
    assert lease.task_id == first.pk
    _close(first, manager)
    assert Assignment.objects.get(pk=lease.pk).status == Assignment.Status.EXPIRED
    nxt = assignment_claim_next(user=user, project=project)
    assert nxt is not None and nxt.task_id == second.pk  # never back to the closed task
    assert Annotation.objects.filter(task=first, annotator=user, status="draft").exists()  # the draft stays


def test_a_submit_on_a_closed_task_is_409_and_keeps_the_work_as_draft(scene, manager):
    project, user, first, _ = scene
    assignment_claim_next(user=user, project=project)
    draft = Annotation.objects.get(task=first, annotator=user)
    _close(first, manager)
    with pytest.raises(ConflictError) as exc:
        annotation_submit(annotation=draft, user=user, revision=draft.revision, statements=[_statement(project)])
    assert exc.value.detail["code"] == "task_closed"
    assert "kept as a draft" in exc.value.detail["detail"]
    kept = Annotation.objects.get(pk=draft.pk)
    assert kept.status == "draft" and kept.revision == draft.revision + 1 == exc.value.detail["revision"]
    assert list(Statement.objects.filter(annotation=kept).values_list("stance__value", flat=True)) == ["favor"]
    task = Task.objects.get(pk=first.pk)
    assert (task.submitted_count, task.is_complete) == (0, False)  # nothing counted
    assert not AnnotationRevision.objects.filter(annotation=kept, action="submit").exists()


def test_the_api_answers_409_with_the_reason_and_the_next_task_is_another(scene, manager):
    project, user, first, second = scene
    client = client_for(user)
    ws = client.post(f"/api/projects/{project.pk}/next-task/").json()
    assert ws["task"]["id"] == first.pk
    _close(first, manager)
    body = {"revision": ws["annotation"]["revision"], "statements": [_statement(project)], "no_statement": False}
    response = client.post(f"/api/annotations/{ws['annotation']['id']}/submit/", body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "task_closed" and "closed" in response.json()["detail"]
    assert Statement.objects.filter(annotation_id=ws["annotation"]["id"]).count() == 1
    again = client.post(f"/api/projects/{project.pk}/next-task/").json()
    assert again["task"]["id"] == second.pk


def test_editing_a_submitted_annotation_on_a_closed_task_still_works(scene, manager):
    project, user, first, _ = scene
    assignment_claim_next(user=user, project=project)
    draft = Annotation.objects.get(task=first, annotator=user)
    done = annotation_submit(annotation=draft, user=user, revision=draft.revision, statements=[], no_statement=True)
    _close(first, manager)
    edited = annotation_submit(annotation=done, user=user, revision=done.revision, statements=[_statement(project)])
    assert edited.status == "submitted" and Task.objects.get(pk=first.pk).submitted_count == 1
