"""Adjudication that merges: identical statements grouped, the majority accepted in one call, one
history record per decision, pre-labels listed once per claim."""

import pytest
from django.core.exceptions import ValidationError

from annotation.models import Adjudication, GoldStatement, Prediction, PredictionSet, StanceLabel
from annotation.selectors.adjudication import adjudication_view, is_agreed
from annotation.services.adjudication import (
    GoldExists,
    adjudication_accept_agreed,
    adjudication_pick,
    adjudication_save,
)
from tests.conftest import client_for
from tests.exports.builders import submit, task_in
from tests.factories import ActorFactory, ClaimFactory, MembershipFactory, UserFactory


@pytest.fixture
def third_annotator(project):
    return MembershipFactory(project=project, user=UserFactory(username="annotator3"), role="annotator").user


@pytest.fixture
def three_way(project, annotator, second_annotator, third_annotator):
    """Two of three annotators agree on (actor, claim, favor); one adds an author statement alone."""
    actor, claim, other = ActorFactory(project=project), ClaimFactory(project=project), ClaimFactory(project=project)
    task = task_in(project)
    a = submit(task, annotator, [(actor, claim, "favor")])
    b = submit(task, second_annotator, [(actor, claim, "favor"), (None, other, "against")])
    c = submit(task, third_annotator, [(actor, claim, "against")])
    return {"task": task, "actor": actor, "claim": claim, "other": other, "a": a, "b": b, "c": c}


def history_rows(task):
    return Adjudication.history.filter(task_id=task.pk).count()


def test_the_majority_rule_needs_more_than_half_and_two():
    assert [is_agreed(c, 2) for c in (1, 2)] == [False, True]
    assert [is_agreed(c, 3) for c in (1, 2, 3)] == [False, True, True]
    assert [is_agreed(c, 4) for c in (2, 3)] == [False, True]
    assert is_agreed(1, 1) is False  # one submission sent to adjudication agrees with nobody


def test_identical_statements_are_grouped_with_count_and_annotators(three_way):
    groups = adjudication_view(task=three_way["task"])["groups"]
    summary = [(g["count"], g["annotators"], g["statement"].stance.value, g["agreed"]) for g in groups]
    assert summary == [
        (2, ["annotator", "annotator2"], "favor", True),
        (1, ["annotator2"], "against", False),
        (1, ["annotator3"], "against", False),
    ]
    favor = groups[0]
    assert sorted(favor["statement_ids"]) == sorted(
        [three_way["a"].statements.get().pk, three_way["b"].statements.get(actor_role="mention").pk]
    )


def test_a_different_span_makes_a_different_group(project, annotator, second_annotator):
    actor, claim = ActorFactory(project=project), ClaimFactory(project=project)
    task = task_in(project)
    submit(task, annotator, [(actor, claim, "favor", (0, 7))])
    submit(task, second_annotator, [(actor, claim, "favor", (0, 5))])
    groups = adjudication_view(task=task)["groups"]
    assert [g["count"] for g in groups] == [1, 1] and not any(g["agreed"] for g in groups)


def test_accept_agreed_writes_the_majority_statements_with_every_source(three_way, manager):
    adj = adjudication_accept_agreed(task=three_way["task"], adjudicator=manager, reason="majority")
    gold = list(adj.statements.all())
    assert len(gold) == 1
    assert (gold[0].actor_id, gold[0].claim_id, gold[0].stance.value) == (
        three_way["actor"].pk,
        three_way["claim"].pk,
        "favor",
    )
    assert sorted(gold[0].source_statement_ids) == sorted(
        adjudication_view(task=three_way["task"])["groups"][0]["statement_ids"]
    )
    assert adj.reason == "majority" and adj.adjudicator == manager


def test_accept_agreed_refuses_when_nothing_is_agreed_and_writes_nothing(project, annotator, second_annotator, manager):
    actor, claim = ActorFactory(project=project), ClaimFactory(project=project)
    task = task_in(project)
    submit(task, annotator, [(actor, claim, "favor")])
    submit(task, second_annotator, [(actor, claim, "against")])
    with pytest.raises(ValidationError) as err:
        adjudication_accept_agreed(task=task, adjudicator=manager)
    assert "majority" in str(err.value)
    assert not Adjudication.objects.filter(task=task).exists() and history_rows(task) == 0


def test_accept_agreed_on_no_statement_when_the_majority_found_none(project, annotator, second_annotator, manager):
    task = task_in(project)
    submit(task, annotator, [])
    submit(task, second_annotator, [])
    adj = adjudication_accept_agreed(task=task, adjudicator=manager)
    assert adj.no_statement is True and not adj.statements.exists()


def test_accept_agreed_over_gold_needs_replace(three_way, manager):
    task = three_way["task"]
    adjudication_save(task=task, adjudicator=manager, statements=[], no_statement=True)
    with pytest.raises(GoldExists):
        adjudication_accept_agreed(task=task, adjudicator=manager)
    assert Adjudication.objects.get(task=task).no_statement is True
    adjudication_accept_agreed(task=task, adjudicator=manager, replace=True)
    assert GoldStatement.objects.filter(adjudication__task=task).count() == 1


def test_one_pick_writes_one_history_record_and_a_replacement_one_more(three_way, manager):
    task = three_way["task"]
    first = three_way["a"].statements.get().pk
    adjudication_pick(task=task, adjudicator=manager, statement_ids=[first], reason="first")
    assert history_rows(task) == 1
    assert Adjudication.history.get(task_id=task.pk).history_type == "+"
    adjudication_pick(task=task, adjudicator=manager, statement_ids=[three_way["c"].statements.get().pk], replace=True)
    assert history_rows(task) == 2
    assert list(
        Adjudication.history.filter(task_id=task.pk).order_by("history_date").values_list("history_type", flat=True)
    ) == ["+", "~"]


def test_picking_a_group_merges_it_into_one_gold_statement(three_way, manager):
    ids = adjudication_view(task=three_way["task"])["groups"][0]["statement_ids"]
    adj = adjudication_pick(task=three_way["task"], adjudicator=manager, statement_ids=ids)
    assert adj.statements.count() == 1 and sorted(adj.statements.get().source_statement_ids) == sorted(ids)


def test_prelabel_lines_name_each_claim_once(three_way):
    task, claim = three_way["task"], three_way["claim"]
    pset = PredictionSet.objects.create(task=task, model_name="m", model_version="1")
    favor = StanceLabel.objects.get(project=task.project, value="favor")
    common = {"prediction_set": pset, "task": task, "model_name": "m", "model_version": "1"}
    Prediction.objects.create(**common, kind="claim", claim=claim, score=0.8)
    Prediction.objects.create(**common, kind="stance", claim=claim, stance=favor, actor=three_way["actor"], score=0.7)
    Prediction.objects.create(**common, kind="actor", actor=three_way["actor"], start=0, end=7, surface="x", score=0.9)
    lines = adjudication_view(task=task)["prediction_lines"]
    assert [line["claim"].pk for line in lines["claims"]] == [claim.pk]
    assert lines["claims"][0]["score"] == 0.8
    assert [(s["holder"], s["stance"]) for s in lines["claims"][0]["stances"]] == [(three_way["actor"].name, "favor")]
    assert [p.actor_id for p in lines["actors"]] == [three_way["actor"].pk]


def test_api_accept_agreed_answers_409_over_gold_and_400_when_nothing_is_agreed(three_way, manager, project):
    client = client_for(manager)
    task = three_way["task"]
    url = f"/api/tasks/{task.pk}/adjudication/accept-agreed/"
    first = client.post(url, {"reason": "r"}, format="json")
    assert first.status_code == 200, first.content
    body = first.json()
    assert len(body["gold"]["statements"]) == 1 and body["groups"][0]["agreed"] is True
    assert "more than half" in body["agreement_rule"]
    assert client.post(url, {}, format="json").status_code == 409
    assert client.post(url, {"replace": True}, format="json").status_code == 200
    lone = task_in(project)
    submit(lone, three_way["a"].annotator, [(three_way["actor"], three_way["claim"], "favor")])
    refused = client.post(f"/api/tasks/{lone.pk}/adjudication/accept-agreed/", {}, format="json")
    assert refused.status_code == 400 and "statement_ids" in refused.json()
