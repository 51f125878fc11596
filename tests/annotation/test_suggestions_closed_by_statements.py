"""A submitted statement that says what an open suggestion said accepts it for that annotator, so
per-model precision counts hand-made matches; decisions already made and other annotators' stay."""

import pytest

from annotation.models import Annotation, PredictionDecision, PredictionSet, StanceLabel
from annotation.services.annotations import annotation_save, annotation_submit
from annotation.services.assignment import assignment_claim_next
from annotation.services.predictions import prediction_decide
from annotation.services.prelabel import prediction_precision
from tests.factories import ActorFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(project, tasks, annotator):
    assignment = assignment_claim_next(user=annotator, project=project)
    return Annotation.objects.get(task_id=assignment.task_id, annotator=annotator)


@pytest.fixture
def suggest(draft):
    prediction_set = PredictionSet.objects.create(task=draft.task, model_name="m", model_version="1")

    def make(kind, **fields):
        return prediction_set.predictions.create(
            task=draft.task, kind=kind, model_name="m", model_version="1", score=0.5, **fields
        )

    return make


def _decisions(user) -> dict:
    return dict(PredictionDecision.objects.filter(annotator=user).values_list("prediction_id", "decision"))


def test_each_kind_of_suggestion_is_accepted_when_a_statement_says_it_again(
    project, draft, annotator, actor, claim, suggest
):
    favor = StanceLabel.objects.get(project=project, value="favor")
    other_actor, other_claim = ActorFactory(project=project, name="Russia"), ClaimFactory(project=project, text="Other")
    hits = [
        suggest("actor", actor=actor, start=0, end=7),
        suggest("actor", actor=actor),  # no words: the actor alone
        suggest("actor_candidate", start=0, end=7, surface="Beijing"),
        suggest("claim", claim=claim),
        suggest("stance", actor=actor, claim=claim, stance=favor),
        suggest("statement", actor=actor, start=0, end=7, claim=claim, stance=favor),
        suggest("statement", actor=actor, start=0, end=7, claim=claim),  # no stance from the model
        suggest("statement", claim=other_claim),  # the author, on the second statement's claim
    ]
    misses = [
        suggest("actor", actor=actor, start=1, end=7),  # other words
        suggest("actor", actor=other_actor),
        suggest("actor_candidate", start=2, end=9, surface="ijing i"),
        suggest("claim", claim=ClaimFactory(project=project, text="Unused")),
        suggest("stance", actor=actor, claim=claim, stance=StanceLabel.objects.get(project=project, value="against")),
        suggest("statement", actor=actor, start=0, end=7, claim=other_claim, stance=favor),  # other claim
        suggest("statement", claim=claim, stance=favor),  # the author did not say the first claim
    ]
    by_hand = [
        {
            "actor_role": "mention",
            "actor": actor.pk,
            "actor_start": 0,
            "actor_end": 7,
            "claim": claim.pk,
            "stance": "favor",
        },
        {"actor_role": "author", "claim": other_claim.pk, "stance": "neutral"},
    ]
    annotation_submit(annotation=draft, user=annotator, revision=0, statements=by_hand)

    assert _decisions(annotator) == {p.pk: "accepted" for p in hits}
    assert not {p.pk for p in misses} & set(_decisions(annotator))
    precision = {r["kind"]: r for r in prediction_precision(project=project)}
    assert precision["claim"]["accepted"] == 1 and precision["claim"]["predictions"] == 2


def test_a_decision_already_made_is_kept_and_nothing_happens_before_submit(
    project, draft, annotator, second_annotator, actor, claim, suggest
):
    rejected = suggest("claim", claim=claim)
    prediction_decide(prediction=rejected, user=annotator, decision="rejected")
    other = suggest("actor", actor=actor, start=0, end=7)
    prediction_decide(prediction=other, user=second_annotator, decision="rejected")
    statement = {"actor_role": "mention", "actor": actor.pk, "actor_start": 0, "actor_end": 7, "claim": claim.pk}

    annotation_save(annotation=draft, user=annotator, revision=0, statements=[{**statement, "stance": "favor"}])
    assert _decisions(annotator) == {rejected.pk: "rejected"}  # a draft decides nothing

    annotation_submit(annotation=draft, user=annotator, revision=1, statements=[{**statement, "stance": "favor"}])
    assert _decisions(annotator) == {rejected.pk: "rejected", other.pk: "accepted"}  # the reject stays
    assert _decisions(second_annotator) == {other.pk: "rejected"}  # someone else's decision is theirs

    # Submitting again (an edit) with the same statement writes nothing new and fails on nothing.
    annotation_submit(annotation=draft, user=annotator, revision=2, statements=[{**statement, "stance": "favor"}])
    assert PredictionDecision.objects.filter(annotator=annotator).count() == 2


def test_no_statement_submits_decide_nothing(project, draft, annotator, claim, suggest):
    suggest("claim", claim=claim)
    annotation_submit(annotation=draft, user=annotator, revision=0, statements=[], no_statement=True)
    assert _decisions(annotator) == {}
