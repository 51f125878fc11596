"""At 1280x800: a manager re-marks the paragraph an annotator is working on and syncs the tasks; the
annotator's submit says what happened (409 task_closed), the work is kept as a draft, and the workspace
goes on to the next paragraph. Screenshots in test-artifacts/closed-while-leased-*.png."""

import pytest
from playwright.sync_api import expect

from annotation.models import Annotation, Task
from annotation.services.projects import tasks_sync
from corpora.services.kind_corrections import paragraph_kind_set

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PARAGRAPHS = [
    "Beijing said on Monday that the pipeline deal is good for both sides.",
    "Brussels replied that sanctions against Russia work and must stay.",
]


def test_submit_on_a_task_closed_meanwhile_keeps_the_draft_and_moves_on(
    transactional_db, live_server, page, artifacts_dir
):
    scene = build_scene(paragraphs=PARAGRAPHS)
    first = scene.tasks[0]
    first.paragraph.article.corpus.projects.add(scene.project)  # so the sync sees the corpus
    assert tasks_sync(project=scene.project).closed == 0
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(PARAGRAPHS[0])

    # meanwhile the manager marks that paragraph as a comment and syncs the project's tasks
    paragraph_kind_set(paragraph=first.paragraph, kind="comment", user=scene.manager)
    assert tasks_sync(project=scene.project).closed == 1

    page.keyboard.press("n")
    expect(page.locator("#no-statement")).to_be_checked()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#toast")).to_contain_text("closed while you worked on it")
    expect(page.locator("#toast")).to_contain_text("kept as a draft")
    page.screenshot(path=str(artifacts_dir / "closed-while-leased-409-1280.png"))
    kept = Annotation.objects.get(task=first, annotator=scene.annotator)
    assert kept.status == "draft" and kept.no_statement  # what was sent is the draft
    assert Task.objects.get(pk=first.pk).submitted_count == 0

    expect(page.locator("#paragraph")).to_have_text(PARAGRAPHS[1])  # it moves on by itself
    page.reload()
    expect(page.locator("#paragraph")).to_have_text(PARAGRAPHS[1])  # the next paragraph, never the closed one
    page.screenshot(path=str(artifacts_dir / "closed-while-leased-next-1280.png"))
    # the only console message is the browser's own note of the expected 409
    assert all("409" in e for e in page.errors) and len(page.errors) == 1, page.errors
