from datetime import timedelta

import pytest
from django.utils import timezone

from annotation.models import Annotation, Assignment, Project, Task
from annotation.services.annotations import annotation_skip, annotation_submit
from annotation.services.assignment import assignment_claim_next, leases_expire
from annotation.services.exceptions import ConflictError
from annotation.services.projects import project_update
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _members(project, n):
    return [MembershipFactory(project=project, user=UserFactory(), role="annotator").user for _ in range(n)]


def _submit(user, project):
    assignment = assignment_claim_next(user=user, project=project)
    annotation = Annotation.objects.get(task_id=assignment.task_id, annotator=user)
    return annotation_submit(
        annotation=annotation, user=user, revision=annotation.revision, statements=[], no_statement=True
    )


def test_next_task_follows_article_order_and_creates_a_draft(project, tasks, annotator):
    assignment = assignment_claim_next(user=annotator, project=project)
    assert assignment.task_id == tasks[0].pk
    annotation = Annotation.objects.get(task=tasks[0], annotator=annotator)
    assert annotation.status == "draft" and annotation.assignment_id == assignment.pk


def test_next_task_resumes_the_annotators_active_lease(project, tasks, annotator):
    first = assignment_claim_next(user=annotator, project=project)
    again = assignment_claim_next(user=annotator, project=project)
    assert again.pk == first.pk
    assert Assignment.objects.filter(annotator=annotator).count() == 1


def test_k_annotators_share_a_task_then_the_next_one_moves_on(project, tasks):
    a, b, c, d = _members(project, 4)
    got = [assignment_claim_next(user=u, project=project).task_id for u in (a, b, c, d)]
    assert got == [tasks[0].pk] * 3 + [tasks[1].pk]  # k = 3 live leases fill the first task


def test_an_annotator_never_gets_a_task_they_submitted_or_skipped(project, tasks, annotator):
    _submit(annotator, project)
    second = assignment_claim_next(user=annotator, project=project)
    annotation_skip(annotation=Annotation.objects.get(task_id=second.task_id, annotator=annotator), user=annotator)
    third = assignment_claim_next(user=annotator, project=project)
    assert [tasks[0].pk, tasks[1].pk, tasks[2].pk] == [
        Assignment.objects.get(annotator=annotator, task=t).task_id for t in tasks[:3]
    ]
    assert third.task_id == tasks[2].pk


def test_a_complete_task_is_never_offered(project, tasks):
    users = _members(project, 4)
    for user in users[:3]:
        _submit(user, project)
    task = Task.objects.get(pk=tasks[0].pk)
    assert task.submitted_count == 3 and task.is_complete
    assert assignment_claim_next(user=users[3], project=project).task_id == tasks[1].pk


def test_an_expired_lease_returns_the_task_to_the_pool(project, tasks):
    a, b, c, d = _members(project, 4)
    for user in (a, b, c):
        assignment_claim_next(user=user, project=project)
    Assignment.objects.filter(annotator=a).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert assignment_claim_next(user=d, project=project).task_id == tasks[0].pk


def test_an_annotator_whose_lease_expired_gets_the_same_row_and_draft_back(project, tasks, annotator):
    first = assignment_claim_next(user=annotator, project=project)
    Assignment.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    leases_expire()
    again = assignment_claim_next(user=annotator, project=project)
    assert again.pk == first.pk and again.status == "active" and again.expires_at > timezone.now()
    assert Annotation.objects.filter(annotator=annotator).count() == 1


def test_submit_after_expiry_is_refused_when_others_filled_the_task(project, tasks):
    late, *others = _members(project, 4)
    assignment = assignment_claim_next(user=late, project=project)
    Assignment.objects.filter(pk=assignment.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    for user in others:
        _submit(user, project)
    annotation = Annotation.objects.get(task_id=assignment.task_id, annotator=late)
    with pytest.raises(ConflictError):
        annotation_submit(
            annotation=annotation, user=late, revision=annotation.revision, statements=[], no_statement=True
        )
    assert Task.objects.get(pk=assignment.task_id).submitted_count == 3
    assert Annotation.objects.get(pk=annotation.pk).status == "draft"  # kept, not lost


def test_nothing_left_gives_none(project, tasks, annotator):
    for _ in tasks:
        _submit(annotator, project)
    assert assignment_claim_next(user=annotator, project=project) is None


def test_uncertainty_order_serves_the_most_uncertain_scored_task_first(project, tasks, annotator):
    project_update(project=project, data={"task_order": Project.TaskOrder.UNCERTAINTY})
    project.refresh_from_db()
    Task.objects.filter(pk=tasks[5].pk).update(uncertainty=0.9)
    Task.objects.filter(pk=tasks[7].pk).update(uncertainty=0.4)
    order = []
    for _ in range(3):
        order.append(_submit(annotator, project).task_id)
    assert order == [tasks[5].pk, tasks[7].pk, tasks[0].pk]  # scored first, then article order


def test_renew_extends_a_live_lease_but_not_an_expired_one(project, tasks, annotator):
    from annotation.services.assignment import assignment_renew

    assignment = assignment_claim_next(user=annotator, project=project)
    soon = timezone.now() + timedelta(minutes=1)
    Assignment.objects.filter(pk=assignment.pk).update(expires_at=soon)
    renewed = assignment_renew(assignment=Assignment.objects.get(pk=assignment.pk))
    assert renewed.expires_at > soon + timedelta(minutes=20)
    past = timezone.now() - timedelta(seconds=1)
    Assignment.objects.filter(pk=assignment.pk).update(expires_at=past)
    assignment_renew(assignment=Assignment.objects.get(pk=assignment.pk))
    assert Assignment.objects.get(pk=assignment.pk).expires_at == past
