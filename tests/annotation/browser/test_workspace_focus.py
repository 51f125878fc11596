"""Single-key shortcuts are never eaten by a text field the annotator did not ask for: the exact key
sequences from the walkthrough (`a` then `s`, `a ] ] y 2`), and Esc clearing a statement in one press."""

import pytest
from playwright.sync_api import expect

from annotation.models import Annotation, Prediction, PredictionDecision, PredictionSet, Statement

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = "Beijing backs the pipeline deal, while Brussels doubts that sanctions against Russia work."
FOCUSED = "() => document.activeElement === document.body ? 'body' : document.activeElement.id"


def _suggestions(scene):
    task = scene.tasks[0]
    prediction_set = PredictionSet.objects.create(task=task, model_name="keywords", model_version="1")
    common = {"prediction_set": prediction_set, "task": task, "model_name": "keywords", "model_version": "1"}
    actor = Prediction.objects.create(**common, kind="actor", score=0.8, actor=scene.china, start=0, end=7)
    candidate = Prediction.objects.create(
        **common, kind="actor_candidate", score=0.5, start=39, end=47, surface="Brussels"
    )
    claim = Prediction.objects.create(**common, kind="claim", score=0.7, claim=scene.claim)
    return actor, candidate, claim


def test_a_then_bracket_bracket_y_2_makes_an_author_statement_from_the_claim_suggestion(
    transactional_db, live_server, page, artifacts_dir
):
    scene = build_scene(paragraphs=[TEXT])
    _actor, _candidate, claim = _suggestions(scene)
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#suggestion-list li")).to_have_count(3)

    page.keyboard.press("a")
    expect(page.locator("#c-actor-desc")).to_have_text("The article's author")
    assert page.evaluate(FOCUSED) == "body"  # not the claim box
    for key in ["]", "]", "y", "2"]:
        page.keyboard.press(key)
    expect(page.locator("#statements li")).to_have_count(1)
    expect(page.locator("#statements li").first).to_contain_text("Author")
    expect(page.locator("#statements li").first).to_contain_text("The pipeline deal is good")
    assert page.locator("#claim-input").input_value() == ""  # nothing was typed anywhere
    assert page.locator("#actor-input").input_value() == ""
    expect(page.locator("#save-status")).to_have_text("Saved")
    page.screenshot(path=str(artifacts_dir / "workspace-focus-author-claim-suggestion.png"))

    statement = Statement.objects.get(annotation__annotator=scene.annotator)
    assert (statement.actor_role, statement.claim_id, statement.stance.value) == ("author", scene.claim.pk, "against")
    assert statement.from_prediction_id == claim.pk
    assert PredictionDecision.objects.get(annotator=scene.annotator).prediction_id == claim.pk
    assert not page.errors, page.errors


def test_a_then_s_submits_after_asking_about_the_unfinished_statement(
    transactional_db, live_server, page, artifacts_dir
):
    scene = build_scene(paragraphs=[TEXT, "A second paragraph."])
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(TEXT)
    page.keyboard.press("n")  # no stance-bearing statement
    expect(page.locator("#no-statement")).to_be_checked()

    page.keyboard.press("a")
    page.keyboard.press("s")
    dialog = page.locator("#ws-discard")
    expect(dialog).to_be_visible()
    expect(page.locator("#ws-discard-what")).to_have_text("the author · no claim · no stance")
    assert page.locator("#claim-input").input_value() == ""  # "s" went to no field
    page.screenshot(path=str(artifacts_dir / "workspace-focus-submit-unfinished.png"))
    page.keyboard.press("Escape")  # keep editing: nothing is submitted, the statement stays
    expect(dialog).to_be_hidden()
    expect(page.locator("#c-actor-desc")).to_have_text("The article's author")

    page.keyboard.press("s")
    expect(dialog).to_be_visible()
    page.keyboard.press("Enter")  # submit without it
    expect(dialog).to_be_hidden()
    try:
        expect(page.locator("#paragraph")).to_have_text("A second paragraph.")
    except AssertionError as error:  # say what the page said instead
        shown = page.locator("#toast, #save-status").all_inner_texts()
        raise AssertionError(f"{error}\npage said: {shown}") from None
    annotation = Annotation.objects.get(annotator=scene.annotator, task=scene.tasks[0])
    assert annotation.status == Annotation.Status.SUBMITTED and annotation.no_statement
    assert not annotation.statements.exists()
    assert not page.errors, page.errors


def test_esc_clears_the_statement_in_progress_in_one_press_from_a_field_or_the_page(
    transactional_db, live_server, page
):
    scene = build_scene(paragraphs=[TEXT])
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(TEXT)

    # Words selected with the mouse: the actor box opens on them; one Esc drops the whole statement.
    page.evaluate("""() => {
        const node = document.querySelector('#paragraph').firstChild;
        const range = document.createRange();
        range.setStart(node, 0); range.setEnd(node, 7);
        getSelection().removeAllRanges(); getSelection().addRange(range);
        document.querySelector('#paragraph').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    expect(page.locator("#actor-input")).to_be_focused()
    expect(page.locator("#actor-list")).to_be_visible()
    expect(page.locator("#paragraph .m-pending")).to_have_text("Beijing")
    page.keyboard.press("Escape")
    expect(page.locator("#paragraph .m-pending")).to_have_count(0)
    expect(page.locator("#actor-list")).to_be_hidden()
    expect(page.locator("#c-hint")).not_to_contain_text("Still needed")
    assert page.evaluate(FOCUSED) == "body"

    # From the page: author, a claim chosen, then Esc: all of it goes at once.
    page.keyboard.press("a")
    page.keyboard.press("c")
    page.keyboard.type("pipeline")
    expect(page.locator("#claim-list li").first).to_contain_text("The pipeline deal is good")
    page.keyboard.press("Enter")
    expect(page.locator("#c-hint")).to_contain_text("Still needed: stance")
    page.keyboard.press("Escape")
    expect(page.locator("#c-hint")).not_to_contain_text("Still needed")
    expect(page.locator("#c-actor-desc")).not_to_have_text("The article's author")
    assert page.locator("#claim-input").input_value() == ""
    assert not page.errors, page.errors


def test_question_mark_opens_the_guidelines_over_the_task_and_esc_closes_them(
    transactional_db, live_server, page, artifacts_dir
):
    scene = build_scene(paragraphs=[TEXT])
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(TEXT)
    side = page.locator("#ws-side")
    expect(side).to_be_hidden()  # at 1280 px the task has the whole width
    page.keyboard.press("?")
    expect(side).to_be_visible()
    expect(page.locator(".guidelines-body strong").first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "workspace-help-panel.png"))
    page.keyboard.press("a")  # shortcuts still work with the panel open
    expect(page.locator("#c-actor-desc")).to_have_text("The article's author")
    page.keyboard.press("Escape")  # closes the panel first ...
    expect(side).to_be_hidden()
    expect(page.locator("#c-actor-desc")).to_have_text("The article's author")
    page.keyboard.press("Escape")  # ... then clears the statement
    expect(page.locator("#c-actor-desc")).not_to_have_text("The article's author")
    assert not page.errors, page.errors
