"""Checking statements against their paragraph and the project's registries, before any write.

annotation_save / annotation_submit and the single-statement edits (annotation.services.annotations)
call clean_statements; what it returns is what they write. It only reads: one plain SQL query for
the stance labels, the named actors and claims (following merges) and suggestions.
"""

from collections.abc import Sequence
from typing import Any

from ..db import cursor
from ..db import placeholders as _marks
from ..db import table as _table
from ..models import Actor, Claim, Prediction, RegistryStatus, StanceLabel, Statement
from ..shapes import STATEMENT_ATTRS, STATEMENT_FIELDS, StatementInput
from .exceptions import StatementsInvalid

MENTION, IMPLIED = Statement.ActorRole.MENTION, Statement.ActorRole.IMPLIED


_REGISTRIES = {"actor": (Actor, "name"), "claim": (Claim, "text")}


class StatementContext:
    """What validating statements for one task needs: the project's stance labels and the named
    actors, claims and suggestions, in one plain SQL query (this runs on every submit)."""

    def __init__(self, *, text: str, project_id: int, task_id: int, statements: Sequence[StatementInput]):
        self.text = text
        self.project_id = project_id
        self.task_id = task_id
        wanted = {kind: {s.get(kind) for s in statements if isinstance(s.get(kind), int)} for kind in _REGISTRIES}
        pred_ids = {s.get("from_prediction") for s in statements if isinstance(s.get("from_prediction"), int)}
        parts = [
            (f"SELECT 'stance', id, value, NULL, NULL FROM {_table(StanceLabel)} WHERE project_id = %s", [project_id])
        ]
        parts += [self._registry_part(kind, ids) for kind, ids in wanted.items() if ids]
        if pred_ids:
            parts.append(
                (
                    f"SELECT 'prediction', id, NULL, NULL, NULL FROM {_table(Prediction)} "
                    f"WHERE task_id = %s AND id IN ({_marks(pred_ids)})",
                    [task_id, *pred_ids],
                )
            )
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
        return (
            f"SELECT '{kind}', id, status, merged_into_id, {label} FROM {_table(model)} "
            f"WHERE project_id = %s AND id IN ({_marks(ids)})",
            [self.project_id, *ids],
        )

    def _follow_merges(self, cur, rows: dict[str, dict[int, tuple]]) -> None:
        """Load the targets of merged entries (merge chains are kept flat; 20 hops bound a corrupt cycle)."""
        for kind, kind_rows in rows.items():
            for _ in range(20):
                missing = {
                    into
                    for status, into, _ in kind_rows.values()
                    if status == RegistryStatus.MERGED and into is not None and into not in kind_rows
                }
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


def _span_errors(ctx: StatementContext, start, end, label: str) -> list[str]:
    if start is None and end is None:
        return []
    if start is None or end is None:
        return [f"Give both the start and the end of the {label} span, or neither."]
    if start < 0 or end > len(ctx.text) or start >= end:
        return [f"The {label} span {start}-{end} is outside the paragraph (0-{len(ctx.text)}) or empty."]
    if not ctx.text[start:end].strip():
        return [f"The {label} span {start}-{end} covers only whitespace."]
    return []


def _validate_one(ctx: StatementContext, s: StatementInput) -> tuple[dict[str, list[str]], dict[str, Any]]:
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
    if role == MENTION and "actor_start" not in errors and (msgs := _span_errors(ctx, start, end, "actor")):
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
    fields = {name: s.get(name) for name in STATEMENT_FIELDS}
    fields.update(
        actor_role=role,
        actor=ctx.actors.get(actor) if actor is not None else None,
        claim=ctx.claims[claim],
        stance=ctx.stances[stance],
        note=s.get("note") or "",
    )
    return {}, {STATEMENT_ATTRS[name]: value for name, value in fields.items()}


def clean_statements(
    *, text: str, project_id: int, task_id: int, statements: Sequence[StatementInput]
) -> tuple[list[dict[str, Any]], "StatementContext"]:
    """Check statements against the paragraph's text and the project's registries.

    Returns (model field dicts, with merged actors/claims redirected to the surviving entry, and the
    context it read: stance values and registry labels, for snapshots); raises StatementsInvalid
    with one error dict per statement, in input order."""
    ctx = StatementContext(text=text, project_id=project_id, task_id=task_id, statements=statements)
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
