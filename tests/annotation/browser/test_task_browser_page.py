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


def test_manager_filters_by_disagreement_and_changes_k_for_selected_tasks(
    transactional_db, live_server, page, artifacts_dir
):
    scene = build_scene(paragraphs=[f"Paragraph {i}: Beijing said the pipeline deal is good." for i in range(4)])
    for task, value in zip(scene.tasks, (None, 0.0, 0.5, 1.0), strict=True):
        Task.objects.filter(pk=task.pk).update(disagreement=value, submitted_count=2 if value is not None else 0)
    log_in(page, live_server, "boss", next_url=f"/projects/{scene.project.pk}/tasks/")
    page.fill("input[name=disagreement_min]", "0.5")
    page.click("#task-filters button[type=submit]")
    expect(page.locator("#task-table tbody tr")).to_have_count(2)
    expect(page.locator("#task-table tbody")).to_contain_text("1.00")

    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.fill("#bulk-k", "4")
    page.keyboard.press("Enter")  # Enter in the k field means "Change k"
    expect(page.locator("h1")).to_have_text("Change k to 4: 1 task?")
    expect(page.locator("#bulk-confirm")).to_contain_text("goes back to the queue")
    page.screenshot(path=str(artifacts_dir / "task_browser_confirm_k_1280.png"))
    assert Task.objects.get(pk=scene.tasks[2].pk).target_annotators is None  # nothing before confirming
    page.click("#confirm-bulk")
    expect(page.locator(".messages")).to_contain_text("Set k to 4 on 1 selected task(s) (1 changed)")
    expect(page.locator("#task-table tbody tr").first).to_contain_text("2/4")
    changed = Task.objects.get(pk=scene.tasks[2].pk)
    assert (changed.target_annotators, changed.is_complete) == (4, False)
    page.screenshot(path=str(artifacts_dir / "task_browser_after_k_1280.png"))
    assert page.errors == []


def test_manager_sorts_by_disagreement_from_the_header_and_pages_through(
    transactional_db, live_server, page, artifacts_dir
):
    scene = build_scene(paragraphs=[f"Paragraph {i}: Beijing said the pipeline deal is good." for i in range(7)])
    values = (None, 0.25, 1.0, 0.5, None, 1.0, 0.0)
    for task, value in zip(scene.tasks, values, strict=True):
        Task.objects.filter(pk=task.pk).update(disagreement=value, submitted_count=2 if value is not None else 0)
    # highest first, ties by id (newest first), tasks without a figure last
    by = {t.pk: v for t, v in zip(scene.tasks, values, strict=True)}
    valued = sorted((pk for pk, v in by.items() if v is not None), key=lambda pk: (by[pk], pk), reverse=True)
    expected = valued + sorted((pk for pk, v in by.items() if v is None), reverse=True)
    log_in(page, live_server, "boss", next_url=f"/projects/{scene.project.pk}/tasks/?size=3")
    page.click("#sort-disagreement")
    expect(page.locator("#sort-disagreement")).to_contain_text("▼")
    seen = []
    for _ in range(3):
        seen += [int(x) for x in page.locator("#task-table tbody tr").evaluate_all("rs => rs.map(r => r.dataset.task)")]
        if len(seen) == 3:
            page.screenshot(path=str(artifacts_dir / "task_browser_sorted_by_disagreement_1280.png"))
        if page.locator("#next-page").count() == 0:
            break
        page.click("#next-page")
    assert seen == expected
    page.click("#sort-disagreement")  # flips to lowest first
    expect(page.locator("#sort-disagreement")).to_contain_text("▲")
    first = page.locator("#task-table tbody tr").first.get_attribute("data-task")
    assert int(first) == scene.tasks[6].pk  # 0.0
    assert page.errors == []
