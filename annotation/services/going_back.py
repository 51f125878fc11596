"""Going back to a task of one's own: reopening a submitted annotation, taking back a skip (at once,
as the workspace's undo, or later), continuing a draft whose lease ran out.

Every path ends with a live lease on the task that next-task resumes first (it is the annotator's
newest), so the workspace opens it without being told which task to load:

  * submitted -> the lease is `reopened`: it never counts against k (the submission already counts)
    and keeps the task out of the annotator's queue. The annotation stays submitted and counted, so
    agreement and exports keep reading it; each edit is saved whole (a submitted annotation cannot be
    saved empty) and recorded with before/after, and resubmitting closes the lease. Allowed only as
    annotation.services.edit_rules says (the project's allow_reopen, no gold);
  * skipped or draft -> an ordinary `active` lease, which counts against k, and the skip becomes a
    draft again. It needs room: k minus the submissions minus the other annotators' live leases,
    counted under the task's row lock as a claim does; otherwise ConflictError and nothing changes.

Opening one task hands back any other reopened lease of the annotator in the project (it becomes
`submitted` again), so after finishing the task they went back to, next-task returns them to the one
they were working on. Locks: the task row, then the annotation's (the order submit takes them in).
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ..models import Adjudication, Annotation, AnnotationRevision, Assignment, Task
from .edit_rules import check_submitted_editable
from .exceptions import ConflictError
from .snapshots import annotation_snapshot

UNDO_SKIP_SECONDS = 30


def _others_live_leases(task: Task, user, now) -> int:
    return (
        Assignment.objects.filter(task=task, status=Assignment.Status.ACTIVE, expires_at__gt=now)
        .exclude(annotator=user)
        .count()
    )


def _record(annotation: Annotation, action: str, user, before: dict) -> None:
    AnnotationRevision.objects.create(
        annotation=annotation, action=action, changed_by=user, before=before, after=annotation_snapshot(annotation.pk)
    )


def _release_other_reopened(*, user, task: Task) -> None:
    Assignment.objects.filter(
        annotator=user, task__project_id=task.project_id, status=Assignment.Status.REOPENED
    ).exclude(task=task).update(status=Assignment.Status.SUBMITTED)


def _locked(annotation: Annotation, user) -> tuple[Task, Annotation]:
    task = Task.objects.select_for_update().select_related("project").get(pk=annotation.task_id)
    annotation = Annotation.objects.select_for_update().get(pk=annotation.pk)
    if annotation.annotator_id != user.pk:
        raise PermissionDenied("Only the annotator who made this annotation may reopen it.")
    return task, annotation


def _lease(*, task: Task, annotation: Annotation, user, status: str, now) -> Assignment:
    """The annotator's lease on the task, (re)started now; the annotation is linked to it."""
    expires = now + timedelta(minutes=task.project.lease_minutes)
    assignment, created = Assignment.objects.get_or_create(
        task=task,
        annotator=user,
        defaults={"status": status, "leased_at": now, "expires_at": expires},
    )
    if not created:  # the finish time stays: it orders the annotator's work for "previous"
        assignment.status, assignment.leased_at, assignment.expires_at = status, now, expires
        assignment.save(update_fields=["status", "leased_at", "expires_at"])
    if annotation.assignment_id != assignment.pk:
        Annotation.objects.filter(pk=annotation.pk).update(assignment=assignment)
    return assignment


def _take_back(*, task: Task, annotation: Annotation, user, now) -> Assignment:
    """An active lease on a skipped or draft annotation's task, if the task still has room for it."""
    live = Assignment.objects.filter(
        task=task, annotator=user, status=Assignment.Status.ACTIVE, expires_at__gt=now
    ).exists()
    k = task.target_annotators or task.project.annotators_per_task  # the task's own k, if a manager set one
    if not live and task.submitted_count + _others_live_leases(task, user, now) >= k:
        raise ConflictError(
            f"Others have taken this paragraph's remaining places (it needs {k} annotators); "
            + ("it stays skipped." if annotation.status == Annotation.Status.SKIPPED else "your draft is kept."),
            revision=annotation.revision,
        )
    if annotation.status == Annotation.Status.SKIPPED:
        before = annotation_snapshot(annotation.pk)
        annotation.status, annotation.revision, annotation.updated_at = (
            Annotation.Status.DRAFT,
            annotation.revision + 1,
            now,
        )
        Annotation.objects.filter(pk=annotation.pk).update(
            status=annotation.status, revision=annotation.revision, updated_at=now
        )
        _record(annotation, AnnotationRevision.Action.UNSKIP, user, before)
    return _lease(task=task, annotation=annotation, user=user, status=Assignment.Status.ACTIVE, now=now)


@transaction.atomic
def task_reopen(*, annotation: Annotation, user) -> Assignment:
    """Open the annotator's own annotation in the workspace again (see the module docstring).

    Raises PermissionDenied (project forbids reopening) or ConflictError (adjudicated; no room left).
    """
    now = timezone.now()
    task, annotation = _locked(annotation, user)
    _release_other_reopened(user=user, task=task)
    if annotation.status != Annotation.Status.SUBMITTED:
        return _take_back(task=task, annotation=annotation, user=user, now=now)
    check_submitted_editable(
        allow_reopen=task.project.allow_reopen,
        adjudicated=Adjudication.objects.filter(task=task).exists(),
        revision=annotation.revision,
    )
    already = Assignment.objects.filter(
        task=task, annotator=user, status=Assignment.Status.REOPENED, expires_at__gt=now
    ).exists()
    assignment = _lease(task=task, annotation=annotation, user=user, status=Assignment.Status.REOPENED, now=now)
    if not already:  # one history entry per reopening, not per click
        _record(annotation, AnnotationRevision.Action.REOPEN, user, annotation_snapshot(annotation.pk))
    return assignment


@transaction.atomic
def skip_undo(*, annotation: Annotation, user, now=None) -> Assignment:
    """Undo the annotator's own skip within UNDO_SKIP_SECONDS: the task is theirs again, as a draft.

    Raises ConflictError when the annotation is not skipped, the skip is older, or the task has no
    room left (others took its places meanwhile).
    """
    now = now or timezone.now()
    task, annotation = _locked(annotation, user)
    if annotation.status != Annotation.Status.SKIPPED:
        raise ConflictError("This annotation is not skipped; there is no skip to undo.", revision=annotation.revision)
    skipped_at = (
        annotation.revisions.filter(action=AnnotationRevision.Action.SKIP)
        .order_by("-changed_at")
        .values_list("changed_at", flat=True)
        .first()
    )
    if skipped_at is None or now - skipped_at > timedelta(seconds=UNDO_SKIP_SECONDS):
        raise ConflictError(
            f"A skip can be undone for {UNDO_SKIP_SECONDS} seconds only; open the paragraph from "
            "My annotations instead.",
            revision=annotation.revision,
        )
    _release_other_reopened(user=user, task=task)
    return _take_back(task=task, annotation=annotation, user=user, now=now)
