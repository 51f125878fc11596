import pytest

from annotation.models import Annotation, AnnotationRevision, Statement, Task
from annotation.services.annotations import annotation_save, annotation_skip, annotation_submit
from annotation.services.assignment import assignment_claim_next
from annotation.services.exceptions import ConflictError, StatementsInvalid
from annotation.services.registry import actor_merge, claim_merge
from annotation.services.statement_edits import statement_create, statement_delete
from tests.factories import ActorFactory, ClaimFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(project, tasks, annotator):
    assignment = assignment_claim_next(user=annotator, project=project)
    return Annotation.objects.get(task_id=assignment.task_id, annotator=annotator)


def mention(actor, claim, start=0, end=7, stance="favor", **extra):
    return {
        "actor_role": "mention",
        "actor": actor.pk,
        "actor_start": start,
        "actor_end": end,
        "claim": claim.pk,
        "stance": stance,
        **extra,
    }


def errors_of(exc) -> dict:
    return exc.value.api_detail


def test_save_draft_stores_statements_and_bumps_revision(draft, annotator, actor, claim):
    saved = annotation_save(annotation=draft, user=annotator, revision=0, statements=[mention(actor, claim)])
    st = Statement.objects.get(annotation=draft)
    assert (saved.revision, saved.status) == (1, "draft")
    assert (st.actor_id, st.actor_start, st.actor_end, st.claim_id, st.stance.value) == (
        actor.pk,
        0,
        7,
        claim.pk,
        "favor",
    )
    assert not AnnotationRevision.objects.filter(annotation=draft).exists()  # drafts are not history


def test_stale_revision_is_refused_and_changes_nothing(draft, annotator, actor, claim):
    annotation_save(annotation=draft, user=annotator, revision=0, statements=[mention(actor, claim)])
    with pytest.raises(ConflictError) as exc:
        annotation_save(annotation=draft, user=annotator, revision=0, statements=[])
    assert exc.value.detail["revision"] == 1
    assert Statement.objects.filter(annotation=draft).count() == 1


@pytest.mark.parametrize(
    "statement, field",
    [
        ({"actor_start": 0, "actor_end": 500}, "actor_start"),  # beyond the paragraph
        ({"actor_start": 7, "actor_end": 8}, "actor_start"),  # a lone space
        ({"actor_start": 5, "actor_end": 5}, "actor_start"),  # empty
        ({"actor_start": None, "actor_end": None}, "actor_start"),  # mention without span
        ({"actor": None}, "actor"),  # mention without actor
        ({"actor": 999999}, "actor"),
        ({"claim": 999999}, "claim"),
        ({"stance": "maybe"}, "stance"),
        ({"evidence_start": 3, "evidence_end": None}, "evidence_start"),
        ({"from_prediction": 424242}, "from_prediction"),
        ({"actor_role": "author"}, "actor_start"),  # author with a span
    ],
)
def test_invalid_statements_get_field_level_errors(draft, annotator, actor, claim, statement, field):
    with pytest.raises(StatementsInvalid) as exc:
        annotation_save(
            annotation=draft,
            user=annotator,
            revision=0,
            statements=[mention(actor, claim), {**mention(actor, claim, stance="against"), **statement}],
        )
    errs = errors_of(exc)["statements"]
    assert errs[0] == {} and field in errs[1]
    assert not Statement.objects.filter(annotation=draft).exists()


def test_actor_and_claim_of_another_project_are_unknown(draft, annotator):
    other = ProjectFactory()
    with pytest.raises(StatementsInvalid) as exc:
        annotation_save(
            annotation=draft,
            user=annotator,
            revision=0,
            statements=[mention(ActorFactory(project=other), ClaimFactory(project=other))],
        )
    assert set(errors_of(exc)["statements"][0]) == {"actor", "claim"}


def test_author_and_implied_actors_need_no_span(draft, annotator, actor, claim):
    annotation_save(
        annotation=draft,
        user=annotator,
        revision=0,
        statements=[
            {"actor_role": "author", "claim": claim.pk, "stance": "against"},
            {"actor_role": "implied", "actor": actor.pk, "claim": claim.pk, "stance": "neutral"},
        ],
    )
    assert list(Statement.objects.filter(annotation=draft).values_list("actor_role", "actor_start")) == [
        ("author", None),
        ("implied", None),
    ]


def test_merged_actor_and_claim_redirect_to_the_survivor(draft, annotator, project, manager, actor, claim):
    dup_actor, dup_claim = ActorFactory(project=project, name="PRC"), ClaimFactory(project=project, text="deal good")
    actor_merge(source=dup_actor, into_id=actor.pk, user=manager)
    claim_merge(source=dup_claim, into_id=claim.pk, user=manager)
    annotation_save(annotation=draft, user=annotator, revision=0, statements=[mention(dup_actor, dup_claim)])
    st = Statement.objects.get(annotation=draft)
    assert (st.actor_id, st.claim_id) == (actor.pk, claim.pk)


def test_duplicate_statements_are_refused(draft, annotator, actor, claim):
    with pytest.raises(StatementsInvalid) as exc:
        annotation_save(
            annotation=draft,
            user=annotator,
            revision=0,
            statements=[mention(actor, claim), mention(actor, claim, stance="against")],
        )
    assert "claim" in errors_of(exc)["statements"][1]


def test_submit_needs_a_statement_or_the_no_statement_flag(draft, annotator, actor, claim):
    with pytest.raises(StatementsInvalid):
        annotation_submit(annotation=draft, user=annotator, revision=0, statements=[])
    with pytest.raises(StatementsInvalid):
        annotation_submit(
            annotation=draft, user=annotator, revision=0, statements=[mention(actor, claim)], no_statement=True
        )


def test_submit_counts_once_and_records_history(draft, annotator, actor, claim):
    annotation_save(annotation=draft, user=annotator, revision=0, statements=[mention(actor, claim)])
    submitted = annotation_submit(
        annotation=draft, user=annotator, revision=1, statements=[mention(actor, claim)], time_spent_ms=4200
    )
    assert submitted.status == "submitted" and submitted.submitted_at is not None
    task = Task.objects.get(pk=draft.task_id)
    assert task.submitted_count == 1
    rev = AnnotationRevision.objects.get(annotation=draft)
    assert rev.action == "submit" and rev.changed_by == annotator
    assert rev.before["status"] == "draft" and rev.after["status"] == "submitted"
    assert rev.after["statements"][0]["actor"] == actor.pk
    # Submitting again is an edit: no second count.
    annotation_submit(
        annotation=draft, user=annotator, revision=2, statements=[mention(actor, claim, stance="against")]
    )
    assert Task.objects.get(pk=draft.task_id).submitted_count == 1
    assert list(AnnotationRevision.objects.filter(annotation=draft).values_list("action", flat=True)) == [
        "submit",
        "edit",
    ]


def test_every_edit_of_a_submitted_annotation_is_kept_with_before_and_after(draft, annotator, actor, claim):
    annotation_submit(annotation=draft, user=annotator, revision=0, statements=[mention(actor, claim)])
    annotation_save(annotation=draft, user=annotator, revision=1, statements=[mention(actor, claim, stance="against")])
    statement_create(
        annotation=draft,
        user=annotator,
        data={"actor_role": "author", "claim": claim.pk, "stance": "neutral"},
        revision=2,
    )
    edits = list(AnnotationRevision.objects.filter(annotation=draft, action="edit").order_by("id"))
    assert len(edits) == 2
    assert edits[0].before["statements"][0]["stance"] == "favor"
    assert edits[0].after["statements"][0]["stance"] == "against"
    assert len(edits[1].before["statements"]) == 1 and len(edits[1].after["statements"]) == 2
    assert Annotation.objects.get(pk=draft.pk).status == "submitted"


def test_last_statement_of_a_submitted_annotation_cannot_be_deleted(draft, annotator, actor, claim):
    annotation_submit(annotation=draft, user=annotator, revision=0, statements=[mention(actor, claim)])
    with pytest.raises(StatementsInvalid):
        statement_delete(statement=Statement.objects.get(annotation=draft), user=annotator)


def test_skip_keeps_the_draft_and_frees_the_task(draft, annotator, actor, claim):
    annotation_save(annotation=draft, user=annotator, revision=0, statements=[mention(actor, claim)])
    skipped = annotation_skip(annotation=draft, user=annotator)
    assert skipped.status == "skipped"
    assert Statement.objects.filter(annotation=draft).count() == 1
    assert AnnotationRevision.objects.get(annotation=draft).action == "skip"
    assert draft.assignment.__class__.objects.get(pk=draft.assignment_id).status == "skipped"


def test_a_submitted_annotation_cannot_be_skipped(draft, annotator):
    annotation_submit(annotation=draft, user=annotator, revision=0, statements=[], no_statement=True)
    with pytest.raises(StatementsInvalid):
        annotation_skip(annotation=draft, user=annotator)
