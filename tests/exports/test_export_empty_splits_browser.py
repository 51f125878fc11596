"""The dataset pages at 1280x800 for a 2-article project: the warning that a split will be empty
is in view before building, building still works, and the version's page names the empty split
and offers the zip. Screenshots in test-artifacts/."""

import pytest

from exports.models import DatasetVersion
from tests.exports.export_data import build_project
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def test_the_dataset_pages_warn_about_an_empty_split_at_1280x800(
    live_server, project, settings, tmp_path, artifacts_dir, new_page
):
    from exports.services.export import dataset_version_build
    from tests.exports.storage_support import point_exports_at

    point_exports_at(settings, tmp_path)
    project.name = "Demo: great-power relations"
    project.save(update_fields=["name"])
    build_project(project, n_articles=2)
    manager = MembershipFactory(project=project, user=UserFactory(username="boss"), role="manager").user
    page = new_page({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", manager.username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit], input[type=submit]")
    page.goto(f"{live_server.url}/exports/projects/{project.pk}/datasets/")
    warning = page.locator(".ds-split-warning")
    assert warning.count() == 1 and "split will be empty" in warning.inner_text()
    assert "grouped by article" in warning.inner_text()
    page.locator(".ds-split-check").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "exports-empty-split-warning.png"))

    # "Check splits" re-checks the parameters in the form without building anything
    page.fill("input[name=train]", "1")
    page.fill("input[name=dev]", "1")
    page.fill("input[name=test]", "0")
    page.click("button[name=check]")
    assert "test split will be empty: its ratio is 0" in page.locator(".ds-split-warning").inner_text()
    assert DatasetVersion.objects.count() == 0

    page.fill("input[name=test]", "0.1")
    page.click("button.primary:has-text('Build version')")
    page.wait_for_selector(".messages li.warning")
    assert "will be empty" in page.locator(".messages li.warning").inner_text()
    assert _in_view(page, page.locator(".messages li.warning"))
    page.screenshot(path=str(artifacts_dir / "exports-empty-split-queued.png"))
    version = DatasetVersion.objects.get()
    dataset_version_build(version_id=version.pk)
    version.refresh_from_db()
    assert version.status == "complete", version.error

    page.goto(f"{live_server.url}/exports/datasets/{version.pk}/")
    empty = page.locator(".ds-empty-splits")
    name = next(iter(version.manifest["empty_splits"]))
    assert f"{name}: " in empty.inner_text()
    zip_link = page.locator("a", has_text="Download all as one zip")
    assert _in_view(page, zip_link)
    page.screenshot(path=str(artifacts_dir / "exports-empty-split-version.png"))
    with page.expect_download() as info:
        zip_link.click()
    assert info.value.suggested_filename == "demo-great-power-relations-v1.zip"
    with page.expect_download() as info:
        page.click(f"a:text-is('{name}.jsonl')")
    assert info.value.suggested_filename == f"{name}.jsonl"
    assert (tmp_path / version.folder / f"{name}.jsonl").stat().st_size == 0
    assert "load_dataset" in page.locator(".ds-card pre").inner_text()
    page.locator(".ds-card").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "exports-empty-split-card.png"))
