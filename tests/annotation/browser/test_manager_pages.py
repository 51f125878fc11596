"""Managers work the registries and the dashboard in the browser; every write goes through the API."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from annotation.models import Actor, Project, ProjectMembership, Task
from corpora.models import Article, Corpus, Paragraph
from tests.factories import ActorFactory, AnnotationFactory, ClaimFactory, ProjectFactory, StatementFactory, UserFactory

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


User = get_user_model()


def test_manager_approves_renames_and_merges_registry_entries(transactional_db, live_server, page):
    scene = build_scene(paragraphs=["Beijing spoke."])
    prc = ActorFactory(project=scene.project, name="PRC", status="proposed")
    statement = StatementFactory(
        annotation=AnnotationFactory(task=scene.tasks[0], annotator=scene.annotator), actor_role="implied", actor=prc
    )
    typo = ClaimFactory(project=scene.project, text="Sanctoins work", status="proposed")
    log_in(page, live_server, "boss", next_url=f"/projects/{scene.project.pk}/actors/")

    # Search narrows the table without a page load (htmx), over names and aliases.
    page.fill("input[name=q]", "beij")
    expect(page.locator("#registry-table tbody tr")).to_have_count(1)
    expect(page.locator("#registry-table")).to_contain_text("China")
    page.fill("input[name=q]", "")
    expect(page.locator("#registry-table tbody tr")).to_have_count(3)

    page.locator("tr", has_text="PRC").get_by_role("button", name="Merge…").click()
    page.locator("#merge-dialog select[name=into]").select_option(label="China")
    page.locator("#merge-dialog button[value=merge]").click()
    expect(page.locator("#toast")).to_contain_text("Merged")
    expect(page.locator("#registry-table tr.status-merged")).to_have_count(0)  # merged ones leave the list
    expect(page.locator("tr", has_text="China").locator(".chip", has_text="PRC")).to_be_visible()  # now an alias
    prc.refresh_from_db()
    statement.refresh_from_db()
    assert (prc.status, prc.merged_into_id, statement.actor_id) == ("merged", scene.china.pk, scene.china.pk)

    page.locator("summary", has_text="Add an actor").click()
    page.fill("input[name=name]", "NATO")
    page.select_option("select[name=type]", "organisation")
    page.fill("input[name=external_id]", "Q7184")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#registry-table")).to_contain_text("NATO")
    nato = Actor.objects.get(project=scene.project, name="NATO")
    assert (nato.type, nato.external_id, nato.status) == ("organisation", "Q7184", "approved")  # a manager's entry

    page.goto(f"{live_server.url}/projects/{scene.project.pk}/claims/")
    row = page.locator("tr", has_text="Sanctoins work")
    row.locator("summary", has_text="Rename").click()
    row.locator("input[name=text]").fill("Sanctions work")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#registry-table")).to_contain_text("Sanctions work")
    page.locator("tr", has_text="Sanctions work").get_by_role("button", name="Approve").click()
    expect(page.locator("tr", has_text="Sanctions work").locator(".badge")).to_have_text("Approved")
    typo.refresh_from_db()
    assert (typo.text, typo.status) == ("Sanctions work", "approved")
    assert not page.errors, page.errors


def test_manager_adds_a_member_selects_corpora_syncs_tasks_and_edits_settings(transactional_db, live_server, page):
    scene = build_scene(paragraphs=["Only paragraph."])
    UserFactory(username="newcomer")
    corpus = Corpus.objects.create(name="Wire stories", owner=User.objects.get(username="boss"))
    text = "First body paragraph.\n\nSecond body paragraph."
    article = Article.objects.create(
        corpus=corpus, title="Wire", text=text, content_hash=hashlib.sha256(text.encode()).hexdigest()
    )
    for position, (start, end) in enumerate([(0, 21), (23, len(text))]):
        Paragraph.objects.create(
            article=article,
            position=position,
            text=text[start:end],
            start=start,
            end=end,
            text_hash=hashlib.sha256(text[start:end].encode()).hexdigest(),
        )
    log_in(page, live_server, "boss", next_url=f"/projects/{scene.project.pk}/")

    page.fill("input[name=username]", "newcomer")
    page.get_by_role("button", name="Add member").click()
    expect(page.locator("#members")).to_contain_text("newcomer")
    assert ProjectMembership.objects.filter(project=scene.project, user__username="newcomer", role="annotator").exists()

    page.get_by_label("Wire stories").check()
    page.get_by_role("button", name="Save selection").click()
    expect(page.locator("#toast")).to_contain_text("Corpora saved")
    page.get_by_role("button", name="Sync tasks").click()
    # The scene's own task is outside the selected corpus and untouched, so sync drops it.
    expect(page.locator("#toast")).to_contain_text(
        "Created 2 new tasks, removed 1 unstarted ones, closed 0 with work whose paragraph no longer matches, "
        "reopened 0; 2 in all"
    )
    assert set(Task.objects.filter(project=scene.project).values_list("paragraph__article", flat=True)) == {article.pk}
    expect(page.locator("#progress")).to_contain_text("of 6 annotations done")  # 2 tasks x k=3, refreshed

    page.fill("input[name=annotators_per_task]", "2")
    page.fill("textarea[name=guidelines]", "Be **brief**.")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#toast")).to_contain_text("Settings saved")
    project = Project.objects.get(pk=scene.project.pk)
    assert (project.annotators_per_task, project.guidelines) == (2, "Be **brief**.")

    # A refusal by the API is shown to the manager, and nothing changes.
    ProjectFactory(name="Taken name")
    page.fill("input[name=name]", "Taken name")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#toast.error")).to_be_visible()
    assert Project.objects.get(pk=scene.project.pk).name == scene.project.name
    assert not [e for e in page.errors if "400" not in e], page.errors


def test_staff_creates_a_project_from_the_home_page_and_lands_on_its_dashboard(transactional_db, live_server, page):
    build_scene(paragraphs=["Anything."])
    log_in(page, live_server, "boss")
    page.get_by_text("New project").click()
    page.fill("form input[name=name]", "Energy security 2026")
    page.fill("form input[name=annotators_per_task]", "2")
    page.get_by_role("button", name="Create project").click()
    expect(page.locator("h1")).to_have_text("Energy security 2026")
    project = Project.objects.get(name="Energy security 2026")
    assert page.url.endswith(f"/projects/{project.pk}/")
    assert project.annotators_per_task == 2
    assert list(project.stance_labels.values_list("key", flat=True)) == ["1", "2", "3", "4"]
    assert ProjectMembership.objects.get(project=project, user__username="boss").role == "manager"
    assert not page.errors, page.errors
