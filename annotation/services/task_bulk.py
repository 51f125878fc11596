"""Bulk actions of the task browser on a manager's selected tasks: re-queue, send to adjudication, set k.

Each action is one transaction over the selected tasks, locked in id order (the order submits and
claims lock them in too, so no deadlock): either every selected task is handled or none is. Ids that
are not tasks of the project are refused before anything is written (BulkInvalid, a 400).

Re-queue undoes skips: each skipped annotation becomes a draft again (a "requeue" revision records
it) and its assignment becomes an expired lease, which the claim re-uses, so the task is offered
again to whoever skipped it. Submitted annotations are never touched; a complete task stays complete.
Send to adjudication stamps Task.adjudication_requested_at; the disagreement list then shows the task
once it has one submitted annotation (two are needed otherwise).
Set k gives the tasks their own k (Task.target_annotators; the claim, PostgreSQL function and ORM path
alike, and the submit use it instead of the project's): a task below its new k is open again, one at
or above it is complete; a k below a task's submitted annotations is refused (nothing is deleted).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Annotation, AnnotationRevision, Assignment, Project, Task

MAX_BULK = 1000
MAX_K = 50  # the most annotators per task a project may ask for (annotation.api.projects)


class BulkInvalid(ValidationError):
    """The selection names no task, too many, or tasks outside the project."""


def _locked(project: Project, task_ids) -> list[int]:
    ids = sorted({int(i) for i in task_ids})
    if not ids:
        raise BulkInvalid("Select at least one task.")
    if len(ids) > MAX_BULK:
        raise BulkInvalid(f"At most {MAX_BULK} tasks per action.")
    found = list(
        Task.objects.filter(project=project, pk__in=ids).order_by("pk").select_for_update().values_list("pk", flat=True)
    )
    missing = sorted(set(ids) - set(found))
    if missing:
        raise BulkInvalid(f"Not tasks of this project: {', '.join(map(str, missing[:20]))}.")
    return found


@transaction.atomic
def tasks_requeue(*, project: Project, task_ids, user) -> dict:
    """Undo the skips on the selected tasks. Returns counts for the page to report."""
    ids = _locked(project, task_ids)
    skipped = list(
        Annotation.objects.filter(task_id__in=ids, status=Annotation.Status.SKIPPED).select_for_update().order_by("pk")
    )
    now = timezone.now()
    for a in skipped:
        a.status, a.revision, a.updated_at = Annotation.Status.DRAFT, a.revision + 1, now
    Annotation.objects.bulk_update(skipped, ["status", "revision", "updated_at"])
    AnnotationRevision.objects.bulk_create(
        AnnotationRevision(
            annotation=a,
            action=AnnotationRevision.Action.REQUEUE,
            changed_by=user,
            before={"status": Annotation.Status.SKIPPED},
            after={"status": Annotation.Status.DRAFT},
        )
        for a in skipped
    )
    released = Assignment.objects.filter(task_id__in=ids, status=Assignment.Status.SKIPPED).update(
        status=Assignment.Status.EXPIRED, expires_at=now
    )
    return {
        "tasks": len(ids),
        "skips_undone": len(skipped),
        "leases_reopened": released,
        "tasks_changed": len({a.task_id for a in skipped}),
    }


@transaction.atomic
def tasks_send_to_adjudication(*, project: Project, task_ids, user) -> dict:
    """Put the selected tasks on the adjudication list. Returns counts for the page to report."""
    ids = _locked(project, task_ids)
    sent = Task.objects.filter(pk__in=ids, adjudication_requested_at__isnull=True).update(
        adjudication_requested_at=timezone.now()
    )
    waiting = Task.objects.filter(pk__in=ids).exclude(annotations__status=Annotation.Status.SUBMITTED).count()
    return {"tasks": len(ids), "sent": sent, "already_sent": len(ids) - sent, "without_submission": waiting}


@transaction.atomic
def tasks_set_k(*, project: Project, task_ids, user, k: int) -> dict:
    """Give the selected tasks their own k. Returns counts for the page to report."""
    if not 1 <= k <= MAX_K:
        raise BulkInvalid(f"k must be between 1 and {MAX_K}.")
    ids = _locked(project, task_ids)
    tasks = Task.objects.filter(pk__in=ids)
    over = list(tasks.filter(submitted_count__gt=k).order_by("pk").values_list("pk", "submitted_count")[:20])
    if over:
        named = ", ".join(f"#{pk} has {n}" for pk, n in over)
        raise BulkInvalid(f"Cannot set k to {k}: some tasks already have more submitted annotations ({named}).")
    counts = {
        "changed": tasks.filter(~Q(target_annotators=k) | Q(target_annotators__isnull=True)).count(),
        "reopened": tasks.filter(is_complete=True, submitted_count__lt=k).count(),
        "completed": tasks.filter(is_complete=False, submitted_count__gte=k).count(),
    }
    tasks.filter(submitted_count__gte=k).update(target_annotators=k, is_complete=True)
    tasks.filter(submitted_count__lt=k).update(target_annotators=k, is_complete=False)
    return {"tasks": len(ids), "k": k, **counts}


BULK_ACTIONS = {"requeue": tasks_requeue, "adjudicate": tasks_send_to_adjudication, "set_k": tasks_set_k}
