"""Task.disagreement, kept current so the task browser filters on a stored, indexed column.

The value is selectors.adjudication.disagreement_of over the task's submitted annotations (None below
two). Writers of submitted work refresh it in their own transaction: a submit or an edit of a
submitted annotation (annotation.services.annotations), a Label Studio import (the whole project).
"""

from __future__ import annotations

from ..models import Task
from ..selectors.adjudication import disagreement_of, task_statement_sets

CHUNK = 2000


def task_disagreement_refresh(*, task_ids) -> int:
    """Recompute the disagreement of the given tasks; returns how many were written."""
    ids = sorted(set(task_ids))
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        sets = task_statement_sets(chunk)
        Task.objects.bulk_update(
            [Task(pk=t, disagreement=disagreement_of(sets.get(t, []))) for t in chunk], ["disagreement"]
        )
    return len(ids)


def project_disagreement_refresh(*, project_id: int) -> int:
    """Recompute every task of the project that has (or had) a value."""
    ids = Task.objects.filter(project_id=project_id).filter(submitted_count__gte=2) | Task.objects.filter(
        project_id=project_id, disagreement__isnull=False
    )
    return task_disagreement_refresh(task_ids=ids.values_list("pk", flat=True))
