"""Saving, submitting and skipping annotations, and editing their statements.

Every write checks the client's `revision` (optimistic concurrency: a stale edit raises ConflictError
and changes nothing) and bumps it. Submitting, skipping, and every change to a submitted annotation
adds an AnnotationRevision with before/after snapshots, so nothing is overwritten silently.

Statements are checked first by annotation.services.statement_validation (it only reads).

Locks: submit locks the task row and the annotation row in one statement (the only writer that takes
both), so the k check and the submitted_count increment are one critical section.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import connection, transaction
from django.utils import timezone

from corpora.models import Paragraph

from ..db import aware, cursor, instance
from ..db import placeholders as _marks
from ..db import table as _table
from ..models import Adjudication, Annotation, AnnotationRevision, Assignment, Project, Statement, Task
from ..shapes import (
    STATEMENT_ATTRS,
    STATEMENT_FIELDS,
    STATEMENT_LABELS,
    StatementInput,
    statement_from_attrs,
    statement_from_model,
    statement_out,
)
from ..signals import annotation_submitted
from .disagreement import task_disagreement_refresh
from .edit_rules import check_submitted_editable
from .exceptions import ConflictError, StatementsInvalid
from .predictions import decisions_from_statements
from .snapshots import annotation_snapshot, clean_to_snapshot, snapshot_of, statements_snapshot
from .statement_validation import StatementContext, clean_statements

# ---------------------------------------------------------------- writes
#
# Plain SQL (portable between PostgreSQL and the demo's SQLite): submit is the app's hottest write,
# and compiling ORM queries cost several times the database's own work. Row locks are PostgreSQL's
# FOR UPDATE; on SQLite IMMEDIATE transactions serialise writers instead.

_ANNOTATION_FIELDS = (
    "id",
    "task_id",
    "annotator_id",
    "assignment_id",
    "status",
    "no_statement",
    "time_spent_ms",
    "revision",
    "created_at",
    "updated_at",
    "submitted_at",
)


@dataclass
class _Locked:
    """An annotation read under its row lock, with what validating and counting it needs."""

    annotation: Annotation
    text: str
    project_id: int
    k: int
    submitted_count: int | None  # the task's, read under the task's row lock (submit only)
    has_statements: bool
    allow_reopen: bool  # the project lets annotators change their submitted annotations
    adjudicated: bool  # the task has gold
    closed: bool = False  # the task is closed (Task.closed_at): its paragraph no longer matches the project

    def check_editable(self) -> None:
        """A submitted annotation changes only as edit_rules allows (a draft or a skip always may)."""
        if self.annotation.status == Annotation.Status.SUBMITTED:
            check_submitted_editable(
                allow_reopen=self.allow_reopen, adjudicated=self.adjudicated, revision=self.annotation.revision
            )

    def statements_snapshot(self) -> list[dict]:
        return statements_snapshot(self.annotation.pk) if self.has_statements else []


def _for_update(of: str) -> str:
    return f" FOR UPDATE OF {of}" if connection.vendor == "postgresql" else ""


def _lock(annotation: Annotation, *, with_task: bool) -> _Locked:
    """Read the annotation under its row lock, and with_task (submit) the task's too: the task row holds
    the submitted count. One statement locks both, so concurrent submits lock them in the same order."""
    columns = ", ".join(f"a.{Annotation._meta.get_field(f).column}" for f in _ANNOTATION_FIELDS)
    with cursor() as cur:
        cur.execute(
            f"""SELECT {columns}, t.project_id, par.text,
                               COALESCE(t.target_annotators, p.annotators_per_task), t.submitted_count,
                               EXISTS (SELECT 1 FROM {_table(Statement)} s WHERE s.annotation_id = a.id),
                               p.allow_reopen, EXISTS (SELECT 1 FROM {_table(Adjudication)} g WHERE g.task_id = t.id),
                               t.closed_at IS NOT NULL
                        FROM {_table(Task)} t JOIN {_table(Annotation)} a ON a.task_id = t.id
                        JOIN {_table(Paragraph)} par ON par.id = t.paragraph_id
                        JOIN {_table(Project)} p ON p.id = t.project_id
                        WHERE a.id = %s{_for_update("t, a" if with_task else "a")}""",
            [annotation.pk],
        )
        row = cur.fetchone()
    if row is None:
        raise Annotation.DoesNotExist(f"Annotation {annotation.pk} no longer exists.")
    values = dict(zip(_ANNOTATION_FIELDS, row, strict=False))
    values.update(
        no_statement=bool(values["no_statement"]),
        created_at=aware(values["created_at"]),
        updated_at=aware(values["updated_at"]),
        submitted_at=aware(values["submitted_at"]),
    )
    locked = instance(Annotation, values)
    project_id, text, k, submitted_count, has_statements, allow_reopen, adjudicated, closed = row[
        len(_ANNOTATION_FIELDS) :
    ]
    return _Locked(
        locked,
        text,
        project_id,
        k,
        submitted_count if with_task else None,
        bool(has_statements),
        bool(allow_reopen),
        bool(adjudicated),
        bool(closed),
    )


def _check_revision(annotation: Annotation, revision: int | None) -> None:
    if revision is not None and revision != annotation.revision:
        raise ConflictError(
            f"This annotation is at revision {annotation.revision}, not {revision}: it changed "
            "since you loaded it. Reload it and try again.",
            revision=annotation.revision,
        )


_STATEMENT_COLUMNS = (
    "annotation_id",
    "position",
    *(Statement._meta.get_field(n).column for n in STATEMENT_FIELDS),
    "created_at",
)


def _statement_writes(annotation: Annotation, clean: list[dict[str, Any]], *, now, had_any: bool = True) -> list:
    """The writes that replace the annotation's statements with `clean` (see _write_all)."""
    writes = []
    if had_any:
        writes.append((f"DELETE FROM {_table(Statement)} WHERE annotation_id = %s", [annotation.pk]))
    if clean:
        row = f"({_marks(_STATEMENT_COLUMNS)})"
        params = [
            v
            for i, fields in enumerate(clean)
            for v in (annotation.pk, i, *(fields[a] for a in STATEMENT_ATTRS.values()), now)
        ]
        writes.append(
            (
                f"INSERT INTO {_table(Statement)} ({', '.join(_STATEMENT_COLUMNS)}) "
                f"VALUES {', '.join([row] * len(clean))} RETURNING id, position",
                params,
            )
        )
    return writes


def _written(annotation: Annotation, clean: list[dict[str, Any]], ctx: StatementContext, returned: list[tuple]) -> list:
    """The statements just written, in the API's Statement shape, from what was validated and the ids
    the INSERT returned (no read back)."""
    ids = {position: pk for pk, position in returned}
    stances = ctx.stance_values
    return [
        statement_out(
            statement_from_attrs(c, stances[c["stance_id"]]),
            id=ids[i],
            annotation=annotation.pk,
            position=i,
            labels={label: ctx.labels[name].get(c[STATEMENT_ATTRS[name]]) for name, label in STATEMENT_LABELS.items()},
        )
        for i, c in enumerate(clean)
    ]


def _save(annotation: Annotation) -> tuple[str, list]:
    """Write the annotation's mutable fields (the caller has bumped the revision and set updated_at)."""
    return (
        f"""UPDATE {_table(Annotation)} SET status = %s, no_statement = %s, time_spent_ms = %s,
                revision = %s, updated_at = %s, submitted_at = %s WHERE id = %s""",
        [
            annotation.status,
            annotation.no_statement,
            annotation.time_spent_ms,
            annotation.revision,
            annotation.updated_at,
            annotation.submitted_at,
            annotation.pk,
        ],
    )


def _finish_assignment(annotation: Annotation, status: str, now) -> tuple[str, list]:
    return (
        f"UPDATE {_table(Assignment)} SET status = %s, finished_at = %s WHERE task_id = %s AND annotator_id = %s",
        [status, now, annotation.task_id, annotation.annotator_id],
    )


def _write_all(writes: list[tuple[str, list]]) -> list[tuple]:
    """Run writes that touch different rows, in one round trip on PostgreSQL (data-modifying CTEs,
    each executed exactly once) and one after another elsewhere. Returns the last one's RETURNING rows."""
    with cursor() as cur:
        if connection.vendor == "postgresql" and len(writes) > 1:
            *head, (last, _) = writes
            cur.execute(
                "WITH " + ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(head)) + " " + last,
                [p for _, params in writes for p in params],
            )
        else:
            for sql, params in writes:
                cur.execute(sql, params)
        return cur.fetchall() if cur.description else []


def _check_payload(*, no_statement: bool, clean: list, submitting: bool) -> None:
    if no_statement and clean:
        raise StatementsInvalid(
            {
                "no_statement": [
                    "'No stance-bearing statement' cannot be set while the "
                    "annotation has statements; remove them first."
                ]
            }
        )
    if submitting and not no_statement and not clean:
        raise StatementsInvalid(
            {"statements": ["Add at least one statement, or mark the paragraph as having no stance-bearing statement."]}
        )


def _record(
    annotation: Annotation, action: str, user, before: dict | None, after: dict | None = None, *, now
) -> tuple[str, list]:
    after = after if after is not None else annotation_snapshot(annotation.pk)
    json = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    return (
        f"""INSERT INTO {_table(AnnotationRevision)} (annotation_id, action, changed_by_id, changed_at,
                before, after) VALUES (%s, %s, %s, %s, {json}, {json})""",
        [
            annotation.pk,
            action,
            user.pk if user is not None else None,
            now,
            None if before is None else orjson.dumps(before).decode(),
            orjson.dumps(after).decode(),
        ],
    )


def _apply(annotation: Annotation, *, no_statement: bool, time_spent_ms: int | None, now) -> None:
    annotation.no_statement = no_statement
    if time_spent_ms is not None:
        annotation.time_spent_ms = time_spent_ms
    annotation.revision += 1
    annotation.updated_at = now


@transaction.atomic
def annotation_save(
    *,
    annotation: Annotation,
    user,
    revision: int | None,
    statements: Sequence[StatementInput],
    no_statement: bool = False,
    time_spent_ms: int | None = None,
) -> Annotation:
    """Save the annotator's work without changing its status (a draft stays a draft).

    Replaces the statement list. On a submitted annotation this is an edit: recorded with before/after.
    The returned annotation carries `statement_rows` (see annotation_submit).
    """
    locked = _lock(annotation, with_task=False)
    annotation = locked.annotation
    _check_revision(annotation, revision)
    locked.check_editable()
    clean, ctx = clean_statements(
        text=locked.text, project_id=locked.project_id, task_id=annotation.task_id, statements=statements
    )
    _check_payload(no_statement=no_statement, clean=clean, submitting=annotation.status == Annotation.Status.SUBMITTED)
    before = (
        snapshot_of(annotation, locked.statements_snapshot())
        if annotation.status == Annotation.Status.SUBMITTED
        else None
    )
    now = timezone.now()
    _apply(annotation, no_statement=no_statement, time_spent_ms=time_spent_ms, now=now)
    writes = [_save(annotation)]
    if before is not None:
        writes.append(
            _record(
                annotation,
                AnnotationRevision.Action.EDIT,
                user,
                before,
                snapshot_of(annotation, clean_to_snapshot(clean, ctx.stance_values)),
                now=now,
            )
        )
    annotation.statement_rows = _written(
        annotation,
        clean,
        ctx,
        _write_all(writes + _statement_writes(annotation, clean, now=now, had_any=locked.has_statements)),
    )
    return annotation


TASK_CLOSED = (
    "A manager changed this paragraph's kind, so the project no longer annotates it and it was closed while "
    "you worked on it. Nothing is lost: your work is kept as a draft (see My annotations). Reload the page for "
    "the next paragraph."
)


def annotation_submit(
    *,
    annotation: Annotation,
    user,
    revision: int | None,
    statements: Sequence[StatementInput],
    no_statement: bool = False,
    time_spent_ms: int | None = None,
) -> Annotation:
    """Submit: save the statements, count the submission on the task, close the lease.

    The returned annotation carries `statement_rows`: the statements as written, in the API's shape.

    Open suggestions that a submitted statement says again are accepted for this annotator
    (services.predictions.decisions_from_statements), so per-model precision counts hand-made matches.

    Raises ConflictError if the task already has k submissions (e.g. this annotator's lease expired
    and others filled the task meanwhile); the draft is kept. Submitting an already submitted
    annotation is an edit (no second count; it closes a reopened lease), allowed as edit_rules says.
    A first submit on a closed task (Task.closed_at: its paragraph was re-marked while the annotator
    held the lease) saves the statements as the draft, ends the lease, commits that, and then raises
    ConflictError with code "task_closed": nothing the annotator did is lost, and nothing is counted.
    """
    with transaction.atomic():
        saved, closed = _submit(
            annotation=annotation,
            user=user,
            revision=revision,
            statements=statements,
            no_statement=no_statement,
            time_spent_ms=time_spent_ms,
        )
    if closed:
        raise ConflictError(TASK_CLOSED, code="task_closed", revision=saved.revision)
    return saved


def _keep_as_draft(locked: _Locked, clean: list, ctx: StatementContext, *, no_statement, time_spent_ms) -> Annotation:
    """A submit that cannot count (the task is closed): the statements become the draft, the lease ends."""
    annotation = locked.annotation
    now = timezone.now()
    _apply(annotation, no_statement=no_statement, time_spent_ms=time_spent_ms, now=now)
    writes = [
        _save(annotation),
        (
            f"UPDATE {_table(Assignment)} SET status = %s, finished_at = %s WHERE task_id = %s AND annotator_id = %s "
            "AND status = %s",
            [Assignment.Status.EXPIRED, now, annotation.task_id, annotation.annotator_id, Assignment.Status.ACTIVE],
        ),
    ]
    writes += _statement_writes(annotation, clean, now=now, had_any=locked.has_statements)
    annotation.statement_rows = _written(annotation, clean, ctx, _write_all(writes))
    return annotation


def _submit(
    *,
    annotation: Annotation,
    user,
    revision: int | None,
    statements: Sequence[StatementInput],
    no_statement: bool,
    time_spent_ms: int | None,
) -> tuple[Annotation, bool]:
    locked = _lock(annotation, with_task=True)
    annotation = locked.annotation
    _check_revision(annotation, revision)
    locked.check_editable()
    clean, ctx = clean_statements(
        text=locked.text, project_id=locked.project_id, task_id=annotation.task_id, statements=statements
    )
    _check_payload(no_statement=no_statement, clean=clean, submitting=True)
    was_submitted = annotation.status == Annotation.Status.SUBMITTED
    if not was_submitted and locked.closed:
        return _keep_as_draft(locked, clean, ctx, no_statement=no_statement, time_spent_ms=time_spent_ms), True
    k = locked.k
    if not was_submitted and locked.submitted_count >= k:
        raise ConflictError(
            f"This paragraph already has its {k} submitted annotations; your draft is kept.",
            revision=annotation.revision,
        )
    old_statements = locked.statements_snapshot()
    before = snapshot_of(annotation, old_statements)
    now = timezone.now()
    _apply(annotation, no_statement=no_statement, time_spent_ms=time_spent_ms, now=now)
    writes = []
    if not was_submitted:
        annotation.status = Annotation.Status.SUBMITTED
        annotation.submitted_at = now
        writes.append(
            (
                f"UPDATE {_table(Task)} SET submitted_count = submitted_count + 1, is_complete = %s WHERE id = %s",
                [locked.submitted_count + 1 >= k, annotation.task_id],
            )
        )
        writes.append(_finish_assignment(annotation, Assignment.Status.SUBMITTED, now))
    else:  # a resubmit closes the lease the annotator reopened it with (its finish time stays the first one)
        writes.append(
            (
                f"UPDATE {_table(Assignment)} SET status = %s WHERE task_id = %s AND annotator_id = %s AND status = %s",
                [Assignment.Status.SUBMITTED, annotation.task_id, annotation.annotator_id, Assignment.Status.REOPENED],
            )
        )
    writes.append(_save(annotation))
    after = snapshot_of(annotation, clean_to_snapshot(clean, ctx.stance_values))
    writes.append(
        _record(
            annotation,
            AnnotationRevision.Action.EDIT if was_submitted else AnnotationRevision.Action.SUBMIT,
            user,
            before,
            after,
            now=now,
        )
    )
    accepted = decisions_from_statements(
        task_id=annotation.task_id, annotator_id=annotation.annotator_id, clean=clean, now=now
    )
    if accepted is not None:  # suggestions the statements say again are accepted (not before the statement INSERT)
        writes.append(accepted)
    writes += _statement_writes(annotation, clean, now=now, had_any=bool(old_statements))
    annotation.statement_rows = _written(annotation, clean, ctx, _write_all(writes))
    if locked.submitted_count + (0 if was_submitted else 1) >= 2:  # under the task's lock, like the count
        task_disagreement_refresh(task_ids=[annotation.task_id])
    annotation_submitted.send(sender=Annotation, project_id=locked.project_id, task_id=annotation.task_id)
    return annotation, False


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
    _write_all(
        [
            _save(annotation),
            _finish_assignment(annotation, Assignment.Status.SKIPPED, now),
            _record(
                annotation, AnnotationRevision.Action.SKIP, user, before, snapshot_of(annotation, statements), now=now
            ),
        ]
    )
    return annotation


# ---------------------------------------------------------------- single statements


def _one_statement_change(annotation: Annotation, user, revision: int | None, change) -> Statement | None:
    locked = _lock(annotation, with_task=False)
    annotation = locked.annotation
    _check_revision(annotation, revision)
    locked.check_editable()
    current = list(annotation.statements.select_related("stance"))
    before = annotation_snapshot(annotation.pk) if annotation.status == Annotation.Status.SUBMITTED else None
    result = change(locked, current)
    now = timezone.now()
    annotation.revision += 1
    annotation.updated_at = now
    _write_all([_save(annotation)])
    if before is not None:  # the after snapshot is read back once the change is written
        _write_all([_record(annotation, AnnotationRevision.Action.EDIT, user, before, now=now)])
        task_disagreement_refresh(task_ids=[annotation.task_id])  # a submitted annotation's set changed
    return result


def _clean_against(locked: _Locked, others: list[Statement], new: StatementInput) -> dict[str, Any]:
    inputs = [statement_from_model(s) for s in others] + [new]
    try:
        return clean_statements(
            text=locked.text, project_id=locked.project_id, task_id=locked.annotation.task_id, statements=inputs
        )[0][-1]
    except StatementsInvalid as exc:
        errs = exc.api_detail["statements"]
        mine = errs[-1] or {"non_field_errors": ["Another statement of this annotation is invalid."]}
        raise StatementsInvalid(mine) from None


@transaction.atomic
def statement_create(*, annotation: Annotation, user, data: StatementInput, revision: int | None = None) -> Statement:
    def change(locked, current):
        if locked.annotation.no_statement:
            raise StatementsInvalid(
                {"annotation": ["This annotation is marked as having no stance-bearing statement; clear that first."]}
            )
        fields = _clean_against(locked, current, data)
        position = max((s.position for s in current), default=-1) + 1
        return Statement.objects.create(annotation=locked.annotation, position=position, **fields)

    return _one_statement_change(annotation, user, revision, change)


@transaction.atomic
def statement_update(*, statement: Statement, user, data: StatementInput, revision: int | None = None) -> Statement:
    def change(locked, current):
        target = next(s for s in current if s.pk == statement.pk)
        merged = {**statement_from_model(target), **data}
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
            raise StatementsInvalid(
                {
                    "non_field_errors": [
                        "A submitted annotation keeps at least one statement; "
                        "mark it 'no stance-bearing statement' instead."
                    ]
                }
            )
        Statement.objects.filter(pk=statement.pk).delete()

    _one_statement_change(statement.annotation, user, revision, change)
