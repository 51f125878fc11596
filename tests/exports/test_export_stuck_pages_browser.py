"""A stuck build in a real browser: the datasets page says its worker went silent and offers Retry;
Cancel asks first (dismissing the question changes nothing), then cancels. Screenshots at
1280x800 land in test-artifacts/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exports.models import DatasetVersion
from tests.browser_support import log_in
from tests.exports.export_data import build_project
from tests.exports.storage_support import point_exports_at
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stale_build_offers_retry_and_a_cancel_that_asks_first(
    live_server, project, settings, tmp_path, artifacts_dir, new_page
):
    point_exports_at(settings, tmp_path)
    settings.EXPORT_STALE_AFTER_S = 30
    build_project(project)
    manager = MembershipFactory(project=project, user=UserFactory(username="boss", is_staff=True), role="manager").user
    version = DatasetVersion.objects.create(
        project=project,
        number=1,
        status="building",
        attempt=1,
        progress_done=398,
        progress_total=2646,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
        params={"seed": 4, "gold_strategy": "majority", "split_ratios": [0.8, 0.1, 0.1], "formats": ["jsonl"]},
    )
    page = new_page({"width": 1280, "height": 800})
    log_in(page, live_server, manager.username)
    page.goto(f"{live_server.url}/exports/projects/{project.pk}/datasets/")
    row = page.locator(f"tr[data-version='{version.pk}']")
    assert "No sign of life from its worker" in row.inner_text()
    assert row.locator("button.ds-retry").is_visible() and row.locator("button.ds-cancel").is_visible()
    page.screenshot(path=str(artifacts_dir / "exports-stale-build.png"))

    questions = []
    page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    row.locator("button.ds-cancel").click()
    page.wait_for_timeout(300)
    assert questions and questions[0].startswith("Cancel the build of v1?")
    assert DatasetVersion.objects.get(pk=version.pk).status == "building"  # dismissed: nothing happened

    page.once("dialog", lambda d: d.accept())
    row.locator("button.ds-cancel").click()
    page.wait_for_selector("text=Version 1 cancelled.")
    assert DatasetVersion.objects.get(pk=version.pk).status == "cancelled"
    page.screenshot(path=str(artifacts_dir / "exports-cancelled.png"))
    assert page.errors == []
