"""Storing pre-labels: each task's PredictionSet and its predictions, a batch in one transaction.

Idempotent per (task, pipeline name, pipeline version): the set's unique index makes a second writer
of the same set skip it (see prelabel.py's docstring). Suggestions that point at registry rows
deleted meanwhile are dropped. Nothing here writes annotations or statements.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from annotation.prelabel.pipeline import PIPELINE_NAME, ParagraphResult

from ..models import Actor, Claim, Prediction, PredictionSet, StanceLabel, Task


@dataclass
class StoreContext:
    actor_ids: set[int]
    claim_ids: set[int]
    stance_ids: dict[str, int]

    @classmethod
    def for_project(cls, project_id: int) -> StoreContext:
        return cls(
            actor_ids=set(Actor.objects.filter(project_id=project_id).values_list("pk", flat=True)),
            claim_ids=set(Claim.objects.filter(project_id=project_id).values_list("pk", flat=True)),
            stance_ids=dict(StanceLabel.objects.filter(project_id=project_id).values_list("value", "pk")),
        )


def _prediction_rows(
    *, prediction_set_id: int, task_id: int, result: ParagraphResult, context: StoreContext
) -> list[Prediction]:
    rows = []
    for s in result.suggestions:
        fields = {
            "kind": s.kind,
            "score": s.score,
            "start": s.start,
            "end": s.end,
            "surface": s.surface[:300],
            "model_name": s.model_name,
            "model_version": s.model_version[:100],
        }
        if s.kind == "actor":
            if int(s.label) not in context.actor_ids:
                continue
            fields["actor_id"] = int(s.label)
        elif s.kind == "claim":
            if int(s.label) not in context.claim_ids:
                continue
            fields["claim_id"] = int(s.label)
        elif s.kind == "stance":
            if (
                s.label not in context.stance_ids
                or int(s.actor) not in context.actor_ids
                or int(s.claim) not in context.claim_ids
            ):
                continue
            fields.update(stance_id=context.stance_ids[s.label], actor_id=int(s.actor), claim_id=int(s.claim))
        elif s.kind == "statement":  # actor None: the article's author
            if (
                (s.actor is not None and int(s.actor) not in context.actor_ids)
                or int(s.claim) not in context.claim_ids
                or (s.label and s.label not in context.stance_ids)
            ):
                continue
            fields.update(
                actor_id=int(s.actor) if s.actor is not None else None,
                claim_id=int(s.claim),
                stance_id=context.stance_ids[s.label] if s.label else None,
            )
        rows.append(Prediction(prediction_set_id=prediction_set_id, task_id=task_id, **fields))
    return rows


def _insert_sets(*, task_ids: list[int], job_id: int | None, model_version: str) -> dict[int, int]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: {task_id: new set id} for the tasks that had none.

    A task that already has a set for this version (an earlier run, or a copy of this batch running
    at the same moment: the unique index makes us wait for its commit) is left out.
    """
    if not task_ids:
        return {}
    meta = PredictionSet._meta
    columns = [meta.get_field(f).column for f in ("task", "model_name", "model_version", "job", "created_at")]
    now = timezone.now()
    params: list = []
    for task_id in task_ids:
        params += [task_id, PIPELINE_NAME, model_version, job_id, now]
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(task_ids))
    sql = (
        f'INSERT INTO "{meta.db_table}" ({", ".join(columns)}) VALUES {values} '
        f'ON CONFLICT ({columns[0]}, {columns[1]}, {columns[2]}) DO NOTHING RETURNING id, {columns[0]}'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {task_id: set_id for set_id, task_id in cursor.fetchall()}


@transaction.atomic
def prediction_store_many(
    *, items: list[tuple[int, ParagraphResult]], job_id: int | None, model_version: str, context: StoreContext
) -> int:
    """Write each task's prediction set and predictions, the whole batch in one transaction.

    Tasks that already have a set for this pipeline version are skipped (nothing written for them);
    suggestions pointing at registry rows deleted meanwhile are dropped. Updates Task.uncertainty
    (uncertainty-first ordering); never touches annotations or statements. Returns how many sets it
    wrote.
    """
    new_sets = _insert_sets(task_ids=[task_id for task_id, _ in items], job_id=job_id, model_version=model_version)
    predictions, uncertain = [], []
    for task_id, result in items:
        if task_id not in new_sets:
            continue
        predictions += _prediction_rows(
            prediction_set_id=new_sets[task_id], task_id=task_id, result=result, context=context
        )
        if result.uncertainty is not None:
            uncertain.append(Task(pk=task_id, uncertainty=result.uncertainty))
    Prediction.objects.bulk_create(predictions, batch_size=1000)
    Task.objects.bulk_update(uncertain, ["uncertainty"], batch_size=1000)
    return len(new_sets)


def prediction_store(
    *,
    task_id: int,
    result: ParagraphResult,
    job_id: int | None,
    model_version: str,
    context: StoreContext | None = None,
) -> bool:
    """One task's prediction set and predictions in one transaction; False if it already had a set."""
    project_id = Task.objects.values_list("project_id", flat=True).get(pk=task_id)
    return (
        prediction_store_many(
            items=[(task_id, result)],
            job_id=job_id,
            model_version=model_version,
            context=context or StoreContext.for_project(project_id),
        )
        == 1
    )
