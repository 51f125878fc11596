"""Reads of annotation data for agreement and gold, as plain tuples, streamed with server-side cursors.

Only submitted annotations count. Actors are keyed by their canonical id; statements whose actor is
the article's author or an implied actor without a registry entry get the negative keys below, so
two annotators who both chose "the author" agree on the actor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db.models import F, Max

from annotation.models import Actor, Adjudication, Annotation, GoldStatement, Project, Statement, Task
from corpora.models import Article

AUTHOR_KEY = -1
IMPLIED_KEY = -2
CHUNK = 5000


def actor_key(actor_id: int | None, actor_role: str) -> int:
    if actor_id is not None:
        return actor_id
    return AUTHOR_KEY if actor_role == "author" else IMPLIED_KEY


def submitted_annotation_rows(*, project: Project) -> Iterator[tuple]:
    """(task, article, annotator, submitted_at, annotation_id) for every submitted annotation, by task."""
    return (
        Annotation.objects.filter(task__project=project, status=Annotation.Status.SUBMITTED)
        .order_by("task_id", "annotator_id")
        .values_list("task_id", "task__paragraph__article_id", "annotator_id", "submitted_at", "id")
        .iterator(chunk_size=CHUNK)
    )


def submitted_statement_rows(*, project: Project) -> Iterator[tuple]:
    """(task, annotator, actor_key, actor_start, actor_end, claim, stance value, statement id, actor_role)."""
    rows = (
        Statement.objects.filter(annotation__task__project=project, annotation__status=Annotation.Status.SUBMITTED)
        .order_by("annotation__task_id", "annotation__annotator_id", "position", "id")
        .values_list(
            "annotation__task_id",
            "annotation__annotator_id",
            "actor_id",
            "actor_role",
            "actor_start",
            "actor_end",
            "claim_id",
            "stance__value",
            "id",
        )
        .iterator(chunk_size=CHUNK)
    )
    for task, annotator, actor, role, start, end, claim, stance, pk in rows:
        yield task, annotator, actor_key(actor, role), start, end, claim, stance, pk, role


def gold_task_ids(*, project: Project) -> list[int]:
    return list(
        Adjudication.objects.filter(task__project=project).order_by("task_id").values_list("task_id", flat=True)
    )


def gold_statement_rows(*, project: Project) -> Iterator[tuple]:
    """(task, actor_key, actor_start, actor_end, claim, stance value, actor_role, evidence_start, evidence_end,
    reason)."""
    rows = (
        GoldStatement.objects.filter(adjudication__task__project=project)
        .order_by("adjudication__task_id", "position", "id")
        .values_list(
            "adjudication__task_id",
            "actor_id",
            "actor_role",
            "actor_start",
            "actor_end",
            "claim_id",
            "stance__value",
            "evidence_start",
            "evidence_end",
            "reason",
        )
        .iterator(chunk_size=CHUNK)
    )
    for task, actor, role, start, end, claim, stance, ev_s, ev_e, reason in rows:
        yield task, actor_key(actor, role), start, end, claim, stance, role, ev_s, ev_e, reason, actor


def _adjudication_rows(*, project: Project):
    return (
        Adjudication.objects.filter(task__project=project)
        .order_by("task_id")
        .values_list("task_id", "no_statement", "reason", "adjudicator_id", "updated_at")
    )


def adjudications(*, project: Project) -> dict[int, dict]:
    return {
        t: {"no_statement": ns, "reason": r, "adjudicator": a, "updated_at": u}
        for t, ns, r, a, u in _adjudication_rows(project=project)
    }


def stance_label_values(*, project: Project) -> list[str]:
    return list(project.stance_labels.order_by("order", "id").values_list("value", flat=True))


def annotator_names(*, ids) -> dict[int, str]:
    return dict(get_user_model().objects.filter(pk__in=list(ids)).values_list("pk", "username"))


def article_titles(*, ids) -> dict[int, str]:
    return {
        pk: title or f"Article {pk}"
        for pk, title in Article.objects.filter(pk__in=list(ids)).values_list("pk", "title")
    }


def agreement_inputs_hash(*, project: Project, params: dict) -> str:
    """SHA-256 of everything a report reads: submitted annotations, their statements, gold, params."""
    h = hashlib.sha256(repr(sorted(params.items())).encode())
    for name, rows in (
        ("a", submitted_annotation_rows(project=project)),
        ("s", submitted_statement_rows(project=project)),
        ("g", gold_statement_rows(project=project)),
    ):
        h.update(name.encode())
        for row in rows:
            h.update(repr(row).encode())
    h.update(b"j")  # streamed, like the rows above: memory stays flat however many paragraphs are adjudicated
    for row in _adjudication_rows(project=project).iterator(chunk_size=CHUNK):
        h.update(repr(row).encode())
    h.update(repr(stance_label_values(project=project)).encode())
    return h.hexdigest()


def paragraph_lengths(*, project: Project) -> dict[int, int]:
    """Task -> length of its paragraph's text (the continuum of unitizing α)."""
    return dict(
        Task.objects.filter(project=project)
        .values_list("id", F("paragraph__end") - F("paragraph__start"))
        .iterator(chunk_size=CHUNK)
    )


def last_submitted_at(*, project_id: int):
    """When the project's newest submission was made (None: none yet)."""
    return Annotation.objects.filter(task__project_id=project_id, status=Annotation.Status.SUBMITTED).aggregate(
        last=Max("submitted_at")
    )["last"]


def actor_names(*, ids) -> dict[int, str]:
    return dict(Actor.objects.filter(pk__in=[i for i in ids if i is not None and i > 0]).values_list("pk", "name"))
