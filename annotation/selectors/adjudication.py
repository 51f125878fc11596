"""Reads for adjudication: the disagreement list and the side-by-side view of one task."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from annotation.models import Adjudication, Annotation, GoldStatement, Prediction, Project, Statement, Task


def _key(role, actor, claim, stance):
    return (role if actor is None else "", actor, claim, stance)


def disagreement_list(*, project: Project, only_open: bool = False, min_annotators: int = 2) -> list[dict]:
    """Tasks with two or more submitted annotations (one, if sent to adjudication), worst disagreement first.

    Disagreement = 1 - mean pairwise Jaccard similarity of the annotators' (actor, claim, stance)
    sets (two empty sets agree). Streamed; one pass over the project's submitted statements.
    """
    annotators: dict[int, set] = defaultdict(set)
    for task, annotator in (
        Annotation.objects.filter(task__project=project, status=Annotation.Status.SUBMITTED)
        .values_list("task_id", "annotator_id")
        .iterator(chunk_size=5000)
    ):
        annotators[task].add(annotator)
    sets: dict[tuple, set] = defaultdict(set)
    for task, annotator, role, actor, claim, stance in (
        Statement.objects.filter(annotation__task__project=project, annotation__status=Annotation.Status.SUBMITTED)
        .values_list(
            "annotation__task_id", "annotation__annotator_id", "actor_role", "actor_id", "claim_id", "stance__value"
        )
        .iterator(chunk_size=5000)
    ):
        sets[(task, annotator)].add(_key(role, actor, claim, stance))
    adjudicated = set(Adjudication.objects.filter(task__project=project).values_list("task_id", flat=True))
    # Tasks a manager sent to adjudication (the task browser) are listed from one submission on.
    requested = set(
        Task.objects.filter(project=project, adjudication_requested_at__isnull=False).values_list("pk", flat=True)
    )
    rows = []
    for task, who in annotators.items():
        if (len(who) < min_annotators and task not in requested) or (only_open and task in adjudicated):
            continue
        scores = [1.0] if len(who) < 2 else []  # one annotation: nothing to disagree with
        for a, b in combinations(sorted(who), 2):
            A, B = sets.get((task, a), set()), sets.get((task, b), set())
            scores.append(1.0 if not (A | B) else len(A & B) / len(A | B))
        rows.append(
            {
                "task": task,
                "annotators": len(who),
                "disagreement": round(1 - sum(scores) / len(scores), 4),
                "statements": sum(len(sets.get((task, a), ())) for a in who),
                "adjudicated": task in adjudicated,
                "requested": task in requested,
            }
        )
    rows.sort(key=lambda r: (-r["disagreement"], r["task"]))
    info = {
        t: (aid, title, pos)
        for t, aid, title, pos in Task.objects.filter(pk__in=[r["task"] for r in rows]).values_list(
            "pk", "paragraph__article_id", "paragraph__article__title", "paragraph__position"
        )
    }
    for r in rows:
        r["article"], r["article_title"], r["position"] = info[r["task"]]
    return rows


def adjudication_view(*, task: Task) -> dict:
    """Everything the side-by-side page shows: paragraph, each annotator's statements, pre-labels, gold."""
    annotations = (
        Annotation.objects.filter(task=task, status=Annotation.Status.SUBMITTED)
        .select_related("annotator")
        .order_by("annotator__username")
    )
    statements = defaultdict(list)
    for s in (
        Statement.objects.filter(annotation__in=annotations)
        .select_related("actor", "claim", "stance")
        .order_by("position", "id")
    ):
        statements[s.annotation_id].append(s)
    adjudication = Adjudication.objects.filter(task=task).select_related("adjudicator").first()
    gold = (
        list(GoldStatement.objects.filter(adjudication=adjudication).select_related("actor", "claim", "stance"))
        if adjudication
        else []
    )
    history = (
        list(Adjudication.history.filter(task_id=task.pk).order_by("-history_date")[:20])
        if adjudication or Adjudication.history.filter(task_id=task.pk).exists()
        else []
    )
    return {
        "task": task,
        "paragraph": task.paragraph,
        "article": task.paragraph.article,
        "annotations": [{"annotation": a, "statements": statements.get(a.pk, [])} for a in annotations],
        "predictions": list(
            Prediction.objects.filter(task=task)
            .select_related("actor", "claim", "stance")
            .order_by("kind", "-score", "id")
        ),
        "adjudication": adjudication,
        "gold": gold,
        "history": history,
    }
