"""Saving, submitting and skipping annotations, and editing their statements.

Every write checks the client's `revision` (optimistic concurrency: a stale edit raises ConflictError
and changes nothing) and bumps it. Submitting, skipping, and every change to a submitted annotation
adds an AnnotationRevision with before/after snapshots, so nothing is overwritten silently.

Locks: submit locks the task row, then the annotation row (the same order as every other writer
that takes both), so the k check and the submitted_count increment are one critical section.
"""

from collections.abc import Sequence
from typing import Any, TypedDict

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import (Actor, Annotation, AnnotationRevision, Assignment, Claim, Prediction, RegistryStatus,
                      StanceLabel, Statement, Task)
from .exceptions import ConflictError, StatementsInvalid
from .snapshots import annotation_snapshot, clean_to_snapshot, snapshot_of, statements_snapshot

MENTION, AUTHOR, IMPLIED = Statement.ActorRole.MENTION, Statement.ActorRole.AUTHOR, Statement.ActorRole.IMPLIED


class StatementInput(TypedDict, total=False):
    actor_role: str
    actor: int | None
    actor_start: int | None
    actor_end: int | None
    claim: int
    stance: str
    evidence_start: int | None
    evidence_end: int | None
    note: str
    from_prediction: int | None


# ---------------------------------------------------------------- validation

class _Context:
    """What validating statements for one task needs, loaded in a few queries."""

    def __init__(self, *, task: Task, statements: Sequence[StatementInput]):
        self.text = task.paragraph.text
        self.project_id = task.project_id
        self.task_id = task.pk
        self.stances = dict(StanceLabel.objects.filter(project_id=task.project_id).values_list("value", "pk"))
        actor_ids = {s.get("actor") for s in statements if s.get("actor") is not None}
        claim_ids = {s.get("claim") for s in statements if s.get("claim") is not None}
        pred_ids = {s.get("from_prediction") for s in statements if s.get("from_prediction") is not None}
        self.actors = self._resolved(Actor, actor_ids)
        self.claims = self._resolved(Claim, claim_ids)
        self.predictions = set(Prediction.objects.filter(pk__in=pred_ids, task_id=task.pk)
                               .values_list("pk", flat=True)) if pred_ids else set()

    def _resolved(self, model, ids: set[int]) -> dict[int, int]:
        """{given id: surviving id} for ids in this project; merged entries redirect to their target.

        Reads only the given ids (and, for merged ones, their targets), never the whole registry.
        """
        rows: dict[int, dict] = {}
        wanted = set(ids)
        for _ in range(20):  # merge chains are kept flat; this bounds a corrupt cycle
            wanted -= rows.keys()
            if not wanted:
                break
            rows.update({r["pk"]: r for r in model.objects.filter(project_id=self.project_id, pk__in=wanted)
                         .values("pk", "status", "merged_into_id")})
            wanted = {r["merged_into_id"] for r in rows.values()
                      if r["status"] == RegistryStatus.MERGED and r["merged_into_id"] not in rows}
            wanted.discard(None)
        out = {}
        for given in ids:
            current, hops = given, 0
            while current in rows and rows[current]["status"] == RegistryStatus.MERGED and hops < 20:
                current, hops = rows[current]["merged_into_id"], hops + 1
            if current in rows and rows[current]["status"] != RegistryStatus.MERGED:
                out[given] = current
        return out


def _span_errors(ctx: _Context, start, end, label: str) -> list[str]:
    if start is None and end is None:
        return []
    if start is None or end is None:
        return [f"Give both the start and the end of the {label} span, or neither."]
    if start < 0 or end > len(ctx.text) or start >= end:
        return [f"The {label} span {start}-{end} is outside the paragraph (0-{len(ctx.text)}) or empty."]
    if not ctx.text[start:end].strip():
        return [f"The {label} span {start}-{end} covers only whitespace."]
    return []


def _validate_one(ctx: _Context, s: StatementInput) -> tuple[dict[str, list[str]], dict[str, Any]]:
    errors: dict[str, list[str]] = {}
    role = s.get("actor_role") or MENTION
    actor, start, end = s.get("actor"), s.get("actor_start"), s.get("actor_end")
    if role not in Statement.ActorRole.values:
        errors["actor_role"] = [f"Unknown actor role {role!r}; use mention, author or implied."]
    if role == MENTION:
        if start is None or end is None:
            errors["actor_start"] = ["A mentioned actor needs its span (actor_start and actor_end)."]
        if actor is None:
            errors["actor"] = ["A mentioned actor must be linked to an actor from the registry."]
    elif start is not None or end is not None:
        errors["actor_start"] = [f"An {role} actor has no span in the paragraph; leave actor_start/actor_end empty."]
    if role == MENTION and "actor_start" not in errors:
        if msgs := _span_errors(ctx, start, end, "actor"):
            errors["actor_start"] = msgs
    if msgs := _span_errors(ctx, s.get("evidence_start"), s.get("evidence_end"), "evidence"):
        errors["evidence_start"] = msgs
    if actor is not None and actor not in ctx.actors:
        errors["actor"] = [f"Unknown actor {actor} in this project."]
    claim = s.get("claim")
    if claim is None:
        errors["claim"] = ["A statement needs a claim."]
    elif claim not in ctx.claims:
        errors["claim"] = [f"Unknown claim {claim} in this project."]
    stance = s.get("stance")
    if stance not in ctx.stances:
        errors["stance"] = [f"Unknown stance {stance!r}; this project uses {', '.join(sorted(ctx.stances))}."]
    pred = s.get("from_prediction")
    if pred is not None and pred not in ctx.predictions:
        errors["from_prediction"] = [f"Prediction {pred} is not a suggestion for this task."]
    if errors:
        return errors, {}
    return {}, {
        "actor_role": role, "actor_id": ctx.actors.get(actor) if actor is not None else None,
        "actor_start": start, "actor_end": end, "claim_id": ctx.claims[claim], "stance_id": ctx.stances[stance],
        "evidence_start": s.get("evidence_start"), "evidence_end": s.get("evidence_end"),
        "note": s.get("note") or "", "from_prediction_id": pred,
    }


def statements_clean(*, task: Task, statements: Sequence[StatementInput]) -> list[dict[str, Any]]:
    """Check statements against the task's paragraph and the project's registries.

    Returns model field dicts (merged actors/claims already redirected to the surviving entry);
    raises StatementsInvalid with one error dict per statement, in input order.
    """
    return _clean(task=task, statements=statements)[0]


def _clean(*, task: Task, statements: Sequence[StatementInput]) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """statements_clean, plus {stance label id: value} for snapshots."""
    ctx = _Context(task=task, statements=statements)
    results = [_validate_one(ctx, s) for s in statements]
    errors = [e for e, _ in results]
    seen: dict[tuple, int] = {}
    for i, (err, clean) in enumerate(results):
        if err:
            continue
        key = (clean["actor_role"], clean["actor_id"], clean["actor_start"], clean["actor_end"], clean["claim_id"])
        if clean["actor_role"] == IMPLIED and clean["actor_id"] is None:
            continue  # several unnamed implied actors may hold the same claim
        if key in seen:
            errors[i] = {"claim": [f"Statement {seen[key]} already links this actor to this claim."]}
        seen.setdefault(key, i)
    if any(errors):
        raise StatementsInvalid({"statements": errors})
    return [clean for _, clean in results], {pk: value for value, pk in ctx.stances.items()}


# ---------------------------------------------------------------- writes

def _lock(annotation: Annotation, *, with_task: bool) -> tuple[Annotation, Task | None]:
    task = Task.objects.select_for_update().get(pk=annotation.task_id) if with_task else None
    locked = (Annotation.objects.select_for_update(of=("self",)).select_related("task__paragraph", "task__project")
              .get(pk=annotation.pk))
    return locked, task


def _check_revision(annotation: Annotation, revision: int | None) -> None:
    if revision is not None and revision != annotation.revision:
        raise ConflictError(f"This annotation is at revision {annotation.revision}, not {revision}: it changed "
                            "since you loaded it. Reload it and try again.", revision=annotation.revision)


def _replace_statements(annotation: Annotation, clean: list[dict[str, Any]], *, had_any: bool = True) -> None:
    if had_any:
        annotation.statements.all().delete()
    if clean:
        Statement.objects.bulk_create(Statement(annotation=annotation, position=i, **fields)
                                      for i, fields in enumerate(clean))


def _check_payload(*, no_statement: bool, clean: list, submitting: bool) -> None:
    if no_statement and clean:
        raise StatementsInvalid({"no_statement": ["'No stance-bearing statement' cannot be set while the "
                                                  "annotation has statements; remove them first."]})
    if submitting and not no_statement and not clean:
        raise StatementsInvalid({"statements": ["Add at least one statement, or mark the paragraph as "
                                                "having no stance-bearing statement."]})


def _record(annotation: Annotation, action: str, user, before: dict | None, after: dict | None = None) -> None:
    AnnotationRevision.objects.create(annotation=annotation, action=action, changed_by=user, before=before,
                                      after=after if after is not None else annotation_snapshot(annotation.pk))


@transaction.atomic
def annotation_save(*, annotation: Annotation, user, revision: int | None, statements: Sequence[StatementInput],
                    no_statement: bool = False, time_spent_ms: int | None = None) -> Annotation:
    """Save the annotator's work without changing its status (a draft stays a draft).

    Replaces the statement list. On a submitted annotation this is an edit: recorded with before/after.
    """
    annotation, _ = _lock(annotation, with_task=False)
    _check_revision(annotation, revision)
    clean, stance_values = _clean(task=annotation.task, statements=statements)
    _check_payload(no_statement=no_statement, clean=clean, submitting=annotation.status == Annotation.Status.SUBMITTED)
    before = (snapshot_of(annotation, statements_snapshot(annotation.pk))
              if annotation.status == Annotation.Status.SUBMITTED else None)
    _replace_statements(annotation, clean)
    annotation.no_statement = no_statement
    if time_spent_ms is not None:
        annotation.time_spent_ms = time_spent_ms
    annotation.revision += 1
    annotation.save(update_fields=["no_statement", "time_spent_ms", "revision", "updated_at"])
    if before is not None:
        _record(annotation, AnnotationRevision.Action.EDIT, user, before,
                snapshot_of(annotation, clean_to_snapshot(clean, stance_values)))
    return annotation


@transaction.atomic
def annotation_submit(*, annotation: Annotation, user, revision: int | None, statements: Sequence[StatementInput],
                      no_statement: bool = False, time_spent_ms: int | None = None) -> Annotation:
    """Submit: save the statements, count the submission on the task, close the lease.

    Raises ConflictError if the task already has k submissions (e.g. this annotator's lease expired
    and others filled the task meanwhile); the draft is kept. Submitting an already submitted
    annotation is an edit (no second count).
    """
    annotation, task = _lock(annotation, with_task=True)
    _check_revision(annotation, revision)
    clean, stance_values = _clean(task=annotation.task, statements=statements)
    _check_payload(no_statement=no_statement, clean=clean, submitting=True)
    was_submitted = annotation.status == Annotation.Status.SUBMITTED
    k = annotation.task.project.annotators_per_task
    if not was_submitted and task.submitted_count >= k:
        raise ConflictError(f"This paragraph already has its {k} submitted annotations; your draft is kept.",
                            revision=annotation.revision)
    old_statements = statements_snapshot(annotation.pk)
    before = snapshot_of(annotation, old_statements)
    _replace_statements(annotation, clean, had_any=bool(old_statements))
    now = timezone.now()
    annotation.no_statement = no_statement
    if time_spent_ms is not None:
        annotation.time_spent_ms = time_spent_ms
    annotation.revision += 1
    fields = ["no_statement", "time_spent_ms", "revision", "updated_at"]
    if not was_submitted:
        annotation.status = Annotation.Status.SUBMITTED
        annotation.submitted_at = now
        fields += ["status", "submitted_at"]
        Task.objects.filter(pk=task.pk).update(submitted_count=F("submitted_count") + 1,
                                               is_complete=task.submitted_count + 1 >= k)
        Assignment.objects.filter(task_id=task.pk, annotator_id=annotation.annotator_id).update(
            status=Assignment.Status.SUBMITTED, finished_at=now)
    annotation.save(update_fields=fields)
    _record(annotation, AnnotationRevision.Action.EDIT if was_submitted else AnnotationRevision.Action.SUBMIT,
            user, before, snapshot_of(annotation, clean_to_snapshot(clean, stance_values)))
    return annotation


@transaction.atomic
def annotation_skip(*, annotation: Annotation, user, revision: int | None = None) -> Annotation:
    """Skip the paragraph: the lease ends, the task goes back to others, the draft is kept."""
    annotation, _ = _lock(annotation, with_task=False)
    _check_revision(annotation, revision)
    if annotation.status == Annotation.Status.SUBMITTED:
        raise StatementsInvalid({"non_field_errors": ["A submitted annotation cannot be skipped."]})
    if annotation.status == Annotation.Status.SKIPPED:
        return annotation
    statements = statements_snapshot(annotation.pk)
    before = snapshot_of(annotation, statements)
    annotation.status = Annotation.Status.SKIPPED
    annotation.revision += 1
    annotation.save(update_fields=["status", "revision", "updated_at"])
    Assignment.objects.filter(task_id=annotation.task_id, annotator_id=annotation.annotator_id).update(
        status=Assignment.Status.SKIPPED, finished_at=timezone.now())
    _record(annotation, AnnotationRevision.Action.SKIP, user, before, snapshot_of(annotation, statements))
    return annotation


# ---------------------------------------------------------------- single statements

def _statement_input(st: Statement) -> StatementInput:
    return {"actor_role": st.actor_role, "actor": st.actor_id, "actor_start": st.actor_start,
            "actor_end": st.actor_end, "claim": st.claim_id, "stance": st.stance.value,
            "evidence_start": st.evidence_start, "evidence_end": st.evidence_end, "note": st.note,
            "from_prediction": st.from_prediction_id}


def _one_statement_change(annotation: Annotation, user, revision: int | None, change) -> Statement | None:
    annotation, _ = _lock(annotation, with_task=False)
    _check_revision(annotation, revision)
    current = list(annotation.statements.select_related("stance"))
    before = annotation_snapshot(annotation.pk) if annotation.status == Annotation.Status.SUBMITTED else None
    result = change(annotation, current)
    annotation.revision += 1
    annotation.save(update_fields=["revision", "updated_at"])
    if before is not None:
        _record(annotation, AnnotationRevision.Action.EDIT, user, before)
    return result


def _clean_against(annotation: Annotation, others: list[Statement], new: StatementInput) -> dict[str, Any]:
    inputs = [_statement_input(s) for s in others] + [new]
    try:
        return statements_clean(task=annotation.task, statements=inputs)[-1]
    except StatementsInvalid as exc:
        errs = exc.api_detail["statements"]
        mine = errs[-1] or {"non_field_errors": ["Another statement of this annotation is invalid."]}
        raise StatementsInvalid(mine) from None


@transaction.atomic
def statement_create(*, annotation: Annotation, user, data: StatementInput, revision: int | None = None) -> Statement:
    def change(ann, current):
        if ann.no_statement:
            raise StatementsInvalid({"annotation": ["This annotation is marked as having no stance-bearing "
                                                    "statement; clear that first."]})
        fields = _clean_against(ann, current, data)
        position = max((s.position for s in current), default=-1) + 1
        return Statement.objects.create(annotation=ann, position=position, **fields)
    return _one_statement_change(annotation, user, revision, change)


@transaction.atomic
def statement_update(*, statement: Statement, user, data: StatementInput, revision: int | None = None) -> Statement:
    def change(ann, current):
        target = next(s for s in current if s.pk == statement.pk)
        merged = {**_statement_input(target), **data}
        fields = _clean_against(ann, [s for s in current if s.pk != statement.pk], merged)
        for name, value in fields.items():
            setattr(target, name, value)
        target.save()
        return target
    return _one_statement_change(statement.annotation, user, revision, change)


@transaction.atomic
def statement_delete(*, statement: Statement, user, revision: int | None = None) -> None:
    def change(ann, current):
        if ann.status == Annotation.Status.SUBMITTED and len(current) == 1 and not ann.no_statement:
            raise StatementsInvalid({"non_field_errors": ["A submitted annotation keeps at least one statement; "
                                                          "mark it 'no stance-bearing statement' instead."]})
        Statement.objects.filter(pk=statement.pk).delete()
    _one_statement_change(statement.annotation, user, revision, change)
