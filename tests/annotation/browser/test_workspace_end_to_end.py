"""An annotator labels a paragraph with the mouse and the keyboard; the database holds exactly that."""

import pytest
from playwright.sync_api import expect

from annotation.models import Annotation, Statement

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# An astral emoji before the actor: JavaScript counts it as 2 UTF-16 units, Python as 1 code point.
FIRST = "🌍 Officials in Beijing said on Monday that the pipeline deal is “good for both sides”."
CONTEXT_BEFORE = "Moscow, 3 March — Talks resumed after a week."
SECOND = "Critics in Brussels said the deal would hurt Europe."


def drag_select(page, selector: str, words: str) -> None:
    """Press the mouse before the first character of `words` and release it after the last one."""
    box = page.evaluate(
        """([selector, words]) => {
            const root = document.querySelector(selector);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(words);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at); range.setEnd(node, at + 1);
                const first = range.getBoundingClientRect();
                range.setStart(node, at + words.length - 1); range.setEnd(node, at + words.length);
                const last = range.getBoundingClientRect();
                return {x1: first.left + 1, x2: last.right - 1, y: (first.top + first.bottom) / 2};
            }
            return null;
        }""",
        [selector, words],
    )
    assert box, f"{words!r} is not in {selector}"
    page.mouse.move(box["x1"], box["y"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y"], steps=8)
    page.mouse.up()


def test_annotator_labels_a_span_with_mouse_and_keys_and_lands_on_the_next_task(
    transactional_db, live_server, page, artifacts_dir
):
    scene = build_scene(paragraphs=[CONTEXT_BEFORE, FIRST, SECOND], task_positions=[1, 2])
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")

    expect(page.locator("#ws")).to_have_attribute("data-state", "task")
    expect(page.locator("#paragraph")).to_have_text(FIRST)
    expect(page.locator("#ctx-prev")).to_have_text(CONTEXT_BEFORE)
    expect(page.locator("#ctx-next")).to_have_text(SECOND)
    expect(page.locator("#ws-title")).to_have_text("Pipeline talks")
    expect(page.locator(".guidelines-body strong").first).to_have_text("who")

    drag_select(page, "#paragraph", "Beijing")
    expect(page.locator("#c-actor-desc")).to_contain_text("“Beijing”")
    expect(page.locator("#actor-input")).to_be_focused()
    expect(page.locator("#actor-list li").first).to_contain_text("China")  # found through its alias
    page.keyboard.press("Enter")
    expect(page.locator("#actor-input")).not_to_be_focused()  # keys are shortcuts again
    page.keyboard.press("Enter")  # Enter outside a field: on to what the statement still needs

    expect(page.locator("#claim-input")).to_be_focused()
    page.keyboard.type("pipeline")
    expect(page.locator("#claim-list li").first).to_contain_text("The pipeline deal is good")
    page.keyboard.press("Enter")
    page.keyboard.press("1")  # the project's key for "favor"

    expect(page.locator("#statements li")).to_have_count(1)
    expect(page.locator("#statements li").first).to_contain_text("China")
    expect(page.locator("#save-status")).to_have_text("Saved")
    page.screenshot(path=str(artifacts_dir / "workspace-e2e-before-submit.png"), full_page=True)

    page.keyboard.press("Control+Enter")
    expect(page.locator("#paragraph")).to_have_text(SECOND)
    expect(page.locator("#statements li")).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "workspace-e2e-next-task.png"), full_page=True)
    assert not page.errors, page.errors

    statements = list(
        Statement.objects.filter(annotation__annotator=scene.annotator).select_related("annotation", "stance")
    )
    assert len(statements) == 1
    statement = statements[0]
    start = FIRST.index("Beijing")  # code points, as Python counts
    assert (statement.actor_start, statement.actor_end) == (start, start + len("Beijing"))
    assert FIRST[statement.actor_start : statement.actor_end] == "Beijing"
    assert statement.actor_role == "mention"
    assert statement.actor_id == scene.china.pk
    assert statement.claim_id == scene.claim.pk
    assert statement.stance.value == "favor"
    assert statement.annotation.task_id == scene.tasks[0].pk
    assert statement.annotation.status == Annotation.Status.SUBMITTED
    assert statement.annotation.time_spent_ms > 0
    assert Annotation.objects.filter(annotator=scene.annotator, status=Annotation.Status.SUBMITTED).count() == 1
