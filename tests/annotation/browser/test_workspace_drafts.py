"""Drafts: proposing a new actor from the autocomplete, and a stale tab that is refused, not applied."""

import pytest
from playwright.sync_api import expect

from annotation.models import Actor, Annotation, Statement

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = "The Kremlin's spokesperson said the pipeline deal is good."


def test_annotator_proposes_a_new_actor_and_uses_it_at_once(transactional_db, live_server, page):
    scene = build_scene(paragraphs=[TEXT])
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(TEXT)

    page.evaluate("""() => {  // select "The Kremlin's spokesperson" programmatically, as a mouse would
        const node = document.querySelector('#paragraph').firstChild;
        const range = document.createRange();
        range.setStart(node, 0); range.setEnd(node, "The Kremlin's spokesperson".length);
        getSelection().removeAllRanges(); getSelection().addRange(range);
        document.querySelector('#paragraph').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    expect(page.locator("#actor-input")).to_have_value("The Kremlin's spokesperson")
    proposal = page.locator("#actor-list li.propose")
    expect(proposal).to_contain_text("Propose new actor “The Kremlin's spokesperson”")
    expect(page.locator("#actor-list li.active.propose")).to_have_count(1)  # nothing else matched
    page.keyboard.press("Enter")
    expect(page.locator("#actor-input")).not_to_be_focused()  # keys are shortcuts again
    page.keyboard.press("c")
    expect(page.locator("#claim-input")).to_be_focused()
    page.keyboard.type("pipeline")
    expect(page.locator("#claim-list li").first).to_contain_text("The pipeline deal is good")
    page.keyboard.press("Enter")
    page.keyboard.press("3")
    expect(page.locator("#save-status")).to_have_text("Saved")

    actor = Actor.objects.get(project=scene.project, name="The Kremlin's spokesperson")
    assert (actor.status, actor.type, actor.proposed_by_id) == ("proposed", "person", scene.annotator.pk)
    statement = Statement.objects.get(annotation__annotator=scene.annotator)
    assert (statement.actor_id, statement.actor_start, statement.actor_end) == (actor.pk, 0, 26)
    assert statement.stance.value == "neutral"
    assert statement.annotation.status == Annotation.Status.DRAFT  # saved, not submitted
    assert not page.errors, page.errors


def test_a_stale_second_tab_gets_a_conflict_and_does_not_overwrite(transactional_db, live_server, new_page):
    scene = build_scene(paragraphs=[TEXT])
    first = new_page()
    log_in(first, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    second = first.context.new_page()
    second.errors = []
    second.goto(f"{live_server.url}/projects/{scene.project.pk}/annotate/")
    expect(second.locator("#paragraph")).to_have_text(TEXT)  # the same lease, resumed
    expect(first.locator("#paragraph")).to_have_text(TEXT)

    first.keyboard.press("a")

    first.keyboard.press("c")  # the claim box opens only when asked
    first.keyboard.type("pipeline")
    expect(first.locator("#claim-list li").first).to_contain_text("The pipeline deal is good")
    first.keyboard.press("Enter")
    first.keyboard.press("1")
    expect(first.locator("#save-status")).to_have_text("Saved")

    second.keyboard.press("n")  # an edit made on the old revision
    expect(second.locator("#save-status")).to_contain_text("Conflict")
    annotation = Annotation.objects.get(annotator=scene.annotator)
    assert not annotation.no_statement
    assert list(annotation.statements.values_list("actor_role", "stance__value")) == [("author", "favor")]


def _select(page, words: str) -> None:
    page.evaluate(
        """(words) => {
        const root = document.querySelector('#paragraph');
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(words);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at); range.setEnd(node, at + words.length);
            getSelection().removeAllRanges(); getSelection().addRange(range);
            root.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
            return;
        }
        throw new Error('not found: ' + words);
    }""",
        words,
    )


def test_evidence_span_and_note_are_saved_with_the_statement(transactional_db, live_server, page):
    scene = build_scene(paragraphs=[TEXT])
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(TEXT)

    page.keyboard.press("e")
    expect(page.locator("#paragraph")).to_have_class("paragraph evidence-mode")
    _select(page, "the pipeline deal is good")
    expect(page.locator("#c-evidence-desc")).to_have_text("“the pipeline deal is good”")
    page.keyboard.press("a")
    page.keyboard.press("c")  # the claim box opens only when asked
    page.keyboard.type("pipeline")
    expect(page.locator("#claim-list li").first).to_contain_text("The pipeline deal is good")
    page.keyboard.press("Enter")
    page.keyboard.press("1")
    expect(page.locator("#statements li")).to_contain_text("evidence: “the pipeline deal is good”")
    page.fill(".st-note", "quoted, not paraphrased")
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_have_text("Saved")

    statement = Statement.objects.get(annotation__annotator=scene.annotator)
    start = TEXT.index("the pipeline deal is good")
    assert (statement.evidence_start, statement.evidence_end) == (start, start + len("the pipeline deal is good"))
    assert statement.note == "quoted, not paraphrased"
    assert statement.actor_role == "author"
    assert not page.errors, page.errors


def test_a_logged_out_annotator_is_told_and_offered_the_login_page(transactional_db, live_server, page):
    scene = build_scene(paragraphs=[TEXT])
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(TEXT)
    page.context.clear_cookies()  # the session ends (logout in another tab, expiry)

    page.keyboard.press("n")
    expect(page.locator("#ws-error")).to_contain_text("You are logged out")
    link = page.get_by_role("link", name="Log in again")
    assert link.get_attribute("href") == f"/accounts/login/?next=%2Fprojects%2F{scene.project.pk}%2Fannotate%2F"
    assert not Annotation.objects.get(annotator=scene.annotator).no_statement
