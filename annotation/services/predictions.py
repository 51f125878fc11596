"""Annotators' decisions on pre-label suggestions (feeds per-model-version precision)."""

from django.db import transaction

from ..models import Prediction, PredictionDecision


@transaction.atomic
def prediction_decide(*, prediction: Prediction, user, decision: str) -> PredictionDecision:
    """Record (or change) this annotator's accept/reject of a suggestion. Idempotent per (prediction, user).

    Accepting does not write a statement: the page copies the suggestion into a statement with
    from_prediction set and saves it through the annotation endpoints.
    """
    if decision not in PredictionDecision.Decision.values:
        from django.core.exceptions import ValidationError

        raise ValidationError({"decision": [f"Use 'accepted' or 'rejected', not {decision!r}."]})
    obj, _ = PredictionDecision.objects.update_or_create(
        prediction=prediction, annotator=user, defaults={"decision": decision}
    )
    return obj


@transaction.atomic
def prediction_decision_clear(*, prediction: Prediction, user) -> None:
    """Undo: forget this annotator's decision on the suggestion."""
    PredictionDecision.objects.filter(prediction=prediction, annotator=user).delete()


# A statement the annotator made "by hand" that says what an open suggestion said closes that
# suggestion as accepted, so each model's precision counts it. What "says the same" means per kind
# (p: the prediction; s: a submitted statement):
#   actor            the same actor, on the same words when the model named words
#   actor_candidate  words labelled as an actor exactly where the model saw a new one
#   claim            the same claim
#   stance           the same actor (none: the author), claim and stance
#   statement        the same actor (none and no words: the author), words, claim, and stance
#                    when the model gave one
# A decision the annotator made stays as it is (accepted or rejected).
_MATCH = """
    (p.kind = 'actor' AND p.actor_id = s.column2 AND {span})
 OR (p.kind = 'actor_candidate' AND s.column1 = 'mention' AND s.column3 = p.start AND s.column4 = p."end")
 OR (p.kind = 'claim' AND p.claim_id = s.column5)
 OR (p.kind = 'stance' AND {actor} AND p.claim_id = s.column5 AND p.stance_id = s.column6)
 OR (p.kind = 'statement' AND {actor} AND {span} AND p.claim_id = s.column5
     AND (p.stance_id IS NULL OR p.stance_id = s.column6))
""".format(
    span='(p.start IS NULL OR (s.column3 = p.start AND s.column4 = p."end"))',
    actor="(p.actor_id = s.column2 OR (p.actor_id IS NULL AND p.start IS NULL AND s.column1 = 'author'))",
)
_ROW = "(CAST(%s AS VARCHAR(16)), CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS INTEGER), " + (
    "CAST(%s AS INTEGER), CAST(%s AS INTEGER))"
)


def decisions_from_statements(*, task_id: int, annotator_id: int, clean: list[dict], now) -> tuple[str, list] | None:
    """The write that accepts, for this annotator, every open suggestion of the task that one of
    `clean` (validated statements, attribute names as keys) says again; None when there are none.

    One INSERT ... SELECT (portable: PostgreSQL and SQLite), so annotation_submit can send it in the
    same round trip as its other writes.
    """
    if not clean:
        return None
    rows = [
        (c["actor_role"], c["actor_id"], c["actor_start"], c["actor_end"], c["claim_id"], c["stance_id"]) for c in clean
    ]
    sql = f"""INSERT INTO {PredictionDecision._meta.db_table} (prediction_id, annotator_id, decision, decided_at)
        SELECT p.id, %s, %s, %s FROM {Prediction._meta.db_table} p
        WHERE p.task_id = %s AND EXISTS (SELECT 1 FROM (VALUES {", ".join([_ROW] * len(rows))}) AS s WHERE {_MATCH})
        ON CONFLICT (prediction_id, annotator_id) DO NOTHING"""
    params = [annotator_id, PredictionDecision.Decision.ACCEPTED, now, task_id, *(v for row in rows for v in row)]
    return sql, params
