"""Going back in a real Chromium at 1280x800: My annotations -> reopen -> edit -> resubmit, then
Previous from the workspace; a manager's read-only view and the empty state. Screenshots in
test-artifacts/going-back-*.png."""

import pytest
from playwright.sync_api import expect

from annotation.models import Annotation, Assignment, Task
from annotation.services.annotations import annotation_submit
from annotation.services.assignment import assignment_claim_next

from .builders import build_scene
from .conftest import DESKTOP, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PARAGRAPHS = [
    "Beijing said on Monday that the pipeline deal is good for both sides.",
    "Brussels replied that sanctions against Russia work and must stay.",
    "Officials in Kyiv declined to comment on either statement.",
]


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the viewport"


def _scene_with_one_submission():
    scene = build_scene(paragraphs=PARAGRAPHS)
    first = assignment_claim_next(user=scene.annotator, project=scene.project)
    annotation = Annotation.objects.get(task_id=first.task_id, annotator=scene.annotator)
    annotation_submit(
        annotation=annotation,
        user=scene.annotator,
        revision=annotation.revision,
        statements=[{"actor_role": "author", "claim": scene.claim.pk, "stance": "favor"}],
    )
    assignment_claim_next(user=scene.annotator, project=scene.project)  # now working on the second paragraph
    return scene, annotation


def test_reopen_edit_and_resubmit_from_my_annotations(transactional_db, live_server, new_page, artifacts_dir):
    scene, annotation = _scene_with_one_submission()
    pid = scene.project.pk
    page = new_page(DESKTOP)
    log_in(page, live_server, "ann", next_url=f"/projects/{pid}/my-annotations/")

    rows = page.locator("#mine-table tr.mine-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator(".badge")).to_have_text("draft")
    expect(rows.nth(1).locator(".badge")).to_have_text("submitted")
    expect(rows.nth(1).locator("button.open-annotation")).to_have_text("Reopen")
    page.screenshot(path=str(artifacts_dir / "going-back-my-annotations-1280.png"), full_page=True)
    _no_sideways_scroll(page)

    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class("mine-row current")
    page.keyboard.press("Enter")  # opens the current row: Reopen

    expect(page).to_have_url(f"{live_server.url}/projects/{pid}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(PARAGRAPHS[0])
    expect(page.locator("#save-status")).to_contain_text("Submitted earlier")
    expect(page.locator("#statements li")).to_have_count(1)
    page.screenshot(path=str(artifacts_dir / "going-back-reopened-1280.png"), full_page=True)

    # the edit: a second statement, the author against another claim
    page.locator("#c-author").click()
    page.locator("#claim-input").click()
    page.keyboard.type("Sanctions")
    expect(page.locator("#claim-list li").first).to_contain_text("Sanctions against Russia work")
    page.keyboard.press("Enter")
    page.locator('button.stance-btn[data-stance="against"]').click()
    expect(page.locator("#statements li")).to_have_count(2)
    expect(page.locator("#save-status")).to_have_text("Saved")
    page.locator("#submit").click()

    expect(page.locator("#paragraph")).to_have_text(PARAGRAPHS[1])  # back to the paragraph they were on
    annotation.refresh_from_db()
    assert annotation.status == Annotation.Status.SUBMITTED
    assert sorted(annotation.statements.values_list("stance__value", flat=True)) == ["against", "favor"]
    actions = list(annotation.revisions.values_list("action", flat=True))
    assert actions[:2] == ["submit", "reopen"] and actions[-1] == "edit" and set(actions[2:]) == {"edit"}
    assert Assignment.objects.get(task_id=annotation.task_id, annotator=scene.annotator).status == "submitted"
    assert Task.objects.get(pk=annotation.task_id).submitted_count == 1

    page.goto(f"{live_server.url}/projects/{pid}/my-annotations/?status=submitted")
    expect(rows).to_have_count(1)
    expect(rows.nth(0).locator("td").nth(4)).to_have_text("2")
    page.screenshot(path=str(artifacts_dir / "going-back-after-resubmit-1280.png"), full_page=True)
    assert not page.errors, page.errors


def test_previous_opens_the_last_submitted_paragraph_in_the_workspace(
    transactional_db, live_server, new_page, artifacts_dir
):
    scene, annotation = _scene_with_one_submission()
    page = new_page(DESKTOP)
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(PARAGRAPHS[1])
    box = page.locator("#ws-previous").bounding_box()
    assert box and box["y"] + box["height"] <= DESKTOP["height"]  # visible without scrolling

    page.keyboard.press("p")  # the shortcut for the button
    expect(page.locator("#paragraph")).to_have_text(PARAGRAPHS[0])
    expect(page.locator("#save-status")).to_contain_text("Submitted earlier")
    page.screenshot(path=str(artifacts_dir / "going-back-previous-1280.png"))

    page.locator("#ws-previous").click()  # nothing before the first: said, and the workspace stays
    expect(page.locator(".messages")).to_contain_text("no paragraph before this one")
    expect(page.locator("#paragraph")).to_have_text(PARAGRAPHS[0])
    assert not page.errors, page.errors


def test_a_refused_reopen_and_the_managers_read_only_view(transactional_db, live_server, new_page, artifacts_dir):
    scene, annotation = _scene_with_one_submission()
    scene.project.allow_reopen = False
    scene.project.save()
    pid = scene.project.pk

    page = new_page(DESKTOP)
    log_in(page, live_server, "ann", next_url=f"/projects/{pid}/my-annotations/")
    refusal = page.locator("#mine-table tr.mine-row").nth(1).locator(".refusal")
    expect(refusal).to_contain_text("does not allow reopening")

    manager = new_page(DESKTOP)
    log_in(manager, live_server, "boss", next_url=f"/projects/{pid}/my-annotations/?annotator={scene.annotator.pk}")
    expect(manager.locator("#mine-title")).to_have_text("Annotations by ann")
    expect(manager.locator("#mine-table tr.mine-row")).to_have_count(2)
    expect(manager.locator("button.open-annotation")).to_have_count(0)
    manager.screenshot(path=str(artifacts_dir / "going-back-manager-view-1280.png"), full_page=True)

    manager.goto(f"{live_server.url}/projects/{pid}/my-annotations/")  # the manager's own list: empty
    expect(manager.locator("#mine-empty")).to_contain_text("no annotations")
    manager.screenshot(path=str(artifacts_dir / "going-back-empty-1280.png"), full_page=True)
    assert not page.errors and not manager.errors, page.errors + manager.errors
