"""The dataset exports page in a real browser: versions with status, a failed version's error,
the create form, compare; screenshots land in test-artifacts/."""

import pytest

from exports.models import DatasetVersion
from tests.exports.export_data import build_project
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_exports_page_shows_versions_progress_errors_and_a_comparison(
    live_server, project, settings, tmp_path, artifacts_dir, new_page
):
    from exports.services.export import dataset_version_build, dataset_version_create
    from tests.exports.storage_support import point_exports_at

    point_exports_at(settings, tmp_path)
    build_project(project)
    manager = MembershipFactory(project=project, user=UserFactory(username="boss", is_staff=True), role="manager").user
    for seed in (1, 2):
        v = dataset_version_create(project=project, params={"seed": seed, "include_annotations": True}, enqueue=False)
        dataset_version_build(version_id=v.pk)
    DatasetVersion.objects.create(
        project=project,
        number=3,
        status="failed",
        params={"seed": 3, "gold_strategy": "model", "split_ratios": [0.8, 0.1, 0.1]},
        error="RuntimeError: simulated failure after 5 rows",
    )
    DatasetVersion.objects.create(
        project=project,
        number=4,
        status="building",
        progress_done=40,
        progress_total=100,
        params={"seed": 4, "gold_strategy": "majority", "split_ratios": [0.8, 0.1, 0.1]},
    )
    first_pk = DatasetVersion.objects.get(project=project, number=1).pk
    page = new_page({"width": 1400, "height": 1000})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", manager.username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit], input[type=submit]")
    page.goto(f"{live_server.url}/exports/projects/{project.pk}/datasets/")
    assert page.locator("tr[data-status=complete]").count() == 2
    assert "simulated failure after 5 rows" in page.locator("tr[data-status=failed]").inner_text()
    assert page.locator("tr[data-status=building] .ds-bar > span").get_attribute("style") == "width: 40%"
    page.screenshot(path=str(artifacts_dir / "exports-list.png"), full_page=True)
    page.click("text=Compare the last two")
    page.wait_for_selector("text=Paragraphs whose gold changed")
    page.screenshot(path=str(artifacts_dir / "exports-compare.png"), full_page=True)
    page.goto(f"{live_server.url}/exports/datasets/{first_pk}/")
    assert page.locator("h2", has_text="Dataset card").count() == 1
    page.screenshot(path=str(artifacts_dir / "exports-detail.png"), full_page=True)
