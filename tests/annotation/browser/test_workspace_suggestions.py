"""Suggestions never silently replace a choice, and a hand-made statement that repeats one closes it."""

import pytest
from playwright.sync_api import expect

from annotation.models import Prediction, PredictionDecision, PredictionSet, Statement
from tests.processes import wait_for

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = "Beijing backs the pipeline deal, while Brussels doubts that sanctions against Russia work."


def _suggest(scene, kind, score, **fields):
    prediction_set, _ = PredictionSet.objects.get_or_create(task=scene.tasks[0], model_name="m", model_version="1")
    return Prediction.objects.create(
        prediction_set=prediction_set,
        task=scene.tasks[0],
        model_name="m",
        model_version="1",
        kind=kind,
        score=score,
        **fields,
    )


def test_a_second_y_does_not_overwrite_the_first_actor_and_says_why(transactional_db, live_server, page, artifacts_dir):
    scene = build_scene(paragraphs=[TEXT])
    beijing = _suggest(scene, "actor", 0.8, actor=scene.china, start=0, end=7)
    brussels = _suggest(scene, "actor_candidate", 0.5, start=39, end=47, surface="Brussels")
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator(".sg-actors li")).to_have_count(2)

    page.keyboard.press("y")
    expect(page.locator("#c-actor-desc")).to_have_text("“Beijing” → China")
    page.keyboard.press("y")  # the next open one: another actor
    refusal = page.locator("#sg-refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("already has its actor (“Beijing”)")
    expect(page.locator("#c-actor-desc")).to_have_text("“Beijing” → China")  # unchanged
    expect(page.locator("#paragraph .m-pending")).to_have_text("Beijing")
    expect(page.locator("#sg-count")).to_have_text("(1 open of 2)")
    page.screenshot(path=str(artifacts_dir / "workspace-suggestion-refused.png"))
    wait_for(lambda: PredictionDecision.objects.filter(prediction=beijing).exists(), timeout=10, what="the accept")
    assert dict(PredictionDecision.objects.values_list("prediction_id", "decision")) == {beijing.pk: "accepted"}

    page.keyboard.press("Escape")  # clear the statement: the refusal goes, and now the accept works
    expect(refusal).to_be_hidden()
    page.keyboard.press("y")
    expect(page.locator("#c-actor-desc")).to_contain_text("“Brussels”")
    expect(page.locator("#paragraph .m-pending")).to_have_text("Brussels")
    assert page.evaluate("() => document.activeElement === document.body")  # y stays a shortcut
    expect(page.locator("#sg-count")).to_have_text("(0 open of 2)")
    wait_for(  # the decision is posted after the page has moved on
        lambda: PredictionDecision.objects.filter(prediction=brussels, decision="accepted").exists(),
        timeout=10,
        what="the accept to be recorded",
    )
    assert not page.errors, page.errors


def test_a_hand_made_statement_like_an_open_suggestion_accepts_it_on_submit(transactional_db, live_server, page):
    scene = build_scene(paragraphs=[TEXT, "Next."])
    claim = _suggest(scene, "claim", 0.7, claim=scene.claim)
    untouched = _suggest(scene, "actor_candidate", 0.5, start=39, end=47, surface="Brussels")
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#sg-count")).to_have_text("(2 open of 2)")

    # By hand, not with y: the author, the suggested claim typed in the claim box, favor.
    page.keyboard.press("a")
    page.keyboard.press("c")
    page.keyboard.type("pipeline")
    expect(page.locator("#claim-list li").first).to_contain_text("The pipeline deal is good")
    page.keyboard.press("Enter")
    page.keyboard.press("1")
    expect(page.locator("#statements li")).to_have_count(1)
    page.keyboard.press("s")
    expect(page.locator("#paragraph")).to_have_text("Next.")

    assert Statement.objects.get(annotation__annotator=scene.annotator).from_prediction_id is None
    decisions = dict(
        PredictionDecision.objects.filter(annotator=scene.annotator).values_list("prediction_id", "decision")
    )
    assert decisions == {claim.pk: "accepted"}  # the claim suggestion was right; the candidate stays open
    assert untouched.pk not in decisions
    assert not page.errors, page.errors
