"""Evaluating the pre-labelling models against the project's own labels (article-grouped CV).

Labels: a task's adjudicated gold where it has one; otherwise the statements of its submitted
annotations, one per (actor, claim) with the stance most annotators gave (ties: the first
submitted). A task whose adjudication or submitted annotations hold no statement counts as a
labelled paragraph without statements (it teaches the author model and the span precision).

`prelabel_evaluation_create` records a pending run and enqueues `annotation.prelabel_evaluate`
after commit; the worker calls `prelabel_evaluation_run`, which claims the run with a conditional
update (a redelivered message finds it running or finished and does nothing), computes the report
and stores it, or stores the error. `prelabel_evaluate_now` does both in this process (the command).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from annotation.prelabel import registry
from annotation.prelabel.base import ActorEntry, ClaimEntry
from annotation.prelabel.evaluation import LabelledParagraph, LabelledStatement, NotEnoughToEvaluate, evaluate_prelabels
from corpora.models import Article

from ..models import (
    Actor,
    Adjudication,
    Annotation,
    Claim,
    GoldStatement,
    PrelabelEvaluation,
    Project,
    RegistryStatus,
    Statement,
    Task,
)
from .embedder import embedder_key
from .enqueue import enqueue_on_commit

logger = logging.getLogger(__name__)


def _statement(row) -> LabelledStatement:
    role = row.actor_role if row.actor_role in ("author", "implied") else "mention"
    return LabelledStatement(
        role=role,
        actor=str(row.actor_id) if row.actor_id else None,
        start=row.actor_start,
        end=row.actor_end,
        claim=str(row.claim_id),
        stance=row.stance.value,
    )


def labelled_paragraphs(*, project: Project) -> list[LabelledParagraph]:
    """Every labelled paragraph of the project with its statements, in task order."""
    tasks = {t.pk: t for t in Task.objects.filter(project=project).select_related("paragraph")}
    by_task: dict[int, list[LabelledStatement]] = defaultdict(list)
    adjudicated = set(Adjudication.objects.filter(task__project=project).values_list("task_id", flat=True))
    for g in (
        GoldStatement.objects.filter(adjudication__task__project=project)
        .select_related("stance", "adjudication")
        .order_by("adjudication__task_id", "position", "pk")
    ):
        by_task[g.adjudication.task_id].append(_statement(g))
    submitted = set(
        Annotation.objects.filter(task__project=project, status=Annotation.Status.SUBMITTED)
        .exclude(task_id__in=adjudicated)
        .values_list("task_id", flat=True)
    )
    votes: dict[int, dict[tuple, list[LabelledStatement]]] = defaultdict(lambda: defaultdict(list))
    for s in (
        Statement.objects.filter(annotation__task_id__in=submitted, annotation__status=Annotation.Status.SUBMITTED)
        .select_related("stance", "annotation")
        .order_by("annotation__submitted_at", "annotation_id", "position", "pk")
    ):
        st = _statement(s)
        votes[s.annotation.task_id][(st.role, st.actor, st.claim)].append(st)
    for task_id, groups in votes.items():
        for options in groups.values():
            stance = Counter(o.stance for o in options).most_common(1)[0][0]
            by_task[task_id].append(next(o for o in options if o.stance == stance))
    out = []
    for task_id in sorted(adjudicated | submitted, key=lambda t: (tasks[t].order, t) if t in tasks else (0, t)):
        task = tasks.get(task_id)
        if task is not None:
            out.append(
                LabelledParagraph(
                    group=str(task.paragraph.article_id),
                    text=task.paragraph.text,
                    statements=tuple(by_task.get(task_id, ())),
                )
            )
    return out


def prelabel_evaluation_compute(*, project: Project) -> dict:
    """The evaluation report for the project's labels now. Raises NotEnoughToEvaluate (a ValueError)."""
    paragraphs = labelled_paragraphs(project=project)
    approved = Actor.objects.filter(project=project, status=RegistryStatus.APPROVED).prefetch_related("aliases")
    actors = [
        ActorEntry(key=str(a.pk), name=a.name, aliases=tuple(al.alias for al in a.aliases.all())) for a in approved
    ]
    names = {str(pk): name for pk, name in Actor.objects.filter(project=project).values_list("pk", "name")}
    # every claim a statement can point at (approved or proposed); merged ones were re-pointed
    claims = [
        ClaimEntry(key=str(pk), text=text)
        for pk, text in Claim.objects.filter(project=project)
        .exclude(status=RegistryStatus.MERGED)
        .order_by("pk")
        .values_list("pk", "text")
    ]
    report = evaluate_prelabels(
        paragraphs, registry=actors, actor_names=names, claims=claims, embedder=registry.get_embedder(embedder_key())
    )
    report["embedder"] = embedder_key()
    titles = {
        str(pk): title or f"Article {pk}"
        for pk, title in Article.objects.filter(pk__in={p.group for p in paragraphs}).values_list("pk", "title")
    }
    for fold in report["stance_selection"]:
        fold["title"] = titles.get(fold["held_out"], fold["held_out"])
    return report


@transaction.atomic
def prelabel_evaluation_create(*, project: Project, user=None) -> PrelabelEvaluation:
    evaluation = PrelabelEvaluation.objects.create(
        project=project, created_by=user if getattr(user, "pk", None) else None
    )
    enqueue_on_commit("annotation.prelabel_evaluate", evaluation.pk)
    return evaluation


def prelabel_evaluation_run(*, evaluation_id: int) -> PrelabelEvaluation | None:
    """Claim a pending run, compute and store its report (or its error). No-op if already claimed."""
    claimed = PrelabelEvaluation.objects.filter(pk=evaluation_id, status=PrelabelEvaluation.Status.PENDING).update(
        status=PrelabelEvaluation.Status.RUNNING
    )
    evaluation = PrelabelEvaluation.objects.select_related("project").filter(pk=evaluation_id).first()
    if not claimed or evaluation is None:
        return evaluation
    try:
        report = prelabel_evaluation_compute(project=evaluation.project)
    except NotEnoughToEvaluate as exc:
        _finish(evaluation, status=PrelabelEvaluation.Status.FAILED, error=str(exc))
    except Exception as exc:  # stored for the page, then re-raised for the worker's log
        _finish(evaluation, status=PrelabelEvaluation.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    else:
        _finish(evaluation, status=PrelabelEvaluation.Status.COMPLETE, report=report)
    evaluation.refresh_from_db()
    return evaluation


def _finish(evaluation: PrelabelEvaluation, *, status: str, report: dict | None = None, error: str = "") -> None:
    PrelabelEvaluation.objects.filter(pk=evaluation.pk).update(
        status=status, report=report or {}, error=error[:2000], finished_at=timezone.now()
    )


def prelabel_evaluate_now(*, project: Project, user=None) -> PrelabelEvaluation:
    """Create a run and compute it in this process (the management command)."""
    evaluation = PrelabelEvaluation.objects.create(
        project=project, created_by=user if getattr(user, "pk", None) else None
    )
    return prelabel_evaluation_run(evaluation_id=evaluation.pk)


def prelabel_evaluation_latest(*, project: Project) -> PrelabelEvaluation | None:
    return PrelabelEvaluation.objects.filter(project=project).first()
