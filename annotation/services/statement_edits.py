"""Creating, changing and deleting one statement of an annotation (the statement endpoints).

Each change checks the client's `revision`, bumps it, and on a submitted annotation records an
AnnotationRevision with before/after snapshots, like the whole-annotation writes in
annotation.services.annotations (whose row lock and SQL writes, annotation.services.annotation_rows,
it shares).
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import Annotation, AnnotationRevision, Statement
from ..shapes import StatementInput, statement_from_model
from .annotation_rows import _check_revision, _lock, _Locked, _record, _save, _write_all
from .disagreement import task_disagreement_refresh
from .exceptions import StatementsInvalid
from .snapshots import annotation_snapshot
from .statement_validation import clean_statements


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
