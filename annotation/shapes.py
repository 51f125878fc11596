"""The shapes of a statement, an annotation and a snapshot: each field list is written here once.

The API's input (StatementIn, the submit fast path), its output (StatementOut, the plain-SQL payloads,
what a write returns), the revision snapshots and gold all derive their keys from these. A statement
field is named as the API names it (`actor`, `claim`, `stance`); on the model it is the attribute
STATEMENT_ATTRS gives (`actor_id`, ...), except the stance, which the API and snapshots carry by value.
"""

from collections.abc import Mapping
from typing import Any, TypedDict

from .models import Annotation, Statement


class StatementPlacement(TypedDict, total=False):
    """Who holds which stance on which claim, where: what a statement and a gold statement share."""

    actor_role: str
    actor: int | None
    actor_start: int | None
    actor_end: int | None
    claim: int
    stance: str
    evidence_start: int | None
    evidence_end: int | None


class StatementInput(StatementPlacement, total=False):
    """An annotator's statement as the services take it (and as a snapshot stores it)."""

    note: str
    from_prediction: int | None


class GoldInput(StatementPlacement, total=False):
    """A gold statement as adjudication takes it."""

    reason: str
    source_statement_ids: list[int]


# A statement's editable fields, in order: the keys of StatementInput and of a snapshot's statements.
STATEMENT_FIELDS: tuple[str, ...] = tuple(StatementInput.__annotations__)
PLACEMENT_FIELDS: tuple[str, ...] = tuple(StatementPlacement.__annotations__)
GOLD_FIELDS: tuple[str, ...] = tuple(GoldInput.__annotations__)
# API name -> model attribute (foreign keys are held by id: actor -> actor_id).
STATEMENT_ATTRS: dict[str, str] = {name: Statement._meta.get_field(name).attname for name in STATEMENT_FIELDS}
# The registry labels the API adds right after an id it names.
STATEMENT_LABELS: dict[str, str] = {"actor": "actor_name", "claim": "claim_text"}
# The API's Statement: its row's identity, then the editable fields with their labels.
STATEMENT_OUT_KEYS: tuple[str, ...] = ("id", "annotation", "position") + tuple(
    key for name in STATEMENT_FIELDS for key in (name, *([STATEMENT_LABELS[name]] if name in STATEMENT_LABELS else []))
)

# An annotation's state as a revision snapshot records it (plus "statements"), and the API's Annotation.
ANNOTATION_STATE: tuple[str, ...] = ("status", "no_statement", "time_spent_ms", "revision")
SNAPSHOT_KEYS: tuple[str, ...] = (*ANNOTATION_STATE, "statements")
ANNOTATION_OUT_KEYS: tuple[str, ...] = (
    "id",
    "task",
    "annotator",
    *ANNOTATION_STATE,
    "created_at",
    "updated_at",
    "submitted_at",
    "statements",
)
# The API's Annotation key -> model attribute (task -> task_id).
ANNOTATION_ATTRS: dict[str, str] = {
    key: Annotation._meta.get_field(key).attname for key in ANNOTATION_OUT_KEYS if key != "statements"
}


def statement_from_attrs(values: Mapping[str, Any], stance: str) -> StatementInput:
    """A statement in input/snapshot form from its model fields by attribute name, the stance by value."""
    return {name: stance if name == "stance" else values[attr] for name, attr in STATEMENT_ATTRS.items()}


def statement_from_model(statement, fields: tuple[str, ...] = STATEMENT_FIELDS) -> StatementInput:
    """A stored statement (or gold statement, with fields=PLACEMENT_FIELDS) in input/snapshot form;
    reads statement.stance: select_related it."""
    return {
        name: statement.stance.value if name == "stance" else getattr(statement, STATEMENT_ATTRS[name])
        for name in fields
    }


def with_labels(statement: Mapping[str, Any], labels: Mapping[str, str | None]) -> dict:
    """The statement's fields with each registry label ({"actor_name": ..., "claim_text": ...}) right
    after the id it names, as the API shows them."""
    out = {}
    for name, value in statement.items():
        out[name] = value
        if name in STATEMENT_LABELS:
            out[STATEMENT_LABELS[name]] = labels[STATEMENT_LABELS[name]]
    return out


def statement_out(
    statement: Mapping[str, Any],
    *,
    id: int,
    annotation: int,
    position: int,  # noqa: A002
    labels: Mapping[str, str | None],
) -> dict:
    """The API's Statement (STATEMENT_OUT_KEYS) from a statement in input form, its row's identity and
    its registry labels."""
    return {"id": id, "annotation": annotation, "position": position, **with_labels(statement, labels)}


def snapshot(state: Mapping[str, Any], statements: list) -> dict:
    """A revision snapshot from the annotation's state (a mapping or a model: by attribute) and its statements."""
    get = state.__getitem__ if isinstance(state, Mapping) else state.__getattribute__
    return {**{key: get(key) for key in ANNOTATION_STATE}, "statements": statements}


# A pre-label as the workspace reads it: PredictionOut and the plain-SQL payload share these keys.
PREDICTION_KEYS = (
    "id",
    "kind",
    "model_name",
    "model_version",
    "score",
    "actor",
    "actor_name",
    "start",
    "end",
    "surface",
    "claim",
    "claim_text",
    "stance",
    "decision",
)
