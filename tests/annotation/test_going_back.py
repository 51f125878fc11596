"""Going back (annotation.services.going_back, annotation.selectors.my_annotations): reopening a
submitted annotation without breaking k, taking back a skip, the previous task, and skips that do
not count as done. The claim is exercised on both of its paths (the PostgreSQL function and the ORM)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from annotation.models import Annotation, AnnotationRevision, Assignment, Task
from annotation.payloads import workspace_payload
from annotation.selectors.annotations import progress_for_annotator
from annotation.selectors.my_annotations import excerpt, my_annotations, previous_annotation
from annotation.services import assignment as assignment_service
from annotation.services.adjudication import adjudication_save
from annotation.services.annotations import annotation_save, annotation_skip, annotation_submit
from annotation.services.assignment import assignment_claim_next, assignment_renew, leases_expire
from annotation.services.exceptions import ConflictError
from annotation.services.going_back import UNDO_SKIP_SECONDS, skip_undo, task_reopen
from exports.selectors.annotations import submitted_statement_rows
from tests.factories import ClaimFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["sql_function", "orm"])
def claim_path(request, monkeypatch):
    assert connection.vendor == "postgresql"
    path = {"sql_function": assignment_service._claim_sql, "orm": assignment_service._claim_orm}[request.param]
    monkeypatch.setattr(assignment_service, "_claim_path", lambda: path)
    return request.param


def _member(project):
    return MembershipFactory(project=project, user=UserFactory(), role="annotator").user


def _mine(user, task) -> Annotation:
    return Annotation.objects.get(task=task, annotator=user)


def _statement(actor, claim, stance="favor"):
    return {
        "actor_role": "mention",
        "actor": actor.pk,
        "actor_start": 0,
        "actor_end": 7,
        "claim": claim.pk,
        "stance": stance,
    }


def _submit_next(user, project, statements=None) -> Annotation:
    assignment = assignment_claim_next(user=user, project=project)
    annotation = _mine(user, assignment.task_id)
    return annotation_submit(
        annotation=annotation,
        user=user,
        revision=annotation.revision,
        statements=statements or [],
        no_statement=not statements,
    )


def _skip_next(user, project) -> Annotation:
    assignment = assignment_claim_next(user=user, project=project)
    return annotation_skip(annotation=_mine(user, assignment.task_id), user=user)


# ------------------------------------------------------------------ reopen


def test_a_reopened_task_is_resumed_first_and_keeps_its_submission(claim_path, project, tasks, annotator):
    first = _submit_next(annotator, project)
    current = assignment_claim_next(user=annotator, project=project)
    assert current.task_id == tasks[1].pk

    reopened = task_reopen(annotation=first, user=annotator)

    assert reopened.task_id == tasks[0].pk and reopened.status == Assignment.Status.REOPENED
    assert assignment_claim_next(user=annotator, project=project).task_id == tasks[0].pk  # resumed, not tasks[1]
    task = Task.objects.get(pk=tasks[0].pk)
    assert task.submitted_count == 1 and _mine(annotator, task).status == Annotation.Status.SUBMITTED
    assert list(first.revisions.values_list("action", flat=True)) == ["submit", "reopen"]
    ws = workspace_payload(assignment=reopened, user=annotator)
    assert ws["task"]["id"] == tasks[0].pk and ws["annotation"]["status"] == "submitted"


def test_a_reopened_lease_does_not_take_a_place_from_others(claim_path, project, tasks, annotator):
    project.annotators_per_task = 2
    project.save()
    first = _submit_next(annotator, project)
    task_reopen(annotation=first, user=annotator)
    # k = 2: the submission holds one place; the reopened lease must not hold the other.
    other = _member(project)
    assert assignment_claim_next(user=other, project=project).task_id == tasks[0].pk
    third = _member(project)
    assert assignment_claim_next(user=third, project=project).task_id == tasks[1].pk  # now full: 1 + 1 live


def test_a_reopened_task_that_ran_out_is_never_offered_to_its_annotator_again(claim_path, project, tasks, annotator):
    first = _submit_next(annotator, project)
    task_reopen(annotation=first, user=annotator)
    Assignment.objects.filter(task=tasks[0], annotator=annotator).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert assignment_claim_next(user=annotator, project=project).task_id == tasks[1].pk
    leases_expire()
    assert Assignment.objects.get(task=tasks[0], annotator=annotator).status == Assignment.Status.SUBMITTED
    assert Task.objects.get(pk=tasks[0].pk).submitted_count == 1


def test_resubmitting_records_an_edit_closes_the_lease_and_exports_read_the_new_version(
    project, tasks, annotator, actor, claim
):
    first = _submit_next(annotator, project, [_statement(actor, claim, "favor")])
    assignment_claim_next(user=annotator, project=project)  # working on tasks[1]
    task_reopen(annotation=first, user=annotator)
    current = _mine(annotator, tasks[0])

    annotation_submit(
        annotation=current, user=annotator, revision=current.revision, statements=[_statement(actor, claim, "against")]
    )

    assert list(first.revisions.values_list("action", flat=True)) == ["submit", "reopen", "edit"]
    edit = first.revisions.get(action="edit")
    assert edit.before["statements"][0]["stance"] == "favor" and edit.after["statements"][0]["stance"] == "against"
    assert Assignment.objects.get(task=tasks[0], annotator=annotator).status == Assignment.Status.SUBMITTED
    assert Task.objects.get(pk=tasks[0].pk).submitted_count == 1  # not counted twice
    rows = [r for r in submitted_statement_rows(project=project) if r[0] == tasks[0].pk]
    assert [r[6] for r in rows] == ["against"]
    assert assignment_claim_next(user=annotator, project=project).task_id == tasks[1].pk  # back to where they were


def test_reopening_is_refused_where_the_project_forbids_it_and_nothing_changes(project, tasks, annotator):
    first = _submit_next(annotator, project)
    project.allow_reopen = False
    project.save()

    with pytest.raises(PermissionDenied):
        task_reopen(annotation=first, user=annotator)
    with pytest.raises(PermissionDenied):  # the same rule for a plain edit of the submitted annotation
        annotation_save(annotation=first, user=annotator, revision=first.revision, statements=[], no_statement=True)

    assert Assignment.objects.get(task=tasks[0], annotator=annotator).status == Assignment.Status.SUBMITTED
    assert list(first.revisions.values_list("action", flat=True)) == ["submit"]
    assert _mine(annotator, tasks[0]).revision == first.revision


def test_nothing_changes_a_submitted_annotation_once_its_task_is_adjudicated(
    project, tasks, annotator, manager, actor, claim
):
    first = _submit_next(annotator, project, [_statement(actor, claim)])
    task_reopen(annotation=first, user=annotator)  # reopened before the adjudication...
    adjudication_save(task=tasks[0], adjudicator=manager, statements=[], no_statement=True)
    current = _mine(annotator, tasks[0])

    with pytest.raises(ConflictError) as refused:  # ...and the edit after it is refused
        annotation_submit(
            annotation=current, user=annotator, revision=current.revision, statements=[], no_statement=True
        )
    assert "adjudicated" in refused.value.detail["detail"]
    with pytest.raises(ConflictError):
        task_reopen(annotation=current, user=annotator)
    assert _mine(annotator, tasks[0]).statements.count() == 1


def test_only_the_annotator_may_reopen_their_annotation(project, tasks, annotator, second_annotator):
    first = _submit_next(annotator, project)
    with pytest.raises(PermissionDenied):
        task_reopen(annotation=first, user=second_annotator)
    assert not Assignment.objects.filter(annotator=second_annotator).exists()


# ------------------------------------------------------------------ skips


def test_skips_do_not_count_as_done_and_are_not_offered_again(claim_path, project, tasks, annotator):
    _submit_next(annotator, project)
    _skip_next(annotator, project)

    figures = progress_for_annotator(user=annotator, project=project)
    assert figures == {"done": 1, "skipped": 1, "remaining": 8}
    nxt = assignment_claim_next(user=annotator, project=project)
    assert nxt.task_id == tasks[2].pk
    assert workspace_payload(assignment=nxt, user=annotator)["progress"] == figures


def test_a_skip_is_undone_within_the_window_and_the_task_comes_back(claim_path, project, tasks, annotator):
    skipped = _skip_next(annotator, project)
    assignment_claim_next(user=annotator, project=project)  # the page moved on to tasks[1]

    back = skip_undo(annotation=skipped, user=annotator)

    assert back.task_id == tasks[0].pk and back.status == Assignment.Status.ACTIVE
    annotation = _mine(annotator, tasks[0])
    assert annotation.status == Annotation.Status.DRAFT and annotation.revision == skipped.revision + 1
    assert list(annotation.revisions.values_list("action", flat=True)) == ["skip", "unskip"]
    assert assignment_claim_next(user=annotator, project=project).task_id == tasks[0].pk
    assert progress_for_annotator(user=annotator, project=project)["skipped"] == 0


def test_a_skip_older_than_the_window_or_no_skip_at_all_cannot_be_undone(project, tasks, annotator):
    skipped = _skip_next(annotator, project)
    later = timezone.now() + timedelta(seconds=UNDO_SKIP_SECONDS + 1)
    with pytest.raises(ConflictError, match="seconds only"):
        skip_undo(annotation=skipped, user=annotator, now=later)
    assert _mine(annotator, tasks[0]).status == Annotation.Status.SKIPPED

    draft = _mine(annotator, assignment_claim_next(user=annotator, project=project).task_id)
    with pytest.raises(ConflictError, match="not skipped"):
        skip_undo(annotation=draft, user=annotator)


def test_a_skip_is_not_undone_when_others_took_the_places(project, tasks, annotator):
    project.annotators_per_task = 1
    project.save()
    skipped = _skip_next(annotator, project)
    other = _member(project)
    assert assignment_claim_next(user=other, project=project).task_id == tasks[0].pk  # the one place, leased

    with pytest.raises(ConflictError, match="remaining places"):
        skip_undo(annotation=skipped, user=annotator)
    assert _mine(annotator, tasks[0]).status == Annotation.Status.SKIPPED
    assert Assignment.objects.get(task=tasks[0], annotator=annotator).status == Assignment.Status.SKIPPED


# ------------------------------------------------------------------ previous


def test_previous_walks_back_through_what_was_submitted_or_skipped(claim_path, project, tasks, annotator):
    _submit_next(annotator, project)  # tasks[0]
    _skip_next(annotator, project)  # tasks[1]
    assert assignment_claim_next(user=annotator, project=project).task_id == tasks[2].pk

    first_back = previous_annotation(user=annotator, project=project)
    assert first_back.task_id == tasks[1].pk
    task_reopen(annotation=first_back, user=annotator)  # a skip taken back: a draft again
    assert assignment_claim_next(user=annotator, project=project).task_id == tasks[1].pk

    second_back = previous_annotation(user=annotator, project=project)
    assert second_back.task_id == tasks[0].pk
    task_reopen(annotation=second_back, user=annotator)
    assert assignment_claim_next(user=annotator, project=project).task_id == tasks[0].pk
    assert previous_annotation(user=annotator, project=project) is None  # nothing before the first


def test_previous_is_none_before_anything_is_finished(project, tasks, annotator):
    assignment_claim_next(user=annotator, project=project)
    assert previous_annotation(user=annotator, project=project) is None


# ------------------------------------------------------------------ my annotations


def test_my_annotations_filter_by_status_and_search_and_show_only_mine(
    project, tasks, annotator, second_annotator, manager, actor
):
    claim = ClaimFactory(project=project, text="Sanctions against Moscow work")  # not in any paragraph
    first = _submit_next(annotator, project, [_statement(actor, claim)])
    _skip_next(annotator, project)
    assignment_claim_next(user=annotator, project=project)  # a draft on tasks[2]
    _submit_next(second_annotator, project)
    adjudication_save(task=tasks[0], adjudicator=manager, statements=[], no_statement=True)

    mine = my_annotations(project_id=project.pk, annotator_id=annotator.pk)
    assert [a.shown_status for a in mine] == ["draft", "skipped", "adjudicated"]  # newest change first
    assert {a.annotator_id for a in mine} == {annotator.pk}
    assert [a.task_id for a in my_annotations(project_id=project.pk, annotator_id=annotator.pk, status="skipped")] == [
        tasks[1].pk
    ]
    assert not my_annotations(project_id=project.pk, annotator_id=annotator.pk, status="submitted")
    by_claim = my_annotations(project_id=project.pk, annotator_id=annotator.pk, q="AGAINST MOSCOW")
    assert [a.pk for a in by_claim] == [first.pk]
    by_text = my_annotations(project_id=project.pk, annotator_id=annotator.pk, q=tasks[1].paragraph.text[-6:])
    assert [a.task_id for a in by_text] == [tasks[1].pk]


def test_an_excerpt_centres_on_the_match():
    text = "x" * 300 + " Beijing said " + "y" * 300
    cut = excerpt(text, "beijing")
    assert cut.match == "Beijing" and cut.before.startswith("…") and cut.after.endswith("…")
    assert (cut.before + cut.match + cut.after).replace("…", "") in text
    plain = excerpt(text)
    assert plain.match == "" and plain.before.endswith("…") and len(plain.before) <= 181


def test_a_revision_history_is_kept_in_order(project, tasks, annotator):
    first = _submit_next(annotator, project)
    task_reopen(annotation=first, user=annotator)
    task_reopen(annotation=first, user=annotator)  # a second click while reopened adds nothing
    actions = AnnotationRevision.objects.filter(annotation=first).values_list("action", flat=True)
    assert list(actions) == ["submit", "reopen"]


def test_the_workspace_keeps_a_reopened_lease_alive(project, tasks, annotator):
    first = _submit_next(annotator, project)
    lease = task_reopen(annotation=first, user=annotator)
    Assignment.objects.filter(pk=lease.pk).update(expires_at=timezone.now() + timedelta(seconds=5))
    renewed = assignment_renew(assignment=Assignment.objects.select_related("task__project").get(pk=lease.pk))
    assert renewed.expires_at > timezone.now() + timedelta(minutes=project.lease_minutes - 1)
    assert Assignment.objects.get(pk=lease.pk).status == Assignment.Status.REOPENED
