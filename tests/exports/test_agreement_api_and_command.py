"""Agreement API, page and the agreement_report command."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.conftest import client_for
from tests.exports.builders import submit, task_in
from tests.factories import ActorFactory, ClaimFactory


@pytest.fixture
def units(project, annotator, second_annotator):
    actor, claim = ActorFactory(project=project), ClaimFactory(project=project)
    for stance in ("favor", "against", "favor"):
        task = task_in(project)
        submit(task, annotator, [(actor, claim, "favor")])
        submit(task, second_annotator, [(actor, claim, stance)])
    return project


def test_api_gives_the_report_to_managers_and_ml_engineers(units, manager, ml_engineer):
    for user in (manager, ml_engineer):
        response = client_for(user).get(f"/api/projects/{units.pk}/agreement/?n_boot=50")
        assert response.status_code == 200
        body = response.json()
        assert body["counts"]["units"] == 3
        assert body["stance"]["percent_agreement"]["value"] == pytest.approx(4 / 6)
        assert [h["key"] for h in body["headline"]][0] == "alpha_stance_bearing"


def test_api_refuses_annotators_outsiders_and_bad_filters(units, annotator, outsider, manager):
    assert client_for(annotator).get(f"/api/projects/{units.pk}/agreement/").status_code == 403
    assert client_for(outsider).get(f"/api/projects/{units.pk}/agreement/").status_code == 404
    bad = client_for(manager).get(f"/api/projects/{units.pk}/agreement/?label=maybe&n_boot=0")
    assert bad.status_code == 400 and "maybe" in bad.json()["label"][0]
    assert client_for(manager).get(f"/api/projects/{units.pk}/agreement/?n_boot=-1").status_code == 400


def test_html_report_is_self_contained_with_inline_svg(units, manager):
    response = client_for(manager).get(f"/api/projects/{units.pk}/agreement/report.html?n_boot=20")
    html = response.content.decode()
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert html.count("<svg") >= 2
    assert "<link" not in html and "<script src" not in html


def test_storing_a_report_through_the_api_is_idempotent(units, manager):
    client = client_for(manager)
    first = client.post(f"/api/projects/{units.pk}/agreement/reports/", {"n_boot": 20}, format="json").json()
    second = client.post(f"/api/projects/{units.pk}/agreement/reports/", {"n_boot": 20}, format="json").json()
    assert first["id"] == second["id"]
    assert (
        client.get(f"/api/projects/{units.pk}/agreement/reports/{first['id']}/").json()["inputs_hash"]
        == first["inputs_hash"]
    )


def test_agreement_page_shows_figures_charts_and_filters(units, manager, client):
    client.force_login(manager)
    page = client.get(reverse("exports:agreement", args=[units.pk]) + "?label=against")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Stance for the same actor and claim" in text and "<svg" in text
    assert '<option value="against" selected' in text
    assert "1 paragraph with two or more" in text
    worst = page.context["report"]["worst_units"][0]["task"]
    assert f'href="{reverse("annotation:adjudicate", args=[worst])}"' in text


def test_agreement_page_is_for_managers(units, annotator, client):
    client.force_login(annotator)
    assert client.get(reverse("exports:agreement", args=[units.pk])).status_code == 403


def test_command_writes_json_and_html(units, tmp_path):
    call_command("agreement_report", str(units.pk), "--out", str(tmp_path), "--n-boot", "20")
    data = json.loads((tmp_path / f"agreement-project-{units.pk}.json").read_text())
    assert data["counts"]["units"] == 3
    assert "<svg" in (tmp_path / f"agreement-project-{units.pk}.html").read_text()
    call_command("agreement_report", units.name, "--out", str(tmp_path), "--n-boot", "20")  # by name too


def test_command_names_a_missing_project(db, tmp_path):
    with pytest.raises(CommandError, match="'nope'"):
        call_command("agreement_report", "nope", "--out", str(tmp_path))


def test_agreement_page_says_when_a_filter_is_ignored(units, manager, client):
    client.force_login(manager)
    page = client.get(reverse("exports:agreement", args=[units.pk]) + "?label=maybe")
    assert page.status_code == 200
    assert "Filters ignored" in page.content.decode() and "maybe" in page.content.decode()
