"""Every page at 1280x800 and at tablet width (768x1024): it renders without script errors, nothing
spills sideways, and a screenshot lands in test-artifacts/ for a person to look at."""

import pytest
from playwright.sync_api import expect

from annotation.models import Prediction, PredictionSet
from corpora.models import Corpus
from tests.factories import ActorFactory, ClaimFactory

from .builders import build_scene
from .conftest import DESKTOP, TABLET, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = (
    "The European Union said on Tuesday that the new sanctions against Russia were working, "
    "while Beijing called them “counter-productive” and urged talks."
)


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the viewport"


@pytest.mark.parametrize("viewport", [DESKTOP, TABLET], ids=["desktop", "tablet"])
def test_every_page_renders_at_desktop_and_tablet_width(
    transactional_db, live_server, new_page, artifacts_dir, viewport
):
    scene = build_scene(
        paragraphs=["Moscow, 4 March.", TEXT, "Officials in Brussels declined to comment."],
        task_positions=[1],
        guidelines="## Who\nThe actor is whoever **holds** the position.\n\n"
        "## Stance\n| key | meaning |\n|---|---|\n| 1 | favor |\n| 2 | against |",
    )
    corpus = Corpus.objects.create(name="Wire stories")
    scene.project.corpora.add(corpus)
    Corpus.objects.create(name="Op-eds")
    ActorFactory(project=scene.project, name="Kremlin spokesperson", status="proposed", type="person")
    ClaimFactory(project=scene.project, text="Talks should resume", status="proposed")
    favor = scene.project.stance_labels.get(value="favor")
    task = scene.tasks[0]
    prediction_set = PredictionSet.objects.create(task=task, model_name="stance-keywords", model_version="1")
    start = TEXT.index("The European Union")
    eu = scene.project.actors.get(name="European Union")
    for kind, score, extra in [
        ("statement", 0.88, {"claim": scene.claim, "stance": favor, "actor": eu}),
        ("actor", 0.71, {}),
        ("actor_candidate", 0.35, {}),
    ]:
        surface = "Beijing" if kind != "statement" else "The European Union"
        at = TEXT.index(surface)
        Prediction.objects.create(
            prediction_set=prediction_set,
            task=task,
            kind=kind,
            model_name="stance-keywords",
            model_version="1",
            score=score,
            start=at,
            end=at + len(surface),
            surface=surface,
            **({"actor": scene.china} if kind == "actor" else {}),
            **extra,
        )
    assert start == 0
    pid = scene.project.pk
    size = "tablet" if viewport is TABLET else "desktop"

    def shoot(page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts_dir / f"page-{name}-{size}.png"), full_page=True)
        _no_sideways_scroll(page)

    anonymous = new_page(viewport)
    anonymous.goto(f"{live_server.url}/accounts/login/")
    shoot(anonymous, "login")

    annotator = new_page(viewport)
    log_in(annotator, live_server, "ann")
    expect(annotator.locator("h1")).to_have_text("Your projects")
    shoot(annotator, "home-annotator")
    annotator.goto(f"{live_server.url}/projects/{pid}/annotate/")
    expect(annotator.locator("#paragraph")).to_have_text(TEXT)
    annotator.keyboard.press("y")  # accept the best suggestion: a whole statement
    expect(annotator.locator("#statements li")).to_have_count(1)
    annotator.locator("#claim-input").focus()  # an open autocomplete in the picture
    expect(annotator.locator("#claim-list li").first).to_be_visible()
    shoot(annotator, "workspace")
    annotator.keyboard.press("Escape")
    annotator.keyboard.press("s")
    expect(annotator.locator("#ws")).to_have_attribute("data-state", "empty")
    shoot(annotator, "workspace-empty")

    manager = new_page(viewport)
    log_in(manager, live_server, "boss")
    shoot(manager, "home-manager")
    manager.goto(f"{live_server.url}/projects/{pid}/")
    expect(manager.locator("#progress")).to_contain_text("1 of 3 annotations done")
    shoot(manager, "dashboard")
    manager.goto(f"{live_server.url}/projects/{pid}/actors/")
    expect(manager.locator("#registry-table")).to_contain_text("Kremlin spokesperson")
    shoot(manager, "registry-actors")
    manager.goto(f"{live_server.url}/projects/{pid}/claims/")
    expect(manager.locator("#registry-table")).to_contain_text("Talks should resume")
    shoot(manager, "registry-claims")

    for page in (anonymous, annotator, manager):
        assert not page.errors, page.errors
