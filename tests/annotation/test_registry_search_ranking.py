"""Registry search ranks exact name/alias matches first, then prefixes, then substrings; the actor
autocomplete's "propose" option is left out when an actor has the typed text as name or alias."""

import pytest
from rest_framework.test import APIClient

from annotation.models import Actor, Claim
from annotation.selectors.annotations import registry_list
from tests.factories import ActorAliasFactory, ActorFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unions(project):
    eaeu = ActorFactory(project=project, name="Eurasian Economic Union", type="organisation")
    ActorFactory(project=project, name="Euroclear", type="organisation")
    eu = ActorFactory(project=project, name="European Union", type="organisation")
    ActorAliasFactory(actor=eu, alias="EU", normalized="eu")
    ActorAliasFactory(actor=eaeu, alias="EAEU", normalized="eaeu")
    ActorFactory(project=project, name="Leuven University", type="organisation")  # "eu" inside
    return eu, eaeu


def names(qs) -> list[str]:
    return [a.name for a in qs]


def test_an_exact_alias_comes_before_prefix_and_substring_matches(project, unions):
    found = names(registry_list(model=Actor, project=project, search="EU"))
    assert found[0] == "European Union"
    assert found == ["European Union", "Eurasian Economic Union", "Euroclear", "Leuven University"]
    # Case and spacing do not matter; an exact name beats an alias prefix.
    assert names(registry_list(model=Actor, project=project, search="  eaeu "))[0] == "Eurasian Economic Union"
    assert names(registry_list(model=Actor, project=project, search="european union")) == ["European Union"]


def test_claims_rank_the_exact_text_first(project):
    ClaimFactory(project=project, text="Sanctions against Russia work only with the EU")
    ClaimFactory(project=project, text="Russia sanctions work")
    exact = ClaimFactory(project=project, text="Sanctions work")
    found = [c.text for c in registry_list(model=Claim, project=project, search="sanctions work")]
    assert found[0] == exact.text and found[1] == "Russia sanctions work"


def test_the_api_search_returns_the_same_order_as_the_autocomplete_asks(project, unions, annotator):
    client = APIClient()
    client.force_authenticate(annotator)
    response = client.get(f"/api/projects/{project.pk}/actors/", {"search": "EU", "page_size": 8})
    assert response.status_code == 200
    body = response.json()
    results = body["results"] if isinstance(body, dict) else body
    assert [r["name"] for r in results][:2] == ["European Union", "Eurasian Economic Union"]
    assert "EU" in results[0]["aliases"]  # what the page uses to leave out "Propose new actor 'EU'"
