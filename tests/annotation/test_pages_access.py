"""Server-rendered pages: who may open which page (annotators never see manager pages, outsiders get 404)."""

import pytest
from django.urls import reverse

from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ClaimFactory,
    MembershipFactory,
    ProjectFactory,
    TaskFactory,
    UserFactory,
)

MANAGER_PAGES = ["annotation:project", "annotation:registry-actors", "annotation:registry-claims"]


def _get(client, user, name, project):
    client.force_login(user)
    return client.get(reverse(name, args=[project.pk]))


@pytest.mark.parametrize("name", MANAGER_PAGES)
def test_annotator_gets_403_on_manager_pages(client, annotator, project, name):
    assert _get(client, annotator, name, project).status_code == 403


@pytest.mark.parametrize("name", MANAGER_PAGES + ["annotation:workspace"])
def test_outsider_gets_404_on_every_project_page(client, outsider, project, name):
    assert _get(client, outsider, name, project).status_code == 404


@pytest.mark.parametrize("name", MANAGER_PAGES + ["annotation:workspace"])
def test_missing_project_is_404(client, manager, project, name):
    client.force_login(manager)
    assert client.get(reverse(name, args=[project.pk + 999])).status_code == 404


@pytest.mark.parametrize("name", MANAGER_PAGES + ["annotation:workspace"])
def test_anonymous_user_is_sent_to_the_login_page(client, project, name):
    response = client.get(reverse(name, args=[project.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", MANAGER_PAGES + ["annotation:workspace"])
def test_manager_opens_every_page(client, manager, project, name):
    assert _get(client, manager, name, project).status_code == 200


def test_ml_engineer_reads_the_dashboard_but_not_the_registries_or_the_workspace(client, ml_engineer, project):
    response = _get(client, ml_engineer, "annotation:project", project)
    assert response.status_code == 200
    assert b"tasks/sync/" not in response.content  # no write controls for a reader
    assert b"hx-patch" not in response.content
    assert _get(client, ml_engineer, "annotation:registry-actors", project).status_code == 403
    assert _get(client, ml_engineer, "annotation:workspace", project).status_code == 403


def test_annotator_opens_the_workspace_with_guidelines_rendered_safely(client, annotator, project):
    project.guidelines = "Read **carefully**.\n\n<script>window.pwned = 1</script>\n\n[x](javascript:alert(1))"
    project.save()
    response = _get(client, annotator, "annotation:workspace", project)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>carefully</strong>" in html
    assert "window.pwned" not in html
    assert "javascript:alert" not in html
    assert 'id="ws-config"' in html  # the page's configuration is JSON, not inline script


def test_home_links_each_role_to_its_pages(client, annotator, manager, project):
    other = ProjectFactory(name="Other project")
    MembershipFactory(project=other, user=annotator, role="manager")
    client.force_login(annotator)
    html = client.get(reverse("annotation:home")).content.decode()
    assert reverse("annotation:workspace", args=[project.pk]) in html
    assert f'href="{reverse("annotation:project", args=[project.pk])}"' not in html  # annotator there
    assert f'href="{reverse("annotation:project", args=[other.pk])}"' in html  # manager here
    assert reverse("annotation:registry-actors", args=[other.pk]) in html


def test_home_shows_progress_for_managers(client, manager, project):
    TaskFactory.create_batch(2, project=project)
    client.force_login(manager)
    html = client.get(reverse("annotation:home")).content.decode()
    assert "0 / 6 annotations" in html  # 2 tasks x k=3


def test_home_pages_through_many_projects_25_at_a_time(client, manager, project):
    project.name = "Zeta, the fixture's project"  # sorts after the others under any collation
    project.save(update_fields=["name"])
    for i in range(30):  # with the fixture's project: 31
        MembershipFactory(project=ProjectFactory(name=f"Project {i:02d}"), user=manager, role="annotator")
    client.force_login(manager)
    first = client.get(reverse("annotation:home")).content.decode()
    assert "Project 00" in first and "Project 24" in first and "Project 25" not in first
    assert "Page 1 of 2" in first and "?page=2" in first
    second = client.get(reverse("annotation:home"), {"page": 2}).content.decode()
    assert "Project 25" in second and "Project 00" not in second and "Page 2 of 2" in second
    assert client.get(reverse("annotation:home"), {"page": "x"}).status_code == 200  # bad page: the first


def test_registry_search_matches_aliases_and_paginates(client, manager, project):
    china = ActorFactory(project=project, name="China")
    ActorAliasFactory(actor=china, alias="Beijing", normalized="beijing")
    for i in range(30):
        ActorFactory(project=project, name=f"Filler {i:02d}")
    client.force_login(manager)
    url = reverse("annotation:registry-actors", args=[project.pk])
    table = {"partial": "1"}  # the table alone: the full page also lists every actor in the merge dialog
    found = client.get(url, {"q": "beij", **table}, HTTP_HX_REQUEST="true").content.decode()
    assert "China" in found and "Filler 00" not in found
    first = client.get(url).content.decode()
    assert "Page 1 of 2" in first
    second = client.get(url, {"page": 2, **table}, HTTP_HX_REQUEST="true").content.decode()
    assert "Filler 29" in second and "Filler 00" not in second


def test_registry_partial_is_only_the_table(client, manager, project):
    ClaimFactory(project=project, text="Sanctions work", status="proposed")
    client.force_login(manager)
    response = client.get(
        reverse("annotation:registry-claims", args=[project.pk]), {"partial": "1"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Sanctions work" in html and "Approve" in html
    assert "<html" not in html


def test_dashboard_shows_members_and_progress(client, manager, annotator, project):
    TaskFactory.create_batch(3, project=project)
    client.force_login(manager)
    html = client.get(reverse("annotation:project", args=[project.pk])).content.decode()
    assert "annotator" in html and "manager" in html
    assert "of 9 annotations done" in html


def test_forbidden_page_is_a_plain_403_not_a_server_error(client, project):
    annotator = UserFactory(username="someone")
    MembershipFactory(project=project, user=annotator, role="annotator")
    client.raise_request_exception = True
    assert _get(client, annotator, "annotation:project", project).status_code == 403


def test_error_pages_explain_and_link_home(client, annotator, outsider, project):
    forbidden = _get(client, annotator, "annotation:registry-claims", project)
    assert b"Not allowed" in forbidden.content and b"(annotator) does not allow" in forbidden.content
    missing = _get(client, outsider, "annotation:project", project)
    assert b"Not found" in missing.content and project.name.encode() not in missing.content
