"""Before/after JSON snapshots of annotations, for AnnotationRevision history (shapes in annotation.shapes)."""

from collections.abc import Iterable

from ..db import cursor
from ..models import Annotation, StanceLabel, Statement
from ..shapes import ANNOTATION_STATE, STATEMENT_ATTRS, STATEMENT_FIELDS, snapshot, statement_from_attrs

# The .values() names that read a statement's snapshot fields (the stance through its label's value).
STATEMENT_VALUES = tuple("stance__value" if name == "stance" else attr for name, attr in STATEMENT_ATTRS.items())


def annotation_snapshots(annotation_ids: Iterable[int]) -> dict[int, dict]:
    """{annotation id: snapshot} in two queries, whatever the number of annotations."""
    ids = list(annotation_ids)
    if not ids:
        return {}
    snaps = {
        row["id"]: snapshot(row, []) for row in Annotation.objects.filter(pk__in=ids).values("id", *ANNOTATION_STATE)
    }
    rows = (
        Statement.objects.filter(annotation_id__in=ids)
        .order_by("annotation_id", "position", "id")
        .values("annotation_id", *STATEMENT_VALUES)
    )
    for row in rows:
        snaps[row["annotation_id"]]["statements"].append(statement_from_attrs(row, row["stance__value"]))
    return snaps


def annotation_snapshot(annotation_id: int) -> dict:
    return annotation_snapshots([annotation_id])[annotation_id]


_SNAPSHOT_SQL = (
    "SELECT {columns} FROM {stmt} s JOIN {stance} st ON st.id = s.stance_id WHERE s.annotation_id = %s "
    "ORDER BY s.position, s.id"
)
_SNAPSHOT_COLUMNS = ", ".join(
    "st.value" if name == "stance" else f"s.{Statement._meta.get_field(name).column}" for name in STATEMENT_FIELDS
)


def statements_snapshot(annotation_id: int) -> list[dict]:
    """One annotation's statements in snapshot form (plain SQL: submit reads this every time)."""
    with cursor() as cur:
        cur.execute(
            _SNAPSHOT_SQL.format(
                columns=_SNAPSHOT_COLUMNS, stmt=Statement._meta.db_table, stance=StanceLabel._meta.db_table
            ),
            [annotation_id],
        )
        return [dict(zip(STATEMENT_FIELDS, row, strict=True)) for row in cur.fetchall()]


def snapshot_of(annotation: Annotation, statements: list[dict]) -> dict:
    """A snapshot from an annotation already in memory and its statements in snapshot form (no query)."""
    return snapshot(annotation, statements)


def clean_to_snapshot(clean: list[dict], stance_values: dict[int, str]) -> list[dict]:
    """Validated statement field dicts (as written, by model attribute) in snapshot form."""
    return [statement_from_attrs(c, stance_values[c["stance_id"]]) for c in clean]
