"""Adjudication: a manager picks, merges or edits annotators' statements into gold for a task.

Gold lives in Adjudication + GoldStatement (simple-history keeps every version). Saving replaces the
task's gold statements in one transaction under a row lock on the adjudication, so two managers
saving at once leave one consistent set; saving the same payload twice leaves the same rows.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from annotation.models import Adjudication, Annotation, GoldStatement, StanceLabel, Statement, Task
from annotation.models.registry import Actor, Claim
from annotation.selectors.adjudication import adjudication_view, statement_group_key
from annotation.shapes import GOLD_FIELDS, PLACEMENT_FIELDS, GoldInput, statement_from_model


class GoldExists(Exception):
    """The task already has gold and the caller did not say ``replace=True`` (never overwrite silently)."""


def _validate(task: Task, statements: list[GoldInput]) -> list[dict]:
    project = task.project
    text_len = len(task.paragraph.text)
    stances = dict(StanceLabel.objects.filter(project=project).values_list("value", "id"))
    actors = set(
        Actor.objects.filter(
            project=project, pk__in=[s.get("actor") for s in statements if s.get("actor")]
        ).values_list("pk", flat=True)
    )
    claims = set(
        Claim.objects.filter(project=project, pk__in=[s.get("claim") for s in statements]).values_list("pk", flat=True)
    )
    out, errors = [], {}
    for i, s in enumerate(statements):
        role = s.get("actor_role") or "mention"
        problems = []
        if role not in Statement.ActorRole.values:
            problems.append(f"unknown actor_role {role!r}")
        if s.get("actor") and s["actor"] not in actors:
            problems.append(f"actor {s['actor']} is not in this project")
        if s.get("claim") not in claims:
            problems.append(f"claim {s.get('claim')} is not in this project")
        if s.get("stance") not in stances:
            problems.append(f"stance {s.get('stance')!r} is not one of {', '.join(stances)}")
        for a, b in (("actor_start", "actor_end"), ("evidence_start", "evidence_end")):
            start, end = s.get(a), s.get(b)
            if (start is None) != (end is None) or (start is not None and not 0 <= start < end <= text_len):
                problems.append(f"{a}/{b} must both be empty or 0 <= start < end <= {text_len}")
        if role == "mention" and (not s.get("actor") or s.get("actor_start") is None):
            problems.append("a mentioned actor needs an actor and a span")
        if problems:
            errors[f"statements[{i}]"] = problems
            continue
        row = {name: s.get(name) for name in GOLD_FIELDS}
        row.update(
            actor_role=role,
            stance=stances[s["stance"]],
            reason=s.get("reason", ""),
            source_statement_ids=list(s.get("source_statement_ids", [])),
        )
        out.append({GoldStatement._meta.get_field(name).attname: value for name, value in row.items()})
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def adjudication_save(
    *,
    task: Task,
    adjudicator,
    statements: list[GoldInput],
    no_statement: bool = False,
    reason: str = "",
    replace: bool = False,
) -> Adjudication:
    """Replace the task's gold with ``statements`` (validated against the project; nothing is written on
    a bad item). ``no_statement`` records that the paragraph holds no stance-bearing statement.
    Existing gold is replaced only with ``replace=True``; otherwise :class:`GoldExists` is raised."""
    rows = _validate(task, statements)
    if no_statement and rows:
        raise ValidationError({"no_statement": ["A paragraph with gold statements cannot be marked as having none."]})
    fields = {"adjudicator": adjudicator, "no_statement": bool(no_statement or not rows), "reason": reason}
    # One decision, one history record: a new adjudication is created with its fields, never saved twice.
    adjudication, created = Adjudication.objects.select_for_update().get_or_create(task=task, defaults=fields)
    if not created:
        if not replace:
            raise GoldExists(task.pk)
        for name, value in fields.items():
            setattr(adjudication, name, value)
        adjudication.save()
    adjudication.statements.all().delete()
    for position, row in enumerate(rows):
        GoldStatement.objects.create(adjudication=adjudication, position=position, **row)
    return adjudication


def adjudication_pick(
    *, task: Task, adjudicator, statement_ids: list[int], reason: str = "", replace: bool = False
) -> Adjudication:
    """Gold made of annotators' statements as they are (pick one annotator's, or merge several)."""
    picked = list(
        Statement.objects.filter(
            pk__in=statement_ids, annotation__task=task, annotation__status=Annotation.Status.SUBMITTED
        )
        .select_related("stance")
        .order_by("annotation__annotator_id", "position", "id")
    )
    missing = set(statement_ids) - {s.pk for s in picked}
    if missing:
        raise ValidationError({"statement_ids": [f"Not submitted statements of this task: {sorted(missing)}."]})
    seen, items = set(), []
    for s in picked:
        key = statement_group_key(s)
        if key in seen:  # merging equal statements keeps one, with every source
            next(i for i in items if i["_key"] == key)["source_statement_ids"].append(s.pk)
            continue
        seen.add(key)
        fields = statement_from_model(s)
        items.append(
            {
                "_key": key,
                **{name: fields[name] for name in PLACEMENT_FIELDS},
                "reason": reason,
                "source_statement_ids": [s.pk],
            }
        )
    for i in items:
        del i["_key"]
    return adjudication_save(task=task, adjudicator=adjudicator, statements=items, reason=reason, replace=replace)


class NothingAgreed(ValidationError):
    """No statement (and no "no statement") is shared by a majority of the task's submissions."""


def adjudication_accept_agreed(*, task: Task, adjudicator, reason: str = "", replace: bool = False) -> Adjudication:
    """Gold made of every statement a majority agrees on (selectors.adjudication.is_agreed: more than
    half of the task's submissions, at least two), each merged with all its sources; when a majority
    marked the paragraph as holding no statement and no statement is agreed, gold says so."""
    view = adjudication_view(task=task)
    ids = [i for g in view["groups"] if g["agreed"] for i in g["statement_ids"]]
    if ids:
        return adjudication_pick(task=task, adjudicator=adjudicator, statement_ids=ids, reason=reason, replace=replace)
    if view["agreed_no_statement"]:
        return adjudication_save(
            task=task, adjudicator=adjudicator, statements=[], no_statement=True, reason=reason, replace=replace
        )
    raise NothingAgreed({"statement_ids": ["No statement is shared by a majority of this task's annotators."]})


@transaction.atomic
def adjudication_delete(*, task: Task) -> bool:
    """Remove the task's gold (aggregation takes over again). History keeps the deleted rows."""
    adjudication = Adjudication.objects.select_for_update().filter(task=task).first()
    if adjudication is None:
        return False
    adjudication.delete()
    return True
