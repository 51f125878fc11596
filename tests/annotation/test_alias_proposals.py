"""Spans annotators linked to an actor become alias proposals; an approved one is matched by the
tagger in the next job (role aliases: "the Russian president")."""

import pytest
from django.core.exceptions import ValidationError

from annotation.models import Actor, ActorAlias
from annotation.prelabel.actors import ActorTagger
from annotation.services.alias_proposals import alias_proposal_approve, alias_proposals
from annotation.services.pipeline_config import pipeline_config_for
from tests.factories import AnnotationFactory, ClaimFactory, StatementFactory, TaskFactory


def _label(project, annotator, claim, actor, text, span, *, status="submitted"):
    task = TaskFactory(project=project, paragraph__text=text)
    annotation = AnnotationFactory(task=task, annotator=annotator, status=status)
    start = text.index(span)
    StatementFactory(
        annotation=annotation,
        actor_role="mention",
        actor=actor,
        actor_start=start,
        actor_end=start + len(span),
        claim=claim,
        stance=project.stance_labels.get(value="favor"),
    )


@pytest.fixture
def registry(project):
    putin = Actor.objects.create(project=project, name="Vladimir Putin", status="approved")
    ActorAlias.objects.create(actor=putin, alias="Putin", normalized="putin")
    russia = Actor.objects.create(project=project, name="Russia", status="approved")
    ActorAlias.objects.create(actor=russia, alias="Moscow", normalized="moscow")
    return putin, russia


def test_linked_spans_the_registry_lacks_are_proposed_most_labelled_first(project, annotator, registry):
    putin, russia = registry
    claim = ClaimFactory(project=project)
    _label(project, annotator, claim, putin, "The Russian president said the deal was close.", "The Russian president")
    _label(project, annotator, claim, putin, "Later the Russian president  added more.", "the Russian president")
    _label(project, annotator, claim, putin, "Putin said so.", "Putin")  # already an alias
    _label(project, annotator, claim, russia, "The Kremlin denied it.", "The Kremlin")
    _label(project, annotator, claim, russia, "Moscow denied it.", "Moscow")  # known
    _label(project, annotator, claim, russia, "Putin spoke for the state.", "Putin")  # another actor's alias
    _label(
        project,
        annotator,
        claim,
        putin,
        "A draft said the Russian president agreed.",
        "the Russian president",
        status="draft",
    )  # not submitted: ignored
    proposals = alias_proposals(project=project)
    assert [(p.actor_id, p.normalized, p.count) for p in proposals] == [
        (putin.pk, "the russian president", 2),
        (russia.pk, "the kremlin", 1),
    ]
    assert proposals[0].alias in ("The Russian president", "the Russian president")
    assert "Russian president" in proposals[0].example
    assert alias_proposals(project=project, min_count=2)[0].normalized == "the russian president"


def test_an_approved_proposal_is_an_alias_the_tagger_matches(project, annotator, registry):
    putin, _ = registry
    claim = ClaimFactory(project=project)
    _label(project, annotator, claim, putin, "The Russian president said the deal was close.", "The Russian president")
    proposal = alias_proposals(project=project)[0]
    alias = alias_proposal_approve(actor=putin, alias=proposal.alias)
    assert alias.pk and alias.normalized == "the russian president"
    assert alias_proposals(project=project) == []  # known now: no longer proposed
    assert alias_proposal_approve(actor=putin, alias="the  Russian president").pk == alias.pk  # idempotent
    tagger = ActorTagger(pipeline_config_for(project=project, stance_version=None).actors, candidates=False)
    found = tagger.predict(["Yesterday the Russian president met the envoy."])[0]
    assert [(s.label, s.surface) for s in found] == [(str(putin.pk), "the Russian president")]


@pytest.mark.parametrize(
    "alias, message",
    [("  ", "blank"), ("x" * 81, "at most"), ("Moscow", "another actor"), ("vladimir putin", "this actor.s name")],
)
def test_bad_aliases_are_refused_and_nothing_is_written(project, registry, alias, message):
    putin, _ = registry
    before = ActorAlias.objects.count()
    with pytest.raises(ValidationError, match=message):
        alias_proposal_approve(actor=putin, alias=alias)
    assert ActorAlias.objects.count() == before


def test_managers_list_and_approve_proposals_through_the_api(project, manager, annotator, registry):
    from tests.conftest import client_for

    putin, russia = registry
    claim = ClaimFactory(project=project)
    _label(project, annotator, claim, putin, "The Russian president said the deal was close.", "The Russian president")
    client = client_for(manager)
    listed = client.get(f"/api/projects/{project.pk}/alias-proposals/")
    assert listed.status_code == 200
    assert [(r["actor_id"], r["alias"], r["count"]) for r in listed.json()["results"]] == [
        (putin.pk, "The Russian president", 1)
    ]
    added = client.post(f"/api/actors/{putin.pk}/aliases/", {"alias": "The Russian president"}, format="json")
    assert added.status_code == 201 and "The Russian president" in str(added.json())
    assert client.get(f"/api/projects/{project.pk}/alias-proposals/").json()["results"] == []
    clash = client.post(f"/api/actors/{russia.pk}/aliases/", {"alias": "putin"}, format="json")
    assert clash.status_code == 400 and "another actor" in str(clash.json())
    assert not russia.aliases.filter(normalized="putin").exists()
    assert client_for(annotator).get(f"/api/projects/{project.pk}/alias-proposals/").status_code == 403
