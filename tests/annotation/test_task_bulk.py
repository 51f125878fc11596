"""Bulk actions of the task browser: re-queue undoes skips, send-to-adjudication lists the task; all or nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotation.models import Annotation, AnnotationRevision, Assignment, Task
from annotation.selectors.adjudication import disagreement_list
from annotation.services.assignment import assignment_claim_next
from annotation.services.task_bulk import BulkInvalid, tasks_requeue, tasks_send_to_adjudication
from tests.conftest import client_for
from tests.factories import AnnotationFactory, AssignmentFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _work(task, user, status):
    now = timezone.now()
    asg = AssignmentFactory(
        task=task,
        annotator=user,
        status=status,
        leased_at=now - timedelta(minutes=5),
        expires_at=now + timedelta(minutes=25),
    )
    return AnnotationFactory(task=task, annotator=user, assignment=asg, status=status)


def test_requeue_undoes_skips_and_the_skipper_is_offered_the_task_again(project, annotator, manager):
    task = TaskFactory(project=project)
    skipped = _work(task, annotator, "skipped")
    assert assignment_claim_next(user=annotator, project=project) is None  # skipped: not offered
    result = tasks_requeue(project=project, task_ids=[task.pk], user=manager)
    assert result == {"tasks": 1, "skips_undone": 1, "leases_reopened": 1, "tasks_changed": 1}
    skipped.refresh_from_db()
    assert skipped.status == Annotation.Status.DRAFT and skipped.revision == 1
    rev = AnnotationRevision.objects.get(annotation=skipped)
    assert rev.action == "requeue" and rev.changed_by == manager
    again = assignment_claim_next(user=annotator, project=project)
    assert again is not None and again.task_id == task.pk


def test_requeue_leaves_submitted_work_alone(project, annotator, second_annotator, manager):
    task = TaskFactory(project=project, submitted_count=1)
    done = _work(task, annotator, "submitted")
    other = TaskFactory(project=project)
    result = tasks_requeue(project=project, task_ids=[task.pk, other.pk], user=manager)
    assert result["skips_undone"] == 0 and result["tasks_changed"] == 0 and result["tasks"] == 2
    done.refresh_from_db()
    assert done.status == "submitted"
    assert Assignment.objects.get(task=task).status == "submitted"


def test_send_to_adjudication_lists_a_single_submission(project, annotator, manager):
    task = TaskFactory(project=project, submitted_count=1)
    _work(task, annotator, "submitted")
    lonely = TaskFactory(project=project)
    assert [r["task"] for r in disagreement_list(project=project)] == []
    result = tasks_send_to_adjudication(project=project, task_ids=[task.pk, lonely.pk], user=manager)
    assert result == {"tasks": 2, "sent": 2, "already_sent": 0, "without_submission": 1}
    rows = disagreement_list(project=project)
    assert [r["task"] for r in rows] == [task.pk] and rows[0]["requested"] is True
    assert rows[0]["disagreement"] == 0.0
    again = tasks_send_to_adjudication(project=project, task_ids=[task.pk], user=manager)
    assert again["sent"] == 0 and again["already_sent"] == 1


@pytest.mark.parametrize("action", [tasks_requeue, tasks_send_to_adjudication])
def test_foreign_or_missing_ids_change_nothing(project, annotator, manager, action):
    mine = TaskFactory(project=project)
    skipped = _work(mine, annotator, "skipped")
    foreign = TaskFactory()
    for ids in ([mine.pk, foreign.pk], [mine.pk, 10**9], []):
        with pytest.raises(BulkInvalid):
            action(project=project, task_ids=ids, user=manager)
    skipped.refresh_from_db()
    mine.refresh_from_db()
    assert skipped.status == "skipped" and mine.adjudication_requested_at is None


def test_api_bulk_reports_counts_and_refuses_bad_input(project, annotator, manager):
    task = TaskFactory(project=project)
    _work(task, annotator, "skipped")
    client = client_for(manager)
    url = f"/api/projects/{project.pk}/task-browser/bulk/"
    for body in (
        {"action": "explode", "tasks": [task.pk]},
        {"action": "requeue", "tasks": []},
        {"action": "requeue", "tasks": ["x"]},
        {"action": "requeue", "tasks": [TaskFactory().pk]},
        {"action": "requeue", "tasks": list(range(1, 1003))},
        {"action": "requeue", "tasks": [2**40]},
    ):
        response = client.post(url, body, format="json")
        assert response.status_code == 400, body
    assert Annotation.objects.get(task=task).status == "skipped"
    response = client.post(url, {"action": "requeue", "tasks": [task.pk]}, format="json")
    assert response.status_code == 200 and response.json()["skips_undone"] == 1


def test_page_asks_for_confirmation_then_acts_and_reports(client, project, annotator, manager):
    task = TaskFactory(project=project)
    _work(task, annotator, "skipped")
    client.force_login(manager)
    url = f"/projects/{project.pk}/tasks/bulk/"
    confirm = client.post(url, {"action": "adjudicate", "tasks": [task.pk], "filter_qs": "skipped=1"})
    assert confirm.status_code == 200 and b"Send to adjudication: 1 task?" in confirm.content
    assert Task.objects.get(pk=task.pk).adjudication_requested_at is None  # nothing yet
    done = client.post(
        url, {"action": "adjudicate", "tasks": [task.pk], "filter_qs": "skipped=1", "confirm": "1"}, follow=True
    )
    assert done.redirect_chain[-1][0].endswith("/tasks/?skipped=1")
    assert b"Sent 1 of 1 selected task(s) to adjudication" in done.content
    assert Task.objects.get(pk=task.pk).adjudication_requested_at is not None
    bad = client.post(url, {"action": "requeue", "tasks": ["nope"], "confirm": "1"})
    assert bad.status_code == 400 and b"Nothing was changed" in bad.content
