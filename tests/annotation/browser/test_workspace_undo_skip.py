"""Skip asks nothing and can be taken back for a few seconds: the "Skipped. Undo" bar, and Ctrl+Z."""

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from annotation.models import Annotation

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = "Beijing backs the pipeline deal, while Brussels doubts that sanctions against Russia work."


def _undo_skip_routed() -> bool:
    try:
        reverse("annotation-api:annotation-undo-skip", args=[1])
    except NoReverseMatch:
        return False
    return True


@pytest.mark.skipif(not _undo_skip_routed(), reason="the undo-skip endpoint (CONTRACT.md) is not in this tree")
@pytest.mark.parametrize("how", ["button", "ctrl+z"])
def test_a_skip_is_taken_back_with_the_undo_bar_or_ctrl_z(transactional_db, live_server, page, artifacts_dir, how):
    scene = build_scene(paragraphs=[TEXT, "A second paragraph."])
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(TEXT)
    page.keyboard.press("n")
    expect(page.locator("#save-status")).to_have_text("Saved")

    page.keyboard.press("k")  # no question asked
    expect(page.locator("#paragraph")).to_have_text("A second paragraph.")
    bar = page.locator("#ws-skipped")
    expect(bar).to_be_visible()
    page.screenshot(path=str(artifacts_dir / f"workspace-undo-skip-{how}.png"))
    assert Annotation.objects.get(task=scene.tasks[0]).status == Annotation.Status.SKIPPED

    if how == "button":
        page.click("#ws-undo-skip")
    else:
        page.keyboard.press("Control+z")
    expect(page.locator("#paragraph")).to_have_text(TEXT)  # back, with what it had
    expect(page.locator("#no-statement")).to_be_checked()
    expect(bar).to_be_hidden()
    assert Annotation.objects.get(task=scene.tasks[0]).status == Annotation.Status.DRAFT
    assert not page.errors, page.errors
