"""Keyboard flows of the workspace: suggestions, author statements, undo, no-statement, skip, empty state."""

import pytest
from playwright.sync_api import expect

from annotation.models import (
    Annotation,
    Assignment,
    Prediction,
    PredictionDecision,
    PredictionSet,
    StanceLabel,
    Statement,
)

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = "Beijing backs the pipeline deal, while Brussels doubts that sanctions against Russia work."


def _predict(scene, task, **fields):
    prediction_set, _ = PredictionSet.objects.get_or_create(task=task, model_name="keywords", model_version="1")
    return Prediction.objects.create(
        prediction_set=prediction_set, task=task, model_name="keywords", model_version="1", **fields
    )


def test_suggestions_are_accepted_and_rejected_with_one_key(transactional_db, live_server, page, artifacts_dir):
    scene = build_scene(paragraphs=[TEXT])
    task = scene.tasks[0]
    favor = StanceLabel.objects.get(project=scene.project, value="favor")
    whole = _predict(
        scene,
        task,
        kind="statement",
        score=0.91,
        actor=scene.china,
        start=0,
        end=7,
        surface="Beijing",
        claim=scene.claim,
        stance=favor,
    )
    wrong = _predict(scene, task, kind="actor_candidate", score=0.40, start=39, end=47, surface="Brussels")
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")

    expect(page.locator("#suggestion-list li")).to_have_count(2)
    expect(page.locator("#paragraph .m-suggestion")).to_have_count(2)  # visibly marked in the text
    page.screenshot(path=str(artifacts_dir / "workspace-suggestions.png"), full_page=True)
    page.keyboard.press("y")  # the highest-scored suggestion is highlighted first
    expect(page.locator("#statements li")).to_have_count(1)
    expect(page.locator("#statements li").first).to_contain_text("from suggestion")
    page.keyboard.press("x")
    expect(page.locator("#suggestion-list li.decided")).to_have_count(2)
    # A second statement in the same paragraph: the author against another claim.
    page.keyboard.press("a")
    page.keyboard.press("c")  # the claim box opens only when asked
    page.keyboard.type("sanctions")
    expect(page.locator("#claim-list li").first).to_contain_text("Sanctions against Russia work")
    page.keyboard.press("Enter")
    page.keyboard.press("2")
    expect(page.locator("#statements li")).to_have_count(2)
    expect(page.locator("#save-status")).to_have_text("Saved")

    page.keyboard.press("s")
    expect(page.locator("#ws")).to_have_attribute("data-state", "empty")
    expect(page.locator("#ws-empty")).to_contain_text("Nothing left for you here")

    decisions = dict(
        PredictionDecision.objects.filter(annotator=scene.annotator).values_list("prediction_id", "decision")
    )
    assert decisions == {whole.pk: "accepted", wrong.pk: "rejected"}
    statement, by_author = Statement.objects.filter(annotation__annotator=scene.annotator).order_by("position")
    assert (statement.actor_id, statement.actor_start, statement.actor_end) == (scene.china.pk, 0, 7)
    assert statement.claim_id == scene.claim.pk and statement.stance_id == favor.pk
    assert statement.from_prediction_id == whole.pk
    assert (by_author.actor_role, by_author.actor_id, by_author.claim.text, by_author.stance.value) == (
        "author",
        None,
        "Sanctions against Russia work",
        "against",
    )
    assert by_author.from_prediction_id is None
    assert not page.errors, page.errors


def test_author_statement_undo_no_statement_and_skip(transactional_db, live_server, page):
    scene = build_scene(paragraphs=[TEXT, "A second paragraph.", "A third paragraph."])
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(TEXT)

    # Author as actor (no span), claim by autocomplete, stance by key.
    page.keyboard.press("a")
    page.keyboard.press("c")  # the claim box opens only when asked
    expect(page.locator("#c-actor-desc")).to_have_text("The article's author")
    page.keyboard.type("sanctions")
    expect(page.locator("#claim-list li").first).to_contain_text("Sanctions against Russia work")
    page.keyboard.press("Enter")
    page.keyboard.press("2")
    expect(page.locator("#statements li")).to_have_count(1)
    expect(page.locator("#statements li").first).to_contain_text("Author")
    expect(page.locator("#save-status")).to_have_text("Saved")
    annotation = Annotation.objects.get(annotator=scene.annotator, task=scene.tasks[0])
    saved = Statement.objects.get(annotation=annotation)
    assert (saved.actor_role, saved.actor_id, saved.actor_start, saved.stance.value) == (
        "author",
        None,
        None,
        "against",
    )

    # Undo takes back the last key (the stance): the statement goes, the draft on the server follows,
    # and the composer is back to author + claim, waiting for a stance; Esc clears it.
    page.keyboard.press("Control+z")
    expect(page.locator("#statements li")).to_have_count(0)
    expect(page.locator("#save-status")).to_have_text("Saved")
    assert not Statement.objects.filter(annotation=annotation).exists()
    expect(page.locator("#c-hint")).to_contain_text("Still needed: stance")
    page.keyboard.press("Escape")
    expect(page.locator("#c-hint")).not_to_contain_text("Still needed")

    # Submitting an empty paragraph is refused until it is marked "no stance-bearing statement".
    page.keyboard.press("s")
    expect(page.locator("#toast")).to_contain_text("press n")
    expect(page.locator("#paragraph")).to_have_text(TEXT)
    page.keyboard.press("n")
    expect(page.locator("#no-statement")).to_be_checked()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#paragraph")).to_have_text("A second paragraph.")
    annotation.refresh_from_db()
    assert annotation.status == Annotation.Status.SUBMITTED and annotation.no_statement

    page.keyboard.press("k")
    expect(page.locator("#paragraph")).to_have_text("A third paragraph.")
    skipped = Assignment.objects.get(annotator=scene.annotator, task=scene.tasks[1])
    assert skipped.status == Assignment.Status.SKIPPED
    expect(page.locator("#ws-progress-text")).to_contain_text("1 done · 1 remaining")  # a skip is not done
    assert not page.errors, page.errors
