"""Our labelling config as a Label Studio annotator sees it, in a real Label Studio at 1280x800: with
92 actors and 40 claims, selecting a pre-labelled region shows stance, claim and canonical actor
in view, claim and actor as searchable dropdowns, not a column of checkboxes."""

import os
import uuid
from pathlib import Path

import pytest

from annotation.label_studio import ls_client
from annotation.label_studio_format import label_config, prediction_results

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.environ.get("LABEL_STUDIO_URL"), reason="no LABEL_STUDIO_URL: `make test` starts a real Label Studio"
    ),
]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] >= 0


def test_a_pre_labelled_region_shows_stance_claim_and_a_searchable_actor_in_view(page):
    url = os.environ["LABEL_STUDIO_URL"]
    client = ls_client(url=url, api_key=os.environ["LABEL_STUDIO_API_KEY"])
    actors = [f"Actor number {i:02d}" for i in range(90)] + ["China", "Russia"]
    claims = [f"Claim {i}: a trade policy statement" for i in range(40)]
    config = label_config(actors=actors, claims=claims, stances=["favor", "against", "neutral", "unclear"])
    project = client.projects.create(title=f"ui-{uuid.uuid4().hex[:8]}", label_config=config)
    try:
        text = "Russia said the pipeline deal is good. China disagreed with Russia on the deal."
        predictions = prediction_results(
            text,
            [
                {
                    "model": "m",
                    "model_version": "1",
                    "score": 0.9,
                    "actor": "Russia",
                    "start": 0,
                    "end": 6,
                    "claim": None,
                    "stance": None,
                }
            ],
        )
        client.projects.import_tasks(
            id=project.id, request=[{"data": {"text": text, "title": "Story"}, "predictions": predictions}]
        )
        task_id = next(iter(client.tasks.list(project=project.id))).id
        page.goto(f"{url}/user/login/")
        page.fill("input[name=email]", "standpoint-ci@example.org")
        page.fill("input[name=password]", "standpoint-ci-password")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{url}/projects/{project.id}/data?task={task_id}")
        page.get_by_text("Russia", exact=True).last.click()
        claim = page.get_by_text("Search claims")
        claim.wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "label-studio-region-selected.png"))
        assert _in_view(page, claim)
        assert _in_view(page, page.get_by_text("favor").first)
        assert _in_view(page, page.get_by_text("Stance", exact=True))
        assert _in_view(page, page.get_by_text("Canonical actor"))
        assert page.locator("input[type=checkbox]").count() < 10  # not 92 actor checkboxes
        claim.click(force=True)  # the placeholder sits under the select's own overlay
        page.keyboard.type("Claim 17", delay=50)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "label-studio-claim-search.png"))
        page.get_by_text("Claim 17: a trade policy statement").first.wait_for(timeout=10_000)
    finally:
        client.projects.delete(id=project.id)
