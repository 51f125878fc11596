"""A manager works the task browser at 1280x800: filters, keyboard (j/k, x, enter), a confirmed bulk action."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotation.models import Annotation, Task
from tests.factories import AnnotationFactory, AssignmentFactory

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_manager_filters_selects_by_keyboard_and_requeues(transactional_db, live_server, page, artifacts_dir):
    scene = build_scene(paragraphs=[f"Paragraph {i}: Beijing said the pipeline deal is good." for i in range(8)])
    now = timezone.now()
    for t in scene.tasks[:3]:
        asg = AssignmentFactory(
            task=t, annotator=scene.annotator, status="skipped", leased_at=now, expires_at=now + timedelta(minutes=30)
        )
        AnnotationFactory(task=t, annotator=scene.annotator, assignment=asg, status="skipped")
    log_in(page, live_server, "boss", next_url=f"/projects/{scene.project.pk}/tasks/")
    expect(page.locator("#task-table tbody tr")).to_have_count(8)
    page.screenshot(path=str(artifacts_dir / "task_browser_1280.png"))

    page.select_option("select[name=skipped]", "1")
    page.click("#task-filters button[type=submit]")
    expect(page.locator("#task-table tbody tr")).to_have_count(3)
    expect(page.locator(".bulk-action").first).to_be_disabled()

    page.locator("h1").click()  # focus out of the form: keys act on the table
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("k")
    expect(page.locator("#task-table tr.current")).to_have_attribute("data-task", str(scene.tasks[0].pk))
    expect(page.locator("#selected-count")).to_have_text("2 selected")
    page.screenshot(path=str(artifacts_dir / "task_browser_selected_1280.png"))

    page.get_by_role("button", name="Re-queue (undo skips)…").click()
    expect(page.locator("h1")).to_have_text("Re-queue (undo skips): 2 tasks?")
    assert Annotation.objects.filter(status="skipped").count() == 3  # nothing before confirming
    page.screenshot(path=str(artifacts_dir / "task_browser_confirm_1280.png"))
    page.click("#confirm-bulk")
    expect(page.locator(".messages")).to_contain_text("Re-queued 2 of 2 selected task(s): 2 skip(s) undone")
    expect(page.locator("#task-table tbody tr")).to_have_count(1)  # back on the filtered list
    assert Annotation.objects.filter(status="skipped").count() == 1
    page.screenshot(path=str(artifacts_dir / "task_browser_after_requeue_1280.png"))

    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text(f"Task #{scene.tasks[2].pk}")
    expect(page.locator("#annotations")).to_contain_text("ann")
    page.screenshot(path=str(artifacts_dir / "task_detail_1280.png"), full_page=True)

    page.goto(f"{live_server.url}/projects/{scene.project.pk}/tasks/?q=nothing+like+this")
    expect(page.locator("#no-tasks")).to_contain_text("No task matches these filters")
    assert Task.objects.filter(project=scene.project).count() == 8
    assert page.errors == []
