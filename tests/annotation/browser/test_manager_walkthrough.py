"""Every manager / ML-engineer page of a project that has just started (one article, one task, no
annotation yet) at 1280x800: each loads without script errors, fits the width, and says what is
empty and what to do next instead of showing a bare table. Screenshots: test-artifacts/walk-*.png."""

import pytest
from playwright.sync_api import expect

from corpora.models import Corpus

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_every_manager_page_of_a_fresh_project_has_an_empty_state(transactional_db, live_server, page, artifacts_dir):
    scene = build_scene(paragraphs=["Beijing said on Monday that the pipeline deal is good for both sides."])
    article = scene.tasks[0].paragraph.article
    corpus = Corpus.objects.create(name="Wire stories")
    article.corpus = corpus
    article.save()
    scene.project.corpora.add(corpus)
    pid, task = scene.project.pk, scene.tasks[0].pk
    log_in(page, live_server, "boss", next_url="/")
    # (name, path, text the page must show about what is empty or what comes next)
    pages = [
        ("projects", "/", scene.project.name),
        ("project", f"/projects/{pid}/", "Task browser"),
        ("corpus", f"/corpora/{corpus.pk}/", article.title),
        ("article", f"/corpora/articles/{article.pk}/", "comments from here"),
        ("task-browser", f"/projects/{pid}/tasks/", f"#{task}"),
        ("task-detail", f"/tasks/{task}/", "Nobody has worked on this paragraph yet"),
        ("adjudication-list", f"/projects/{pid}/adjudication/", "No paragraph has two submitted annotations yet"),
        ("adjudicate", f"/tasks/{task}/adjudicate/", "No submitted annotation yet"),
        ("agreement", f"/exports/projects/{pid}/agreement/", "No submitted annotations yet"),
        ("datasets", f"/exports/projects/{pid}/datasets/", "no article with a submitted or adjudicated paragraph"),
        ("people", f"/projects/{pid}/people/", "ann"),
        ("prelabel", f"/projects/{pid}/prelabel/", "No pre-labelling jobs yet"),
        ("evaluation", f"/projects/{pid}/prelabel/evaluation/", "No evaluation yet"),
    ]
    missing = []
    for name, path, says in pages:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (name, response.status)
        page.wait_for_load_state("networkidle")
        if says not in page.inner_text("body"):
            missing.append(name)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than 1280"
        page.screenshot(path=str(artifacts_dir / f"walk-{name}-1280.png"), full_page=True)
    assert missing == []
    # the agreement page does not claim newer submissions or a computation when nothing was submitted
    page.goto(f"{live_server.url}/exports/projects/{pid}/agreement/")
    expect(page.locator(".report-state")).not_to_contain_text("Newer submissions")
    expect(page.locator(".report-state")).not_to_contain_text("being computed")
    assert page.errors == []
