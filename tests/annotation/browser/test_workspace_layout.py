"""The annotator sees the paragraph, the suggestions, the statement being built (actor, claim box and
its dropdown, stance buttons) and the statement list at once, on the two commonest laptop screens,
without scrolling and with nothing under the sticky action bar."""

import pytest
from playwright.sync_api import expect

from annotation.models import Prediction, PredictionSet, StanceLabel

from .builders import build_scene
from .conftest import TABLET, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A typical news paragraph (about 90 words), with the paragraphs around it.
BEFORE = "Moscow, 3 March — Talks on the pipeline resumed on Monday after a week-long pause."
TEXT = (
    "Officials in Beijing said on Monday that the pipeline deal is good for both sides and would be signed "
    "before the summer, while the European Union warned that sanctions against Russia work only if every "
    "member state applies them. A spokesperson for the Kremlin dismissed the warning as interference, and "
    "analysts in Brussels said the deal would leave Europe more dependent on a single supplier for years."
)
AFTER = "The next round of talks is planned for April in Astana, the ministry said."
SCREENS = {"1280x800": {"width": 1280, "height": 800}, "1366x768": {"width": 1366, "height": 768}}

# Each element's box lies inside the viewport and the element itself is what the centre of its box
# shows (document.elementFromPoint is it or inside it): not scrolled away, not under the action bar.
VISIBLE = """(selectors) => selectors.flatMap((selector) => {
    const found = [...document.querySelectorAll(selector)];
    if (!found.length) return [`${selector}: none on the page`];
    return found.flatMap((node, i) => {
        const r = node.getBoundingClientRect();
        const [x1, y1, x2, y2] = [r.left, r.top, r.right, r.bottom].map(Math.round);
        const name = `${selector}[${i}] (${x1},${y1})-(${x2},${y2})`;
        if (r.width === 0 || r.height === 0) return [`${name}: not shown`];
        const inside = r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
        if (!inside) return [`${name}: outside the viewport`];
        const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
        return node.contains(hit) ? [] : [`${name}: covered by ${hit ? hit.outerHTML.slice(0, 80) : "nothing"}`];
    });
})"""
# Every label of the statement being built ends before the first thing in its row begins.
LABELS_CLEAR = """() => [...document.querySelectorAll('#composer .field-label')].flatMap((label) => {
    const row = label.nextElementSibling, a = label.getBoundingClientRect();
    if (!label.textContent.trim() || !row) return [];
    const first = row.firstElementChild.getBoundingClientRect();
    const range = document.createRange(); range.selectNodeContents(label);
    const text = range.getBoundingClientRect();
    return text.right <= first.left - 2 && a.right <= first.left ? [] : [`${label.textContent} runs into its row`];
})"""
ALWAYS = [
    "#paragraph",
    "#ctx-prev",
    "#suggestions h2",
    "#suggestion-list li",
    "#c-actor-desc",
    "#actor-input",
    "#claim-input",
    "#composer .stance-btn",
    "#statements li",
    ".ws-actions #submit",
]


def _suggest(scene, task):
    favor = StanceLabel.objects.get(project=scene.project, value="favor")
    prediction_set = PredictionSet.objects.create(task=task, model_name="pipeline", model_version="1")
    common = {"prediction_set": prediction_set, "task": task, "model_name": "pipeline", "model_version": "1"}
    start = TEXT.index("Beijing")
    Prediction.objects.create(
        **common,
        kind="statement",
        score=0.9,
        actor=scene.china,
        start=start,
        end=start + 7,
        claim=scene.claim,
        stance=favor,
    )
    Prediction.objects.create(**common, kind="actor", score=0.8, actor=scene.china, start=start, end=start + 7)
    Prediction.objects.create(**common, kind="claim", score=0.7, claim=scene.claim)
    eu = TEXT.index("European Union")
    Prediction.objects.create(
        **common, kind="actor_candidate", score=0.5, start=eu, end=eu + 14, surface="European Union"
    )
    kremlin = TEXT.index("the Kremlin")
    Prediction.objects.create(
        **common, kind="actor_candidate", score=0.4, start=kremlin, end=kremlin + 11, surface="the Kremlin"
    )


def test_at_768_px_the_submit_button_reads_submit_and_next_on_one_line(
    transactional_db, live_server, new_page, artifacts_dir
):
    scene = build_scene(paragraphs=[TEXT])
    page = new_page(TABLET)
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(TEXT)
    submit = page.locator("#submit")
    assert submit.inner_text().strip() == "Submit & next"  # the shortcut's "Ctrl + Enter" goes as a whole
    height = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('#submit')).lineHeight)")
    box = submit.bounding_box()
    assert box["height"] < 2 * height, box  # one line
    assert page.evaluate(LABELS_CLEAR) == []
    page.screenshot(path=str(artifacts_dir / "workspace-768.png"), full_page=True)
    # Here the page scrolls: c brings the claim box and its whole dropdown into view, clear of the bar.
    page.keyboard.press("c")
    expect(page.locator("#claim-list")).to_be_visible()
    expect(page.locator("#claim-list li")).to_have_count(2)
    assert page.evaluate(VISIBLE, ["#claim-input", "#claim-list li"]) == []
    assert not page.errors, page.errors


@pytest.mark.parametrize("screen", SCREENS)
def test_everything_needed_to_label_is_in_view_without_scrolling(
    transactional_db, live_server, new_page, artifacts_dir, screen
):
    scene = build_scene(paragraphs=[BEFORE, TEXT, AFTER], task_positions=[1])
    _suggest(scene, scene.tasks[0])
    page = new_page(SCREENS[screen])
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(TEXT)

    # Two statements made: one from the suggestion, one by hand (the author).
    page.keyboard.press("y")
    page.keyboard.press("a")
    page.keyboard.press("c")
    page.keyboard.type("sanctions")
    expect(page.locator("#claim-list li").first).to_contain_text("Sanctions against Russia work")
    page.keyboard.press("Enter")
    page.keyboard.press("2")
    expect(page.locator("#statements li")).to_have_count(2)
    page.screenshot(path=str(artifacts_dir / f"workspace-layout-{screen}.png"))
    assert page.evaluate("() => [scrollX, scrollY]") == [0, 0]
    assert page.evaluate(VISIBLE, ALWAYS) == []
    # Annotators see words, never offsets; each field's label keeps clear of what follows it.
    expect(page.locator("#statements li").first).to_contain_text("China “Beijing”")
    assert not page.locator("#statements").inner_text().count("[")
    assert page.evaluate(LABELS_CLEAR) == []

    # The claim box open: its box and every option of its dropdown are in view and on top.
    page.keyboard.press("c")
    expect(page.locator("#claim-list")).to_be_visible()
    expect(page.locator("#claim-list li")).to_have_count(2)
    page.screenshot(path=str(artifacts_dir / f"workspace-layout-{screen}-claim-list.png"))
    assert page.evaluate(VISIBLE, ["#claim-input", "#claim-list li"]) == []
    assert page.evaluate("() => [scrollX, scrollY]") == [0, 0]
    assert not page.errors, page.errors
