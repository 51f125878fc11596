"""Gold aggregation: adjudicated first, majority vote with listed ties, Dawid-Skene."""

import numpy as np
import pytest

from annotation.services.adjudication import adjudication_save
from exports.gold import gold_for_project
from tests.exports.builders import submit, task_in
from tests.factories import ActorFactory, ClaimFactory, UserFactory


@pytest.fixture
def people(db):
    return [UserFactory(username=f"g{i}") for i in range(4)]


def test_majority_takes_the_most_given_stance_and_drops_pairs_most_did_not_name(project, people):
    actor, claim, rare = ActorFactory(project=project), ClaimFactory(project=project), ClaimFactory(project=project)
    task = task_in(project)
    submit(task, people[0], [(actor, claim, "favor"), (actor, rare, "against")])
    submit(task, people[1], [(actor, claim, "favor")])
    submit(task, people[2], [(actor, claim, "against")])
    gold = gold_for_project(project=project, strategy="majority")[task.pk]
    assert [(s.actor_id, s.claim_id, s.stance, s.method, s.support) for s in gold.statements] == [
        (actor.pk, claim.pk, "favor", "majority", 2)
    ]
    assert gold.unresolved == [] and gold.no_statement is False and gold.n_annotators == 3


def test_majority_ties_stay_unresolved_and_are_listed(project, people):
    actor, claim = ActorFactory(project=project), ClaimFactory(project=project)
    task = task_in(project)
    submit(task, people[0], [(actor, claim, "favor")])
    submit(task, people[1], [(actor, claim, "against")])
    gold = gold_for_project(project=project, strategy="majority")[task.pk]
    assert gold.statements == []
    assert gold.unresolved == [
        {"actor_id": actor.pk, "actor_role": "mention", "claim_id": claim.pk, "votes": {"favor": 1, "against": 1}}
    ]
    assert gold.no_statement is False


def test_adjudicated_gold_wins_over_aggregation_and_says_so(project, people, manager):
    actor, claim = ActorFactory(project=project), ClaimFactory(project=project)
    task, other = task_in(project), task_in(project)
    for p in people[:3]:
        submit(task, p, [(actor, claim, "favor")])
        submit(other, p, [])
    adjudication_save(
        task=task,
        adjudicator=manager,
        reason="guideline 3",
        statements=[
            {
                "actor_role": "mention",
                "actor": actor.pk,
                "actor_start": 0,
                "actor_end": 7,
                "claim": claim.pk,
                "stance": "against",
            }
        ],
    )
    gold = gold_for_project(project=project, strategy="adjudicated_then_majority")
    assert gold[task.pk].method == "adjudicated"
    assert [(s.stance, s.method) for s in gold[task.pk].statements] == [("against", "adjudicated")]
    assert gold[other.pk].method == "majority" and gold[other.pk].no_statement is True
    assert gold_for_project(project=project, strategy="majority")[task.pk].statements[0].stance == "favor"


def test_unknown_strategy_is_refused_with_its_name(project):
    with pytest.raises(ValueError, match="'best'"):
        gold_for_project(project=project, strategy="best")


@pytest.mark.slow
def test_dawid_skene_recovers_the_reliable_annotator_where_the_majority_is_wrong(project):
    """One careful annotator and two biased ones who often say "neutral" whatever the truth: the two
    biased annotators outvote the careful one, and Dawid-Skene learns whom to trust."""
    rng = np.random.default_rng(5)
    careful, *noisy = [UserFactory(username=n) for n in ("careful", "noisy1", "noisy2")]
    claim = ClaimFactory(project=project)
    actors = [ActorFactory(project=project) for _ in range(3)]
    labels = ["favor", "against", "neutral", "unclear"]
    truth = {}
    for i in range(80):
        task = task_in(project)
        actor = actors[i % 3]
        truth[task.pk] = labels[rng.integers(0, 2)]
        submit(task, careful, [(actor, claim, truth[task.pk])])
        for person in noisy:
            submit(task, person, [(actor, claim, "neutral" if rng.random() < 0.6 else truth[task.pk])])
    model = gold_for_project(project=project, strategy="model")
    majority = gold_for_project(project=project, strategy="majority")
    model_hits = sum(1 for t, s in truth.items() if model[t].statements and model[t].statements[0].stance == s)
    majority_hits = sum(1 for t, s in truth.items() if majority[t].statements and majority[t].statements[0].stance == s)
    assert model_hits >= 76
    assert model_hits > majority_hits
    assert all(s.method == "dawid_skene" and 0 < s.score <= 1 for r in model.values() for s in r.statements)
