"""Before/after JSON snapshots of annotations, for AnnotationRevision history."""

from collections.abc import Iterable

from ..db import cursor
from ..models import Annotation, StanceLabel, Statement

STATEMENT_FIELDS = ("actor_role", "actor_id", "actor_start", "actor_end", "claim_id", "stance__value",
                    "evidence_start", "evidence_end", "note", "from_prediction_id")


def _statement_dict(row: dict) -> dict:
    return {"actor_role": row["actor_role"], "actor": row["actor_id"], "actor_start": row["actor_start"],
            "actor_end": row["actor_end"], "claim": row["claim_id"], "stance": row["stance__value"],
            "evidence_start": row["evidence_start"], "evidence_end": row["evidence_end"], "note": row["note"],
            "from_prediction": row["from_prediction_id"]}


def annotation_snapshots(annotation_ids: Iterable[int]) -> dict[int, dict]:
    """{annotation id: snapshot} in two queries, whatever the number of annotations."""
    ids = list(annotation_ids)
    if not ids:
        return {}
    snaps = {row["id"]: {**{k: row[k] for k in ("status", "no_statement", "time_spent_ms", "revision")},
                         "statements": []}
             for row in Annotation.objects.filter(pk__in=ids).values("id", "status", "no_statement",
                                                                     "time_spent_ms", "revision")}
    rows = (Statement.objects.filter(annotation_id__in=ids).order_by("annotation_id", "position", "id")
            .values("annotation_id", *STATEMENT_FIELDS))
    for row in rows:
        snaps[row["annotation_id"]]["statements"].append(_statement_dict(row))
    return snaps


def annotation_snapshot(annotation_id: int) -> dict:
    return annotation_snapshots([annotation_id])[annotation_id]


_SNAPSHOT_SQL = """SELECT s.actor_role, s.actor_id, s.actor_start, s.actor_end, s.claim_id, st.value,
    s.evidence_start, s.evidence_end, s.note, s.from_prediction_id
    FROM {stmt} s JOIN {stance} st ON st.id = s.stance_id WHERE s.annotation_id = %s ORDER BY s.position, s.id"""
_SNAPSHOT_KEYS = ("actor_role", "actor", "actor_start", "actor_end", "claim", "stance", "evidence_start",
                  "evidence_end", "note", "from_prediction")


def statements_snapshot(annotation_id: int) -> list[dict]:
    """One annotation's statements in snapshot form (plain SQL: submit reads this every time)."""
    with cursor() as cur:
        cur.execute(_SNAPSHOT_SQL.format(stmt=Statement._meta.db_table, stance=StanceLabel._meta.db_table),
                    [annotation_id])
        return [dict(zip(_SNAPSHOT_KEYS, row, strict=True)) for row in cur.fetchall()]


def snapshot_of(annotation: Annotation, statements: list[dict]) -> dict:
    """A snapshot from an annotation already in memory and its statements in snapshot form (no query)."""
    return {"status": annotation.status, "no_statement": annotation.no_statement,
            "time_spent_ms": annotation.time_spent_ms, "revision": annotation.revision, "statements": statements}


def clean_to_snapshot(clean: list[dict], stance_values: dict[int, str]) -> list[dict]:
    """Validated statement field dicts (as written) in snapshot form."""
    return [{"actor_role": c["actor_role"], "actor": c["actor_id"], "actor_start": c["actor_start"],
             "actor_end": c["actor_end"], "claim": c["claim_id"], "stance": stance_values[c["stance_id"]],
             "evidence_start": c["evidence_start"], "evidence_end": c["evidence_end"], "note": c["note"],
             "from_prediction": c["from_prediction_id"]} for c in clean]
