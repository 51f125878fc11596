import pytest
from django.core.exceptions import ValidationError

from annotation.models import Actor, AnnotationRevision, Claim, GoldStatement, Prediction, PredictionSet, Statement
from annotation.models.gold import Adjudication
from annotation.selectors.annotations import registry_list
from annotation.services.annotations import annotation_save, annotation_submit
from annotation.services.assignment import assignment_claim_next
from annotation.services.registry import (
    actor_approve,
    actor_create,
    actor_merge,
    actor_update,
    claim_create,
    claim_merge,
)
from tests.factories import ActorFactory, ClaimFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_annotator_proposes_and_manager_approves(project, annotator, manager):
    actor = actor_create(
        project=project, name="  NATO ", type="organisation", aliases=["the Alliance"], user=annotator, role="annotator"
    )
    assert (actor.name, actor.status) == ("NATO", "proposed")
    assert actor_approve(actor=actor).status == "approved"
    direct = actor_create(project=project, name="EU", user=manager, role="manager")
    assert direct.status == "approved"


def test_duplicate_names_are_refused_case_insensitively(project, manager):
    actor_create(project=project, name="China", user=manager, role="manager")
    with pytest.raises(ValidationError) as exc:
        actor_create(project=project, name="china", user=manager, role="manager")
    assert "already exists" in exc.value.message_dict["name"][0]
    claim_create(project=project, text="Sanctions  work", user=manager, role="manager")
    with pytest.raises(ValidationError):
        claim_create(project=project, text="sanctions work", user=manager, role="manager")


def test_rename_keeps_the_old_name_as_an_alias_for_search(project, manager):
    actor = actor_create(project=project, name="PRC", user=manager, role="manager")
    actor_update(actor=actor, name="China")
    assert list(registry_list(model=Actor, project=project, search="prc")) == [actor]


def test_search_matches_aliases(project, manager):
    actor = actor_create(
        project=project, name="Russia", aliases=["the Kremlin", "Moscow"], user=manager, role="manager"
    )
    actor_create(project=project, name="Ukraine", user=manager, role="manager")
    assert list(registry_list(model=Actor, project=project, search="kreml")) == [actor]


def _submitted_with(project, user, actor, claim):
    assignment = assignment_claim_next(user=user, project=project)
    annotation = assignment.annotation
    annotation_submit(
        annotation=annotation,
        user=user,
        revision=annotation.revision,
        statements=[
            {
                "actor_role": "mention",
                "actor": actor.pk,
                "actor_start": 0,
                "actor_end": 7,
                "claim": claim.pk,
                "stance": "favor",
            }
        ],
    )
    return annotation


def test_merge_repoints_statements_gold_and_predictions_and_records_history(project, tasks, manager):
    keep, dup = ActorFactory(project=project, name="China"), ActorFactory(project=project, name="PRC")
    claim = ClaimFactory(project=project)
    users = [MembershipFactory(project=project, user=UserFactory(), role="annotator").user for _ in range(2)]
    submitted = _submitted_with(project, users[0], dup, claim)
    draft = assignment_claim_next(user=users[1], project=project).annotation
    annotation_save(
        annotation=draft,
        user=users[1],
        revision=0,
        statements=[
            {
                "actor_role": "mention",
                "actor": dup.pk,
                "actor_start": 0,
                "actor_end": 7,
                "claim": claim.pk,
                "stance": "against",
            }
        ],
    )
    adjudication = Adjudication.objects.create(task=tasks[0])
    gold = GoldStatement.objects.create(
        adjudication=adjudication,
        actor=dup,
        actor_start=0,
        actor_end=7,
        claim=claim,
        stance=project.stance_labels.first(),
    )
    pset = PredictionSet.objects.create(task=tasks[0], model_name="m", model_version="1")
    pred = Prediction.objects.create(
        prediction_set=pset,
        task=tasks[0],
        kind="actor",
        model_name="m",
        model_version="1",
        score=0.9,
        actor=dup,
        start=0,
        end=7,
    )

    target = actor_merge(source=dup, into_id=keep.pk, user=manager)

    assert target == keep
    assert set(Statement.objects.values_list("actor_id", flat=True)) == {keep.pk}
    gold.refresh_from_db(), pred.refresh_from_db(), dup.refresh_from_db()
    assert gold.actor_id == keep.pk and pred.actor_id == keep.pk
    assert (dup.status, dup.merged_into_id) == ("merged", keep.pk)
    assert "PRC" in keep.aliases.values_list("alias", flat=True)
    rev = AnnotationRevision.objects.get(action="repoint")
    assert rev.annotation_id == submitted.pk and rev.changed_by == manager  # drafts are not history
    assert rev.before["statements"][0]["actor"] == dup.pk and rev.after["statements"][0]["actor"] == keep.pk


def test_merge_into_itself_or_a_merged_entry_or_another_project_is_refused(project, manager):
    a, b, c = (ClaimFactory(project=project) for _ in range(3))
    claim_merge(source=b, into_id=a.pk, user=manager)
    for source, into in [(a, a.pk), (c, b.pk), (c, ClaimFactory().pk)]:
        with pytest.raises(ValidationError) as exc:
            claim_merge(source=source, into_id=into, user=manager)
        assert "into" in exc.value.message_dict
    assert Claim.objects.get(pk=c.pk).status == "approved"


def test_merging_a_target_of_earlier_merges_keeps_chains_flat(project, manager):
    a, b, c = (ActorFactory(project=project) for _ in range(3))
    actor_merge(source=a, into_id=b.pk, user=manager)
    actor_merge(source=b, into_id=c.pk, user=manager)
    assert Actor.objects.get(pk=a.pk).merged_into_id == c.pk
