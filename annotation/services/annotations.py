"""Saving, submitting and skipping annotations, and editing their statements.

Every write checks the client's `revision` (optimistic concurrency: a stale edit raises ConflictError
and changes nothing) and bumps it. Submitting, skipping, and every change to a submitted annotation
adds an AnnotationRevision with before/after snapshots, so nothing is overwritten silently.

Locks: submit locks the task row and the annotation row in one statement (the only writer that takes
both), so the k check and the submitted_count increment are one critical section.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

import orjson
from django.db import connection, transaction
from django.utils import timezone

from corpora.models import Paragraph

from ..models import (Actor, Annotation, AnnotationRevision, Assignment, Claim, Prediction, Project, RegistryStatus,
                      StanceLabel, Statement, Task)
from ..db import aware, cursor, instance
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

def _table(model) -> str:
    return model._meta.db_table


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


_REGISTRIES = {"actor": (Actor, "name"), "claim": (Claim, "text")}


class _Context:
    """What validating statements for one task needs: the project's stance labels and the named
    actors, claims and suggestions, in one plain SQL query (this runs on every submit)."""

    def __init__(self, *, text: str, project_id: int, task_id: int, statements: Sequence[StatementInput]):
        self.text = text
        self.project_id = project_id
        self.task_id = task_id
        wanted = {kind: {s.get(kind) for s in statements if isinstance(s.get(kind), int)} for kind in _REGISTRIES}
        pred_ids = {s.get("from_prediction") for s in statements if isinstance(s.get("from_prediction"), int)}
        parts = [(f"SELECT 'stance', id, value, NULL, NULL FROM {_table(StanceLabel)} WHERE project_id = %s",
                  [project_id])]
        parts += [self._registry_part(kind, ids) for kind, ids in wanted.items() if ids]
        if pred_ids:
            parts.append((f"SELECT 'prediction', id, NULL, NULL, NULL FROM {_table(Prediction)} "
                          f"WHERE task_id = %s AND id IN ({_marks(pred_ids)})", [task_id, *pred_ids]))
        self.stances: dict[str, int] = {}
        self.predictions: set[int] = set()
        rows: dict[str, dict[int, tuple]] = {kind: {} for kind in _REGISTRIES}
        with cursor() as cur:
            cur.execute(" UNION ALL ".join(sql for sql, _ in parts), [p for _, params in parts for p in params])
            for kind, pk, value, into, label in cur.fetchall():
                if kind == "stance":
                    self.stances[value] = pk
                elif kind == "prediction":
                    self.predictions.add(pk)
                else:
                    rows[kind][pk] = (value, into, label)
            self._follow_merges(cur, rows)
        self.actors = self._resolved(rows["actor"], wanted["actor"])
        self.claims = self._resolved(rows["claim"], wanted["claim"])
        self.labels = {kind: {pk: row[2] for pk, row in kind_rows.items()} for kind, kind_rows in rows.items()}

    @property
    def stance_values(self) -> dict[int, str]:
        return {pk: value for value, pk in self.stances.items()}

    def _registry_part(self, kind: str, ids: set[int]) -> tuple[str, list]:
        model, label = _REGISTRIES[kind]
        return (f"SELECT '{kind}', id, status, merged_into_id, {label} FROM {_table(model)} "
                f"WHERE project_id = %s AND id IN ({_marks(ids)})", [self.project_id, *ids])

    def _follow_merges(self, cur, rows: dict[str, dict[int, tuple]]) -> None:
        """Load the targets of merged entries (merge chains are kept flat; 20 hops bound a corrupt cycle)."""
        for kind, kind_rows in rows.items():
            for _ in range(20):
                missing = {into for status, into, _ in kind_rows.values()
                           if status == RegistryStatus.MERGED and into is not None and into not in kind_rows}
                if not missing:
                    break
                sql, params = self._registry_part(kind, missing)
                cur.execute(sql, params)
                kind_rows.update({pk: (status, into, label) for _, pk, status, into, label in cur.fetchall()})

    @staticmethod
    def _resolved(rows: dict[int, tuple], ids: set[int]) -> dict[int, int]:
        """{given id: surviving id} for ids in this project; merged entries redirect to their target."""
        out = {}
        for given in ids:
            current, hops = given, 0
            while current in rows and rows[current][0] == RegistryStatus.MERGED and hops < 20:
                current, hops = rows[current][1], hops + 1
            if current in rows and rows[current][0] != RegistryStatus.MERGED:
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
    return _clean(text=task.paragraph.text, project_id=task.project_id, task_id=task.pk, statements=statements)[0]


def _clean(*, text: str, project_id: int, task_id: int,
           statements: Sequence[StatementInput]) -> tuple[list[dict[str, Any]], "_Context"]:
    """statements_clean, plus the context it read (stance values and registry labels, for snapshots)."""
    ctx = _Context(text=text, project_id=project_id, task_id=task_id, statements=statements)
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
    return [clean for _, clean in results], ctx


# ---------------------------------------------------------------- writes
#
# Plain SQL (portable between PostgreSQL and the demo's SQLite): submit is the app's hottest write,
# and compiling ORM queries cost several times the database's own work. Row locks are PostgreSQL's
# FOR UPDATE; on SQLite IMMEDIATE transactions serialise writers instead.

_ANNOTATION_FIELDS = ("id", "task_id", "annotator_id", "assignment_id", "status", "no_statement", "time_spent_ms",
                      "revision", "created_at", "updated_at", "submitted_at")


@dataclass
class _Locked:
    """An annotation read under its row lock, with what validating and counting it needs."""

    annotation: Annotation
    text: str
    project_id: int
    k: int
    submitted_count: int | None  # the task's, read under the task's row lock (submit only)
    has_statements: bool

    def statements_snapshot(self) -> list[dict]:
        return statements_snapshot(self.annotation.pk) if self.has_statements else []


def _for_update(of: str) -> str:
    return f" FOR UPDATE OF {of}" if connection.vendor == "postgresql" else ""


def _lock(annotation: Annotation, *, with_task: bool) -> _Locked:
    """Read the annotation under its row lock, and with_task (submit) the task's too: the task row holds
    the submitted count. One statement locks both, so concurrent submits lock them in the same order."""
    columns = ", ".join(f"a.{Annotation._meta.get_field(f).column}" for f in _ANNOTATION_FIELDS)
    with cursor() as cur:
        cur.execute(f"""SELECT {columns}, t.project_id, par.text, p.annotators_per_task, t.submitted_count,
                               EXISTS (SELECT 1 FROM {_table(Statement)} s WHERE s.annotation_id = a.id)
                        FROM {_table(Task)} t JOIN {_table(Annotation)} a ON a.task_id = t.id
                        JOIN {_table(Paragraph)} par ON par.id = t.paragraph_id
                        JOIN {_table(Project)} p ON p.id = t.project_id
                        WHERE a.id = %s{_for_update("t, a" if with_task else "a")}""", [annotation.pk])
        row = cur.fetchone()
    if row is None:
        raise Annotation.DoesNotExist(f"Annotation {annotation.pk} no longer exists.")
    values = dict(zip(_ANNOTATION_FIELDS, row, strict=False))
    values.update(no_statement=bool(values["no_statement"]), created_at=aware(values["created_at"]),
                  updated_at=aware(values["updated_at"]), submitted_at=aware(values["submitted_at"]))
    locked = instance(Annotation, values)
    project_id, text, k, submitted_count, has_statements = row[len(_ANNOTATION_FIELDS):]
    return _Locked(locked, text, project_id, k, submitted_count if with_task else None, bool(has_statements))


def _check_revision(annotation: Annotation, revision: int | None) -> None:
    if revision is not None and revision != annotation.revision:
        raise ConflictError(f"This annotation is at revision {annotation.revision}, not {revision}: it changed "
                            "since you loaded it. Reload it and try again.", revision=annotation.revision)


_STATEMENT_COLUMNS = ("annotation_id", "position", "actor_role", "actor_id", "actor_start", "actor_end", "claim_id",
                      "stance_id", "evidence_start", "evidence_end", "note", "from_prediction_id", "created_at")


def _statement_writes(annotation: Annotation, clean: list[dict[str, Any]], *, now, had_any: bool = True) -> list:
    """The writes that replace the annotation's statements with `clean` (see _write_all)."""
    writes = []
    if had_any:
        writes.append((f"DELETE FROM {_table(Statement)} WHERE annotation_id = %s", [annotation.pk]))
    if clean:
        row = f"({_marks(_STATEMENT_COLUMNS)})"
        params = [v for i, fields in enumerate(clean)
                  for v in (annotation.pk, i, *(fields[c] for c in _STATEMENT_COLUMNS[2:-1]), now)]
        writes.append((f"INSERT INTO {_table(Statement)} ({', '.join(_STATEMENT_COLUMNS)}) "
                       f"VALUES {', '.join([row] * len(clean))} RETURNING id, position", params))
    return writes


def _written(annotation: Annotation, clean: list[dict[str, Any]], ctx: "_Context", returned: list[tuple]) -> list:
    """The statements just written, in the API's Statement shape, from what was validated and the ids
    the INSERT returned (no read back)."""
    ids = {position: pk for pk, position in returned}
    stances = ctx.stance_values
    return [{"id": ids[i], "annotation": annotation.pk, "position": i, "actor_role": c["actor_role"],
             "actor": c["actor_id"], "actor_name": ctx.labels["actor"].get(c["actor_id"]),
             "actor_start": c["actor_start"], "actor_end": c["actor_end"], "claim": c["claim_id"],
             "claim_text": ctx.labels["claim"][c["claim_id"]], "stance": stances[c["stance_id"]],
             "evidence_start": c["evidence_start"], "evidence_end": c["evidence_end"], "note": c["note"],
             "from_prediction": c["from_prediction_id"]} for i, c in enumerate(clean)]


def _save(annotation: Annotation) -> tuple[str, list]:
    """Write the annotation's mutable fields (the caller has bumped the revision and set updated_at)."""
    return (f"""UPDATE {_table(Annotation)} SET status = %s, no_statement = %s, time_spent_ms = %s,
                revision = %s, updated_at = %s, submitted_at = %s WHERE id = %s""",
            [annotation.status, annotation.no_statement, annotation.time_spent_ms, annotation.revision,
             annotation.updated_at, annotation.submitted_at, annotation.pk])


def _finish_assignment(annotation: Annotation, status: str, now) -> tuple[str, list]:
    return (f"UPDATE {_table(Assignment)} SET status = %s, finished_at = %s WHERE task_id = %s "
            "AND annotator_id = %s", [status, now, annotation.task_id, annotation.annotator_id])


def _write_all(writes: list[tuple[str, list]]) -> list[tuple]:
    """Run writes that touch different rows, in one round trip on PostgreSQL (data-modifying CTEs,
    each executed exactly once) and one after another elsewhere. Returns the last one's RETURNING rows."""
    with cursor() as cur:
        if connection.vendor == "postgresql" and len(writes) > 1:
            *head, (last, _) = writes
            cur.execute("WITH " + ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(head)) + " " + last,
                        [p for _, params in writes for p in params])
        else:
            for sql, params in writes:
                cur.execute(sql, params)
        return cur.fetchall() if cur.description else []


def _check_payload(*, no_statement: bool, clean: list, submitting: bool) -> None:
    if no_statement and clean:
        raise StatementsInvalid({"no_statement": ["'No stance-bearing statement' cannot be set while the "
                                                  "annotation has statements; remove them first."]})
    if submitting and not no_statement and not clean:
        raise StatementsInvalid({"statements": ["Add at least one statement, or mark the paragraph as "
                                                "having no stance-bearing statement."]})


def _record(annotation: Annotation, action: str, user, before: dict | None, after: dict | None = None,
            *, now) -> tuple[str, list]:
    after = after if after is not None else annotation_snapshot(annotation.pk)
    json = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    return (f"""INSERT INTO {_table(AnnotationRevision)} (annotation_id, action, changed_by_id, changed_at,
                before, after) VALUES (%s, %s, %s, %s, {json}, {json})""",
            [annotation.pk, action, user.pk if user is not None else None, now,
             None if before is None else orjson.dumps(before).decode(), orjson.dumps(after).decode()])


def _apply(annotation: Annotation, *, no_statement: bool, time_spent_ms: int | None, now) -> None:
    annotation.no_statement = no_statement
    if time_spent_ms is not None:
        annotation.time_spent_ms = time_spent_ms
    annotation.revision += 1
    annotation.updated_at = now


@transaction.atomic
def annotation_save(*, annotation: Annotation, user, revision: int | None, statements: Sequence[StatementInput],
                    no_statement: bool = False, time_spent_ms: int | None = None) -> Annotation:
    """Save the annotator's work without changing its status (a draft stays a draft).

    Replaces the statement list. On a submitted annotation this is an edit: recorded with before/after.
    The returned annotation carries `statement_rows` (see annotation_submit).
    """
    locked = _lock(annotation, with_task=False)
    annotation = locked.annotation
    _check_revision(annotation, revision)
    clean, ctx = _clean(text=locked.text, project_id=locked.project_id, task_id=annotation.task_id,
                        statements=statements)
    _check_payload(no_statement=no_statement, clean=clean, submitting=annotation.status == Annotation.Status.SUBMITTED)
    before = (snapshot_of(annotation, locked.statements_snapshot())
              if annotation.status == Annotation.Status.SUBMITTED else None)
    now = timezone.now()
    _apply(annotation, no_statement=no_statement, time_spent_ms=time_spent_ms, now=now)
    writes = [_save(annotation)]
    if before is not None:
        writes.append(_record(annotation, AnnotationRevision.Action.EDIT, user, before,
                              snapshot_of(annotation, clean_to_snapshot(clean, ctx.stance_values)), now=now))
    annotation.statement_rows = _written(annotation, clean, ctx,
                                         _write_all(writes + _statement_writes(annotation, clean, now=now,
                                                                               had_any=locked.has_statements)))
    return annotation


@transaction.atomic
def annotation_submit(*, annotation: Annotation, user, revision: int | None, statements: Sequence[StatementInput],
                      no_statement: bool = False, time_spent_ms: int | None = None) -> Annotation:
    """Submit: save the statements, count the submission on the task, close the lease.

    The returned annotation carries `statement_rows`: the statements as written, in the API's shape.

    Raises ConflictError if the task already has k submissions (e.g. this annotator's lease expired
    and others filled the task meanwhile); the draft is kept. Submitting an already submitted
    annotation is an edit (no second count).
    """
    locked = _lock(annotation, with_task=True)
    annotation = locked.annotation
    _check_revision(annotation, revision)
    clean, ctx = _clean(text=locked.text, project_id=locked.project_id, task_id=annotation.task_id,
                        statements=statements)
    _check_payload(no_statement=no_statement, clean=clean, submitting=True)
    was_submitted = annotation.status == Annotation.Status.SUBMITTED
    k = locked.k
    if not was_submitted and locked.submitted_count >= k:
        raise ConflictError(f"This paragraph already has its {k} submitted annotations; your draft is kept.",
                            revision=annotation.revision)
    old_statements = locked.statements_snapshot()
    before = snapshot_of(annotation, old_statements)
    now = timezone.now()
    _apply(annotation, no_statement=no_statement, time_spent_ms=time_spent_ms, now=now)
    writes = []
    if not was_submitted:
        annotation.status = Annotation.Status.SUBMITTED
        annotation.submitted_at = now
        writes.append((f"UPDATE {_table(Task)} SET submitted_count = submitted_count + 1, is_complete = %s "
                       "WHERE id = %s", [locked.submitted_count + 1 >= k, annotation.task_id]))
        writes.append(_finish_assignment(annotation, Assignment.Status.SUBMITTED, now))
    writes.append(_save(annotation))
    after = snapshot_of(annotation, clean_to_snapshot(clean, ctx.stance_values))
    writes.append(_record(annotation,
                          AnnotationRevision.Action.EDIT if was_submitted else AnnotationRevision.Action.SUBMIT,
                          user, before, after, now=now))
    writes += _statement_writes(annotation, clean, now=now, had_any=bool(old_statements))
    annotation.statement_rows = _written(annotation, clean, ctx, _write_all(writes))
    return annotation


@transaction.atomic
def annotation_skip(*, annotation: Annotation, user, revision: int | None = None) -> Annotation:
    """Skip the paragraph: the lease ends, the task goes back to others, the draft is kept."""
    locked = _lock(annotation, with_task=False)
    annotation = locked.annotation
    _check_revision(annotation, revision)
    if annotation.status == Annotation.Status.SUBMITTED:
        raise StatementsInvalid({"non_field_errors": ["A submitted annotation cannot be skipped."]})
    if annotation.status == Annotation.Status.SKIPPED:
        return annotation
    statements = locked.statements_snapshot()
    before = snapshot_of(annotation, statements)
    now = timezone.now()
    annotation.status = Annotation.Status.SKIPPED
    annotation.revision += 1
    annotation.updated_at = now
    _write_all([_save(annotation), _finish_assignment(annotation, Assignment.Status.SKIPPED, now),
                _record(annotation, AnnotationRevision.Action.SKIP, user, before,
                        snapshot_of(annotation, statements), now=now)])
    return annotation


# ---------------------------------------------------------------- single statements

def _statement_input(st: Statement) -> StatementInput:
    return {"actor_role": st.actor_role, "actor": st.actor_id, "actor_start": st.actor_start,
            "actor_end": st.actor_end, "claim": st.claim_id, "stance": st.stance.value,
            "evidence_start": st.evidence_start, "evidence_end": st.evidence_end, "note": st.note,
            "from_prediction": st.from_prediction_id}


def _one_statement_change(annotation: Annotation, user, revision: int | None, change) -> Statement | None:
    locked = _lock(annotation, with_task=False)
    annotation = locked.annotation
    _check_revision(annotation, revision)
    current = list(annotation.statements.select_related("stance"))
    before = annotation_snapshot(annotation.pk) if annotation.status == Annotation.Status.SUBMITTED else None
    result = change(locked, current)
    now = timezone.now()
    annotation.revision += 1
    annotation.updated_at = now
    _write_all([_save(annotation)])
    if before is not None:  # the after snapshot is read back once the change is written
        _write_all([_record(annotation, AnnotationRevision.Action.EDIT, user, before, now=now)])
    return result


def _clean_against(locked: _Locked, others: list[Statement], new: StatementInput) -> dict[str, Any]:
    inputs = [_statement_input(s) for s in others] + [new]
    try:
        return _clean(text=locked.text, project_id=locked.project_id, task_id=locked.annotation.task_id,
                      statements=inputs)[0][-1]
    except StatementsInvalid as exc:
        errs = exc.api_detail["statements"]
        mine = errs[-1] or {"non_field_errors": ["Another statement of this annotation is invalid."]}
        raise StatementsInvalid(mine) from None


@transaction.atomic
def statement_create(*, annotation: Annotation, user, data: StatementInput, revision: int | None = None) -> Statement:
    def change(locked, current):
        if locked.annotation.no_statement:
            raise StatementsInvalid({"annotation": ["This annotation is marked as having no stance-bearing "
                                                    "statement; clear that first."]})
        fields = _clean_against(locked, current, data)
        position = max((s.position for s in current), default=-1) + 1
        return Statement.objects.create(annotation=locked.annotation, position=position, **fields)
    return _one_statement_change(annotation, user, revision, change)


@transaction.atomic
def statement_update(*, statement: Statement, user, data: StatementInput, revision: int | None = None) -> Statement:
    def change(locked, current):
        target = next(s for s in current if s.pk == statement.pk)
        merged = {**_statement_input(target), **data}
        fields = _clean_against(locked, [s for s in current if s.pk != statement.pk], merged)
        for name, value in fields.items():
            setattr(target, name, value)
        target.save()
        return target
    return _one_statement_change(statement.annotation, user, revision, change)


@transaction.atomic
def statement_delete(*, statement: Statement, user, revision: int | None = None) -> None:
    def change(locked, current):
        ann = locked.annotation
        if ann.status == Annotation.Status.SUBMITTED and len(current) == 1 and not ann.no_statement:
            raise StatementsInvalid({"non_field_errors": ["A submitted annotation keeps at least one statement; "
                                                          "mark it 'no stance-bearing statement' instead."]})
        Statement.objects.filter(pk=statement.pk).delete()
    _one_statement_change(statement.annotation, user, revision, change)
