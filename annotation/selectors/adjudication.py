"""Reads for adjudication: the disagreement list and the side-by-side view of one task."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from annotation.models import Adjudication, Annotation, GoldStatement, Prediction, Project, Statement, Task


def statement_set_key(role, actor, claim, stance):
    """A statement as disagreement compares it: (role unless an actor is linked, actor, claim, stance)."""
    return (role if actor is None else "", actor, claim, stance)


def disagreement_of(sets: list[set]) -> float | None:
    """A task's disagreement: 1 - the mean pairwise Jaccard similarity of its submitted annotations'
    (actor or role, claim, stance) sets; two empty sets agree. None below two annotations."""
    if len(sets) < 2:
        return None
    scores = [1.0 if not (a | b) else len(a & b) / len(a | b) for a, b in combinations(sets, 2)]
    return round(1 - sum(scores) / len(scores), 4)


def task_statement_sets(task_ids: list[int]) -> dict[int, list[set]]:
    """Each task's submitted annotations as statement sets (one set per annotator), for disagreement_of."""
    sets: dict[int, dict[int, set]] = defaultdict(dict)
    for task, annotator in Annotation.objects.filter(
        task_id__in=task_ids, status=Annotation.Status.SUBMITTED
    ).values_list("task_id", "annotator_id"):
        sets[task][annotator] = set()
    for task, annotator, role, actor, claim, stance in Statement.objects.filter(
        annotation__task_id__in=task_ids, annotation__status=Annotation.Status.SUBMITTED
    ).values_list(
        "annotation__task_id", "annotation__annotator_id", "actor_role", "actor_id", "claim_id", "stance__value"
    ):
        sets[task][annotator].add(statement_set_key(role, actor, claim, stance))
    return {task: list(by.values()) for task, by in sets.items()}


def statement_group_key(s: Statement) -> tuple:
    """Two statements are identical when actor (or role), claim, stance and both spans are equal: the
    adjudication page groups them and a pick merges them into one gold statement."""
    return (
        s.actor_role,
        s.actor_id,
        s.claim_id,
        s.stance.value,
        s.actor_start,
        s.actor_end,
        s.evidence_start,
        s.evidence_end,
    )


def is_agreed(count: int, submissions: int) -> bool:
    """The majority rule of "accept all agreed": more than half of the task's submitted annotations, and
    at least two of them (one annotator alone never makes an agreement)."""
    return count >= 2 and count * 2 > submissions


AGREEMENT_RULE = "more than half of the task's submitted annotations, and at least two"


def statement_groups(annotations: list[dict]) -> list[dict]:
    """Identical statements of the task's submitted annotations, one group each, most-shared first (then
    in the order the annotators are listed):
    {statement (the first one, to show), statement_ids, annotators, count, agreed}."""
    submissions = len(annotations)
    groups: dict[tuple, dict] = {}
    for column in annotations:
        name = column["annotation"].annotator.username
        for s in column["statements"]:
            group = groups.setdefault(
                statement_group_key(s), {"statement": s, "statement_ids": [], "annotators": [], "count": 0}
            )
            group["statement_ids"].append(s.pk)
            if name not in group["annotators"]:
                group["annotators"].append(name)
                group["count"] += 1
    out = sorted(groups.values(), key=lambda g: -g["count"])  # stable: then in the annotators' order
    for g in out:
        g["agreed"] = is_agreed(g["count"], submissions)
    return out


def disagreement_list(*, project: Project, only_open: bool = False, min_annotators: int = 2) -> list[dict]:
    """Tasks with two or more submitted annotations (one, if sent to adjudication), worst disagreement first.

    Disagreement: disagreement_of (stored per task as Task.disagreement for the task browser).
    Streamed; one pass over the project's submitted statements.
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
        sets[(task, annotator)].add(statement_set_key(role, actor, claim, stance))
    adjudicated = set(Adjudication.objects.filter(task__project=project).values_list("task_id", flat=True))
    # Tasks a manager sent to adjudication (the task browser) are listed from one submission on.
    requested = set(
        Task.objects.filter(project=project, adjudication_requested_at__isnull=False).values_list("pk", flat=True)
    )
    rows = []
    for task, who in annotators.items():
        if (len(who) < min_annotators and task not in requested) or (only_open and task in adjudicated):
            continue
        # one annotation (sent to adjudication): nothing to disagree with
        score = disagreement_of([sets.get((task, a), set()) for a in sorted(who)]) or 0.0
        rows.append(
            {
                "task": task,
                "annotators": len(who),
                "disagreement": score,
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
    predictions = list(
        Prediction.objects.filter(task=task).select_related("actor", "claim", "stance").order_by("kind", "-score", "id")
    )
    columns = [{"annotation": a, "statements": statements.get(a.pk, [])} for a in annotations]
    empty = sum(1 for c in columns if not c["statements"])
    return {
        "task": task,
        "paragraph": task.paragraph,
        "article": task.paragraph.article,
        "annotations": columns,
        "groups": statement_groups(columns),
        # A majority that marked "no stance-bearing statement" is an agreement too.
        "agreed_no_statement": len(columns) > 0 and is_agreed(empty, len(columns)),
        "predictions": predictions,
        "prediction_lines": prediction_lines(predictions),
        "adjudication": adjudication,
        "gold": gold,
        "history": history,
    }


def prediction_lines(predictions: list[Prediction]) -> dict:
    """Pre-labels as the page lists them: the actor mentions, then one line per claim (its text once)
    with the claim's score and every stance suggested for it."""
    actors = [p for p in predictions if p.kind in (Prediction.Kind.ACTOR, Prediction.Kind.ACTOR_CANDIDATE)]
    claims: dict[int, dict] = {}
    for p in sorted((p for p in predictions if p.claim_id), key=lambda p: (p.kind != Prediction.Kind.CLAIM, -p.score)):
        line = claims.setdefault(p.claim_id, {"claim": p.claim, "score": None, "model": "", "stances": []})
        if p.kind == Prediction.Kind.CLAIM:
            if line["score"] is None:
                line["score"], line["model"] = p.score, p.model_name
        elif p.stance_id:
            holder = p.actor.name if p.actor else (p.surface or "author")
            line["stances"].append(
                {"holder": holder, "stance": p.stance.value, "score": p.score, "model": p.model_name}
            )
    return {"actors": actors, "claims": list(claims.values())}
