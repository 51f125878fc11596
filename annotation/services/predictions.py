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
