"""Adjudication service, API permissions and shape, and pages."""

import pytest
from django.urls import reverse

from annotation.models import Adjudication, GoldStatement
from annotation.services.adjudication import GoldExists, adjudication_pick, adjudication_save
from tests.conftest import client_for
from tests.exports.builders import submit, task_in
from tests.factories import ActorFactory, ClaimFactory, UserFactory


@pytest.fixture
def disputed(project, annotator, second_annotator):
    actor, claim = ActorFactory(project=project), ClaimFactory(project=project)
    task = task_in(project)
    a = submit(task, annotator, [(actor, claim, "favor")])
    b = submit(task, second_annotator, [(actor, claim, "against"), (None, claim, "neutral")])
    return {"task": task, "actor": actor, "claim": claim, "a": a, "b": b}


def test_pick_merges_statements_of_several_annotators_with_their_sources(disputed, manager):
    s_a = disputed["a"].statements.get()
    s_author = disputed["b"].statements.get(actor_role="author")
    adj = adjudication_pick(
        task=disputed["task"],
        adjudicator=manager,
        statement_ids=[s_a.pk, s_author.pk],
        reason="A is right on the actor",
    )
    gold = list(adj.statements.order_by("position"))
    assert [(g.actor_role, g.stance.value, g.source_statement_ids) for g in gold] == [
        ("mention", "favor", [s_a.pk]),
        ("author", "neutral", [s_author.pk]),
    ]
    assert adj.reason == "A is right on the actor" and adj.adjudicator == manager


def test_saving_over_gold_without_replace_is_refused_and_writes_nothing(disputed, manager):
    task, actor, claim = disputed["task"], disputed["actor"], disputed["claim"]
    item = {
        "actor_role": "mention",
        "actor": actor.pk,
        "actor_start": 0,
        "actor_end": 7,
        "claim": claim.pk,
        "stance": "favor",
    }
    adjudication_save(task=task, adjudicator=manager, statements=[item])
    versions = Adjudication.history.filter(task_id=task.pk).count()
    with pytest.raises(GoldExists):
        adjudication_save(task=task, adjudicator=manager, statements=[{**item, "stance": "against"}])
    assert [g.stance.value for g in GoldStatement.objects.filter(adjudication__task=task)] == ["favor"]
    assert Adjudication.history.filter(task_id=task.pk).count() == versions


def test_saving_again_replaces_gold_and_keeps_history(disputed, manager):
    task, actor, claim = disputed["task"], disputed["actor"], disputed["claim"]
    item = {
        "actor_role": "mention",
        "actor": actor.pk,
        "actor_start": 0,
        "actor_end": 7,
        "claim": claim.pk,
        "stance": "favor",
    }
    adjudication_save(task=task, adjudicator=manager, statements=[item])
    adjudication_save(
        task=task, adjudicator=manager, statements=[{**item, "stance": "against"}], reason="edit", replace=True
    )
    assert [g.stance.value for g in GoldStatement.objects.filter(adjudication__task=task)] == ["against"]
    history = Adjudication.history.filter(task_id=task.pk).order_by("-history_date")
    assert history.count() >= 2 and history.first().reason == "edit"
    assert GoldStatement.history.filter(stance__value="favor").exists()


def test_bad_items_are_refused_by_name_and_nothing_is_written(disputed, manager):
    from django.core.exceptions import ValidationError

    other_claim = ClaimFactory()  # another project's claim
    with pytest.raises(ValidationError) as err:
        adjudication_save(
            task=disputed["task"],
            adjudicator=manager,
            statements=[
                {"actor_role": "author", "claim": disputed["claim"].pk, "stance": "favor"},
                {"actor_role": "author", "claim": other_claim.pk, "stance": "maybe"},
            ],
        )
    assert "statements[1]" in err.value.message_dict
    assert "maybe" in str(err.value)
    assert not Adjudication.objects.exists()


def test_api_lets_a_manager_read_save_and_pick(disputed, manager):
    client = client_for(manager)
    task = disputed["task"]
    listing = client.get(f"/api/projects/{task.project_id}/adjudication/")
    assert listing.status_code == 200
    assert listing.json()["results"][0]["task"] == task.pk
    view = client.get(f"/api/tasks/{task.pk}/adjudication/").json()
    assert {a["annotator"] for a in view["annotations"]} == {"annotator", "annotator2"}
    assert view["gold"] is None and view["paragraph"]["text"]
    ids = [s["id"] for s in view["annotations"][0]["statements"]]
    picked = client.post(
        f"/api/tasks/{task.pk}/adjudication/pick/", {"statement_ids": ids, "reason": "r"}, format="json"
    )
    assert picked.status_code == 200 and len(picked.json()["gold"]["statements"]) == 1
    refused = client.put(f"/api/tasks/{task.pk}/adjudication/", {"no_statement": True, "statements": []}, format="json")
    assert refused.status_code == 409 and "replace" in refused.json()
    assert (
        client.post(f"/api/tasks/{task.pk}/adjudication/pick/", {"statement_ids": ids}, format="json").status_code
        == 409
    )
    assert len(client.get(f"/api/tasks/{task.pk}/adjudication/").json()["gold"]["statements"]) == 1
    saved = client.put(
        f"/api/tasks/{task.pk}/adjudication/", {"no_statement": True, "statements": [], "replace": True}, format="json"
    )
    assert saved.json()["gold"]["no_statement"] is True
    assert client.delete(f"/api/tasks/{task.pk}/adjudication/").status_code == 204
    assert client.get(f"/api/tasks/{task.pk}/adjudication/").json()["gold"] is None


def test_api_refuses_bad_input_with_a_field_error(disputed, manager):
    response = client_for(manager).put(
        f"/api/tasks/{disputed['task'].pk}/adjudication/",
        {"statements": [{"claim": disputed["claim"].pk, "stance": "nope", "actor_role": "author"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "statements[0]" in response.json()


def test_annotators_get_403_and_outsiders_404(disputed, annotator, outsider):
    task = disputed["task"]
    assert client_for(annotator).get(f"/api/tasks/{task.pk}/adjudication/").status_code == 403
    assert client_for(outsider).get(f"/api/tasks/{task.pk}/adjudication/").status_code == 404
    assert client_for(annotator).get(f"/api/projects/{task.project_id}/adjudication/").status_code == 403


def test_pages_render_for_managers_only(disputed, manager, annotator, client):
    task = disputed["task"]
    client.force_login(manager)
    page = client.get(reverse("annotation:adjudication-list", args=[task.project_id]))
    assert page.status_code == 200 and f"#{task.pk}" in page.content.decode()
    side = client.get(reverse("annotation:adjudicate", args=[task.pk]))
    assert side.status_code == 200
    assert "annotator2" in side.content.decode() and "Use selected as gold" in side.content.decode()
    client.force_login(annotator)
    assert client.get(reverse("annotation:adjudicate", args=[task.pk])).status_code == 403
    client.force_login(UserFactory(username="stranger"))
    assert client.get(reverse("annotation:adjudication-list", args=[task.project_id])).status_code == 404
