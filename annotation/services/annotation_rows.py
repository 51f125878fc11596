"""An annotation's row lock and its writes, in plain SQL (portable between PostgreSQL and the demo's SQLite).

Submit is the app's hottest write, and compiling ORM queries cost several times the database's own work.
Row locks are PostgreSQL's FOR UPDATE; on SQLite IMMEDIATE transactions serialise writers instead.
The writers that use these are annotation.services.annotations (save, submit, skip) and
annotation.services.statement_edits (single statements).
"""

from dataclasses import dataclass
from typing import Any

import orjson
from django.db import connection

from corpora.models import Paragraph

from ..db import aware, cursor, instance
from ..db import placeholders as _marks
from ..db import table as _table
from ..models import Adjudication, Annotation, AnnotationRevision, Assignment, Project, Statement, Task
from ..shapes import STATEMENT_ATTRS, STATEMENT_FIELDS, STATEMENT_LABELS, statement_from_attrs, statement_out
from .edit_rules import check_submitted_editable
from .exceptions import ConflictError
from .snapshots import annotation_snapshot, statements_snapshot
from .statement_validation import StatementContext

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
