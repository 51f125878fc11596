"""Saving, submitting and skipping annotations, and editing their statements.

Every write checks the client's `revision` (optimistic concurrency: a stale edit raises ConflictError
and changes nothing) and bumps it. Submitting, skipping, and every change to a submitted annotation
adds an AnnotationRevision with before/after snapshots, so nothing is overwritten silently.

Statements are checked first by annotation.services.statement_validation (it only reads); the row
lock and the SQL writes are annotation.services.annotation_rows; single-statement edits are
annotation.services.statement_edits.

Locks: submit locks the task row and the annotation row in one statement (the only writer that takes
both), so the k check and the submitted_count increment are one critical section.
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from ..db import table as _table
from ..models import Annotation, AnnotationRevision, Assignment, Task
from ..shapes import StatementInput
from ..signals import annotation_submitted
from .annotation_rows import (
    _apply,
    _check_revision,
    _finish_assignment,
    _lock,
    _Locked,
    _record,
    _save,
    _statement_writes,
    _write_all,
    _written,
)
from .disagreement import task_disagreement_refresh_one
from .exceptions import ConflictError, StatementsInvalid
from .predictions import decisions_from_statements
from .snapshots import clean_to_snapshot, snapshot_of
from .statement_validation import StatementContext, clean_statements


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
        task_disagreement_refresh_one(task_id=annotation.task_id)
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
