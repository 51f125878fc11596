"""Task.disagreement, kept current so the task browser filters on a stored, indexed column.

The value is selectors.adjudication.disagreement_of over the task's submitted annotations (None below
two). Writers of submitted work refresh it in their own transaction: a submit or an edit of a
submitted annotation (annotation.services.annotations), a Label Studio import (the whole project).
"""

from __future__ import annotations

from collections import defaultdict

from ..db import cursor
from ..models import Annotation, StanceLabel, Statement, Task
from ..selectors.adjudication import disagreement_of, statement_set_key, task_statement_sets

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


_ONE_TASK_SQL = f"""SELECT a.annotator_id, s.actor_role, s.actor_id, s.claim_id, sl.value
FROM {Annotation._meta.db_table} a
LEFT JOIN {Statement._meta.db_table} s ON s.annotation_id = a.id
LEFT JOIN {StanceLabel._meta.db_table} sl ON sl.id = s.stance_id
WHERE a.task_id = %s AND a.status = 'submitted'"""
_UPDATE_SQL = f"UPDATE {Task._meta.db_table} SET disagreement = %s WHERE id = %s"


def task_disagreement_refresh_one(*, task_id: int) -> float | None:
    """The submit's path for its one task: the same value as task_disagreement_refresh, in one read and
    one UPDATE of plain SQL instead of three ORM queries and a bulk_update (a test holds them equal)."""
    with cursor() as cur:
        cur.execute(_ONE_TASK_SQL, [task_id])
        sets: dict[int, set] = defaultdict(set)
        for annotator, role, actor, claim, stance in cur.fetchall():
            statements = sets[annotator]  # an annotation with no statement is an empty set
            if role is not None:
                statements.add(statement_set_key(role, actor, claim, stance))
        value = disagreement_of(list(sets.values()))
        cur.execute(_UPDATE_SQL, [value, task_id])
    return value


def project_disagreement_refresh(*, project_id: int) -> int:
    """Recompute every task of the project that has (or had) a value."""
    ids = Task.objects.filter(project_id=project_id).filter(submitted_count__gte=2) | Task.objects.filter(
        project_id=project_id, disagreement__isnull=False
    )
    return task_disagreement_refresh(task_ids=ids.values_list("pk", flat=True))
