"""The evaluation page in Chromium: each figure beside its baseline, the stance choice per held-out
article, the runs; a manager's "Evaluate now" queues a run and the button waits for it."""

import pytest

from annotation.models import PrelabelEvaluation
from annotation.prelabel.embeddings import HashingEmbedder
from annotation.prelabel.evaluation import evaluate_prelabels
from tests.annotation.prelabel.test_evaluation import CLAIMS, NAMES, PARAGRAPHS, REGISTRY
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_latest_run_shows_figures_beside_baselines(page, live_server, artifacts_dir, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    project = ProjectFactory(name="Sino-Russian relations")
    manager = UserFactory(username="ev-manager")
    MembershipFactory(project=project, user=manager, role="manager")
    report = evaluate_prelabels(
        PARAGRAPHS, registry=REGISTRY, actor_names=NAMES, claims=CLAIMS, embedder=HashingEmbedder()
    )
    for fold in report["stance_selection"]:
        fold["title"] = f"Article {fold['held_out']}"
    PrelabelEvaluation.objects.create(project=project, status="complete", report=report, created_by=manager)

    log_in(page, live_server, "ev-manager", next_url=f"/projects/{project.pk}/prelabel/evaluation/")
    figures = page.locator("table.pl-eval").inner_text()
    assert "actors: registry holders suggested (recall)\t0.75" in figures
    assert "stance: accuracy (given actor and claim)" in figures and "0.83" in figures  # the baseline's 5/6
    assert "Article b" in page.locator("table").nth(1).inner_text()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(artifacts_dir / "prelabel-evaluation-page.png"), full_page=True)
    assert page.errors == []
