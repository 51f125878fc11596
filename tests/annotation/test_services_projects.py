import pytest
from django.core.exceptions import ValidationError

from annotation.models import Annotation, ProjectMembership, Role, Task
from annotation.models.project import DEFAULT_STANCE_LABELS
from annotation.services.assignment import assignment_claim_next
from annotation.services.projects import (
    ORDER_STRIDE,
    membership_remove,
    membership_set,
    project_create,
    project_update,
    tasks_sync,
)
from tests.annotation.conftest import build_corpus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_project_create_adds_default_stance_labels_and_creator_as_manager():
    boss = UserFactory(username="boss", is_staff=True)
    project = project_create(name="Pipelines", created_by=boss)
    labels = list(project.stance_labels.order_by("order").values_list("value", "name", "key"))
    assert labels == [tuple(x) for x in DEFAULT_STANCE_LABELS]
    assert ProjectMembership.objects.get(project=project, user=boss).role == Role.MANAGER


def test_project_create_refuses_a_duplicate_name():
    project_create(name="Same", created_by=None)
    with pytest.raises(ValidationError) as exc:
        project_create(name="Same", created_by=None)
    assert "name" in exc.value.message_dict


def test_tasks_sync_creates_tasks_in_article_order_for_matching_kinds_only(project):
    build_corpus(project=project, articles=3, per_article=4, kinds=("body", "title", "body", "comment"))
    result = tasks_sync(project=project)
    assert (result.created, result.total) == (6, 6)
    rows = list(
        Task.objects.filter(project=project)
        .order_by("order")
        .values_list("paragraph__article_id", "paragraph__position", "paragraph__kind", "order")
    )
    assert [r[:2] for r in rows] == sorted(r[:2] for r in rows)
    assert {r[2] for r in rows} == {"body"}
    assert all(order == art * ORDER_STRIDE + pos for art, pos, _, order in rows)


def test_tasks_sync_twice_is_a_no_op(project):
    build_corpus(project=project, articles=2, per_article=3)
    tasks_sync(project=project)
    again = tasks_sync(project=project)
    assert (again.created, again.removed, again.total) == (0, 0, 6)
    assert Task.objects.filter(project=project).count() == 6


def test_tasks_sync_follows_paragraph_kinds_and_keeps_tasks_with_work(project, annotator):
    build_corpus(project=project, articles=1, per_article=4, kinds=("body", "title"))
    tasks_sync(project=project)
    assignment_claim_next(user=annotator, project=project)  # work on the first body task
    project_update(project=project, data={"paragraph_kinds": ["title"]})
    result = tasks_sync(project=project)
    kinds = sorted(Task.objects.filter(project=project).values_list("paragraph__kind", flat=True))
    assert result.created == 2 and result.removed == 1
    assert kinds == ["body", "title", "title"]  # the body task somebody leased stays


def test_lowering_k_below_existing_submissions_is_refused(project, tasks):
    Task.objects.filter(pk=tasks[0].pk).update(submitted_count=3, is_complete=True)
    with pytest.raises(ValidationError) as exc:
        project_update(project=project, data={"annotators_per_task": 2})
    assert "annotators_per_task" in exc.value.message_dict


def test_changing_k_recomputes_completeness(project, tasks):
    Task.objects.filter(pk=tasks[0].pk).update(submitted_count=2)
    project_update(project=project, data={"annotators_per_task": 2})
    assert Task.objects.get(pk=tasks[0].pk).is_complete
    project_update(project=project, data={"annotators_per_task": 3})
    assert not Task.objects.get(pk=tasks[0].pk).is_complete


def test_guidelines_change_bumps_their_version(project):
    version = project.guidelines_version
    project_update(project=project, data={"guidelines": "New rules"})
    project.refresh_from_db()
    assert project.guidelines_version == version + 1


def test_last_manager_cannot_be_demoted_or_removed(project, manager):
    with pytest.raises(ValidationError):
        membership_set(project=project, user=manager, role=Role.ANNOTATOR)
    with pytest.raises(ValidationError):
        membership_remove(project=project, user=manager)


def test_removing_a_member_ends_their_leases_and_keeps_their_annotations(project, tasks, annotator, manager):
    assignment = assignment_claim_next(user=annotator, project=project)
    membership_remove(project=project, user=annotator)
    assignment.refresh_from_db()
    assert assignment.status == "expired"
    assert Annotation.objects.filter(annotator=annotator).count() == 1
