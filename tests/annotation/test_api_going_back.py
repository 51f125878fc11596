"""The going-back endpoints and pages: My annotations (list, filters, bad input, who sees whose),
reopen, undo-skip and previous-task, with their 4xx answers."""

import pytest

from annotation.models import Annotation, Assignment
from annotation.services.adjudication import adjudication_save
from annotation.services.annotations import annotation_skip, annotation_submit
from annotation.services.assignment import assignment_claim_next
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _submit_next(user, project) -> Annotation:
    assignment = assignment_claim_next(user=user, project=project)
    annotation = Annotation.objects.get(task_id=assignment.task_id, annotator=user)
    return annotation_submit(
        annotation=annotation, user=user, revision=annotation.revision, statements=[], no_statement=True
    )


def _skip_next(user, project) -> Annotation:
    assignment = assignment_claim_next(user=user, project=project)
    annotation = Annotation.objects.get(task_id=assignment.task_id, annotator=user)
    return annotation_skip(annotation=annotation, user=user)


@pytest.fixture
def work(project, tasks, annotator, second_annotator):
    """The annotator submitted tasks[0], skipped tasks[1] and holds tasks[2]; the second one submitted tasks[0]."""
    submitted = _submit_next(annotator, project)
    skipped = _skip_next(annotator, project)
    assignment_claim_next(user=annotator, project=project)
    theirs = _submit_next(second_annotator, project)
    return {"submitted": submitted, "skipped": skipped, "theirs": theirs}


def _list(client, project, **params):
    return client.get(f"/api/projects/{project.pk}/my-annotations/", params)


def test_the_list_holds_only_my_annotations_newest_first(project, tasks, annotator, work):
    response = _list(client_for(annotator), project)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    assert [(r["task"], r["status"]) for r in body["results"]] == [
        (tasks[2].pk, "draft"),
        (tasks[1].pk, "skipped"),
        (tasks[0].pk, "submitted"),
    ]
    first = body["results"][2]
    assert first["annotation"] == work["submitted"].pk and first["can_open"] and first["open_refusal"] is None
    assert first["excerpt"]["before"].startswith(tasks[0].paragraph.text[:40])
    assert work["theirs"].pk not in {r["annotation"] for r in body["results"]}


def test_the_list_filters_searches_and_pages(project, tasks, annotator, work):
    client = client_for(annotator)
    skipped = _list(client, project, status="skipped").json()["results"]
    assert [r["task"] for r in skipped] == [tasks[1].pk]
    marker = tasks[2].paragraph.text.rsplit(" ", 1)[1]  # "(a.j)": only that paragraph has it
    found = _list(client, project, q=marker).json()["results"]
    assert [r["task"] for r in found] == [tasks[2].pk] and found[0]["excerpt"]["match"] == marker
    page = _list(client, project, page_size=2).json()
    assert len(page["results"]) == 2 and page["next"] is not None
    assert _list(client, project, q="no paragraph says this").json()["count"] == 0


@pytest.mark.parametrize(
    "params, field",
    [({"status": "finished"}, "status"), ({"annotator": "me"}, "annotator"), ({"q": "x" * 201}, "q")],
)
def test_bad_filters_are_a_400_naming_the_field(project, annotator, work, params, field):
    response = _list(client_for(annotator), project, **params)
    assert response.status_code == 400 and field in response.json()


def test_an_annotator_cannot_list_another_annotators_work_but_a_manager_can(
    project, tasks, annotator, second_annotator, manager, work
):
    assert _list(client_for(second_annotator), project, annotator=annotator.pk).status_code == 403
    body = _list(client_for(manager), project, annotator=annotator.pk).json()
    assert body["count"] == 3
    assert not any(r["can_open"] for r in body["results"])  # read-only for anyone but its annotator
    assert _list(client_for(manager), project, annotator=999999).status_code == 404


def test_an_adjudicated_annotation_is_listed_as_such_and_cannot_be_reopened(project, tasks, annotator, manager, work):
    adjudication_save(task=tasks[0], adjudicator=manager, statements=[], no_statement=True)
    client = client_for(annotator)
    row = _list(client, project, status="adjudicated").json()["results"][0]
    assert row["task"] == tasks[0].pk and not row["can_open"] and "adjudicated" in row["open_refusal"]
    response = client.post(f"/api/annotations/{work['submitted'].pk}/reopen/")
    assert response.status_code == 409 and "adjudicated" in response.json()["detail"]
    edit = client.put(
        f"/api/annotations/{work['submitted'].pk}/",
        {"revision": work["submitted"].revision, "no_statement": True, "statements": []},
        format="json",
    )
    assert edit.status_code == 409


def test_reopen_answers_the_workspace_and_next_task_resumes_it(project, tasks, annotator, work):
    client = client_for(annotator)
    response = client.post(f"/api/annotations/{work['submitted'].pk}/reopen/")
    assert response.status_code == 200, response.content
    ws = response.json()
    assert ws["task"]["id"] == tasks[0].pk and ws["assignment"]["status"] == "reopened"
    assert ws["annotation"]["status"] == "submitted"
    assert client.post(f"/api/projects/{project.pk}/next-task/").json()["task"]["id"] == tasks[0].pk


def test_reopen_is_403_where_the_project_forbids_it(project, tasks, annotator, manager, work):
    patched = client_for(manager).patch(f"/api/projects/{project.pk}/", {"allow_reopen": False}, format="json")
    assert patched.status_code == 200 and patched.json()["allow_reopen"] is False
    response = client_for(annotator).post(f"/api/annotations/{work['submitted'].pk}/reopen/")
    assert response.status_code == 403 and "does not allow" in response.json()["detail"]
    assert Assignment.objects.get(task=tasks[0], annotator=annotator).status == "submitted"


def test_nobody_else_reopens_an_annotation(project, annotator, second_annotator, manager, work):
    url = f"/api/annotations/{work['submitted'].pk}/reopen/"
    assert client_for(second_annotator).post(url).status_code == 404
    assert client_for(manager).post(url).status_code == 403
    assert client_for(annotator).post("/api/annotations/999999/reopen/").status_code == 404


def test_undo_skip_gives_the_task_back_once(project, tasks, annotator, work):
    client = client_for(annotator)
    url = f"/api/annotations/{work['skipped'].pk}/undo-skip/"
    response = client.post(url)
    assert response.status_code == 200, response.content
    assert response.json()["task"]["id"] == tasks[1].pk and response.json()["annotation"]["status"] == "draft"
    again = client.post(url)
    assert again.status_code == 409 and "not skipped" in again.json()["detail"]


def test_previous_task_opens_the_last_finished_one_or_says_there_is_none(project, tasks, annotator, second_annotator):
    assert client_for(annotator).post(f"/api/projects/{project.pk}/previous-task/").status_code == 204
    _submit_next(annotator, project)
    assignment_claim_next(user=annotator, project=project)
    response = client_for(annotator).post(f"/api/projects/{project.pk}/previous-task/")
    assert response.status_code == 200 and response.json()["task"]["id"] == tasks[0].pk


def test_the_progress_excludes_skips(project, tasks, annotator, work):
    body = client_for(annotator).post(f"/api/projects/{project.pk}/next-task/").json()
    assert body["progress"] == {"done": 1, "skipped": 1, "remaining": 8}


# ------------------------------------------------------------------ pages


def test_the_page_lists_filters_and_opens(client, project, tasks, annotator, work):
    client.force_login(annotator)
    url = f"/projects/{project.pk}/my-annotations/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="mine-row"') == 3 and "Reopen" in html and "Take back" in html
    filtered = client.get(url, {"status": "skipped"}).content.decode()
    assert filtered.count('class="mine-row"') == 1
    assert "No annotation matches" in client.get(url, {"q": "nothing says this"}).content.decode()
    assert client.get(url, {"status": "bogus"}).status_code == 400

    opened = client.post(f"{url}{work['submitted'].pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == f"/projects/{project.pk}/annotate/"
    assert Assignment.objects.get(task=tasks[0], annotator=annotator).status == "reopened"


def test_the_page_shows_an_empty_state_and_the_workspace_links_to_it(client, project, tasks, annotator):
    client.force_login(annotator)
    html = client.get(f"/projects/{project.pk}/my-annotations/").content.decode()
    assert 'id="mine-empty"' in html and "no annotations" in html
    workspace = client.get(f"/projects/{project.pk}/annotate/").content.decode()
    assert f'action="/projects/{project.pk}/annotate/previous/"' in workspace
    assert f'href="/projects/{project.pk}/my-annotations/"' in workspace


def test_a_refused_open_says_why_on_the_list(client, project, tasks, annotator, manager, work):
    adjudication_save(task=tasks[0], adjudicator=manager, statements=[], no_statement=True)
    client.force_login(annotator)
    response = client.post(f"/projects/{project.pk}/my-annotations/{work['submitted'].pk}/open/", follow=True)
    assert "has been adjudicated" in response.content.decode()
    assert Assignment.objects.get(task=tasks[0], annotator=annotator).status == "submitted"


def test_previous_from_the_page_goes_back_to_the_workspace(client, project, tasks, annotator, work):
    client.force_login(annotator)
    response = client.post(f"/projects/{project.pk}/annotate/previous/")
    assert response.status_code == 302
    # tasks[1] was skipped last: taken back, it is a draft on a live lease again
    assert Annotation.objects.get(task=tasks[1], annotator=annotator).status == "draft"
    assert Assignment.objects.get(task=tasks[1], annotator=annotator).status == "active"


def test_another_annotator_cannot_open_mine_from_the_page(client, project, second_annotator, work):
    client.force_login(second_annotator)
    response = client.post(f"/projects/{project.pk}/my-annotations/{work['submitted'].pk}/open/")
    assert response.status_code == 404
    assert (
        client.get(f"/projects/{project.pk}/my-annotations/", {"annotator": work["submitted"].annotator_id}).status_code
        == 403
    )


def test_a_manager_reads_an_annotators_list_without_open_buttons(client, project, annotator, manager, work):
    client.force_login(manager)
    html = client.get(f"/projects/{project.pk}/my-annotations/", {"annotator": annotator.pk}).content.decode()
    assert "Annotations by annotator" in html and html.count('class="mine-row"') == 3
    assert "open-annotation" not in html


def test_the_projects_list_and_the_project_page_link_to_the_lists(client, project, annotator, manager):
    client.force_login(annotator)
    home = client.get("/").content.decode()
    assert f'href="/projects/{project.pk}/my-annotations/">My annotations' in home
    client.force_login(manager)
    dashboard = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'href="/projects/{project.pk}/my-annotations/">Annotations by annotator' in dashboard
    assert 'name="allow_reopen"' in dashboard


def test_the_settings_form_turns_reopening_off(project, manager):
    """The project page's settings form (htmx, form-encoded) sends allow_reopen as "true"/"false"."""
    response = client_for(manager).patch(
        f"/api/projects/{project.pk}/", "allow_reopen=false", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.allow_reopen is False
