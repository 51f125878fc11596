"""The actor autocomplete: an exact alias first and no proposal of an existing alias; a proposed actor
gets a type guessed from its words, which the annotator can change before proposing."""

import pytest
from playwright.sync_api import expect

from annotation.models import Actor
from tests.factories import ActorAliasFactory, ActorFactory

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = "EU observers said the pipeline deal is good, and the Eurasian Economic Union agreed."


def test_eu_finds_the_european_union_first_and_a_new_actor_gets_a_sensible_type(
    transactional_db, live_server, page, artifacts_dir
):
    scene = build_scene(paragraphs=[TEXT])
    ActorFactory(project=scene.project, name="Eurasian Economic Union", type="organisation")
    eu = Actor.objects.get(project=scene.project, name="European Union")
    ActorAliasFactory(actor=eu, alias="EU", normalized="eu")
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    expect(page.locator("#paragraph")).to_have_text(TEXT)

    page.keyboard.press("f")
    page.keyboard.type("EU")
    options = page.locator("#actor-list li")
    expect(options.first).to_contain_text("European Union")
    expect(options.nth(1)).to_contain_text("Eurasian Economic Union")
    expect(page.locator("#actor-list li.propose")).to_have_count(0)  # "EU" is an alias of an actor
    page.screenshot(path=str(artifacts_dir / "workspace-actor-search-eu.png"))

    page.keyboard.type(" observers")
    proposal = page.locator("#actor-list li.propose")
    expect(proposal).to_have_text("+ Propose new actor “EU observers” (group)")
    expect(page.locator("#actor-type")).to_have_value("group")
    page.select_option("#actor-type", "organisation")  # the annotator knows better
    page.locator("#actor-input").focus()
    expect(proposal).to_have_text("+ Propose new actor “EU observers” (organisation)")
    page.keyboard.type(" group")  # typing on does not undo a type picked by hand
    expect(proposal).to_have_text("+ Propose new actor “EU observers group” (organisation)")
    expect(page.locator("#actor-type")).to_have_value("organisation")
    proposal.dispatch_event("mousedown")
    expect(page.locator("#toast")).to_contain_text("Proposed “EU observers group”")
    created = Actor.objects.get(project=scene.project, name="EU observers group")
    assert (created.type, created.status) == ("organisation", "proposed")
    assert not page.errors, page.errors
