"""The manager's pre-labelling page in Chromium: the progress bar follows the job without a reload."""

import pytest
from django.utils import timezone

from annotation.models import PredictionSet, PrelabelJob, StanceModelVersion
from tests.factories import MembershipFactory, ProjectFactory, TaskFactory, UserFactory

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_progress_bar_updates_by_polling_and_the_page_shows_models_and_precision(page, live_server, artifacts_dir):
    project = ProjectFactory(name="Sino-Russian relations")
    manager = UserFactory(username="pl-manager")
    MembershipFactory(project=project, user=manager, role="manager")
    tasks = [TaskFactory(project=project) for _ in range(4)]
    job = PrelabelJob.objects.create(
        project=project,
        total=4,
        done=1,
        status="running",
        created_by=manager,
        started_at=timezone.now() - timezone.timedelta(seconds=5),
    )
    StanceModelVersion.objects.create(
        project=project,
        version=1,
        n_labels=48,
        cv_accuracy=0.771,
        per_label_f1={"favor": 0.82, "against": 0.74, "neutral": 0.61},
        params={"macro_f1": 0.723},
        artifact=b"x",
    )
    PredictionSet.objects.create(task=tasks[0], model_name="standpoint-pipeline", model_version="abc")

    log_in(page, live_server, "pl-manager", next_url=f"/projects/{project.pk}/prelabel/")
    bar = page.locator(f'tr[data-job="{job.pk}"] progress')
    assert bar.get_attribute("value") == "1"
    assert page.locator(".pl-stance-status").inner_text().startswith("Version 1 trained on 48 labels")
    assert "0.771" in page.locator("table").nth(1).inner_text()

    PrelabelJob.objects.filter(pk=job.pk).update(done=3)
    page.wait_for_function(
        f'() => document.querySelector(\'tr[data-job="{job.pk}"] progress\').value == 3', timeout=15000
    )
    page.screenshot(path=str(artifacts_dir / "prelabel-page-running.png"), full_page=True)

    PrelabelJob.objects.filter(pk=job.pk).update(done=4, status="complete", finished_at=timezone.now())
    page.wait_for_selector(f'tr[data-job="{job.pk}"][data-status="complete"]', timeout=15000)
    assert page.locator("#prelabel-jobs").get_attribute("hx-trigger") is None  # polling stopped
    assert page.errors == []
