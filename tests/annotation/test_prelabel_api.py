"""Pre-labelling API and the manager's page: roles, status codes, response shapes."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from annotation.models import Actor, PrelabelJob, StanceModelVersion
from tests.conftest import client_for
from tests.factories import TaskFactory


@pytest.fixture
def tasks(project):
    return [TaskFactory(project=project) for _ in range(3)]


def test_manager_starts_a_job_and_gets_it_with_progress(project, manager, tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(manager).post(
            f"/api/projects/{project.pk}/prelabel-jobs/",
            {"task_ids": [tasks[0].pk, tasks[2].pk], "batch_size": 8},
            format="json",
        )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["task_ids"] == sorted([tasks[0].pk, tasks[2].pk])
    assert body["progress"] == {
        "done": 0,
        "total": 2,
        "percent": 0.0,
        "rate": None,
        "eta_seconds": None,
        "waiting_for_worker": True,
    }  # no worker runs in this test
    assert len(callbacks) == 1
    listed = client_for(manager).get(f"/api/projects/{project.pk}/prelabel-jobs/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    detail = client_for(manager).get(f"/api/prelabel-jobs/{body['id']}/")
    assert detail.status_code == 200 and detail.json()["created_by"] == "manager"


def test_bad_job_input_gets_a_400_naming_the_field(project, manager, tasks):
    client = client_for(manager)
    response = client.post(f"/api/projects/{project.pk}/prelabel-jobs/", {"batch_size": 0}, format="json")
    assert response.status_code == 400 and "batch_size" in response.json()
    response = client.post(f"/api/projects/{project.pk}/prelabel-jobs/", {"task_ids": [999999]}, format="json")
    assert response.status_code == 400 and response.json()["task_ids"] == ["Not tasks of this project: [999999]"]
    assert not PrelabelJob.objects.exists()


def test_annotators_may_not_start_jobs_and_outsiders_do_not_see_the_project(project, annotator, outsider, tasks):
    url = f"/api/projects/{project.pk}/prelabel-jobs/"
    assert client_for(annotator).post(url, {}, format="json").status_code == 403
    assert client_for(annotator).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    job = PrelabelJob.objects.create(project=project, total=1)
    assert client_for(outsider).get(f"/api/prelabel-jobs/{job.pk}/").status_code == 404
    assert client_for(annotator).post(f"/api/prelabel-jobs/{job.pk}/cancel/").status_code == 403


def test_ml_engineers_read_jobs_models_and_precision(project, ml_engineer):
    client = client_for(ml_engineer)
    assert client.get(f"/api/projects/{project.pk}/prelabel-jobs/").status_code == 200
    assert client.get(f"/api/projects/{project.pk}/prediction-precision/").json() == {"results": []}
    assert client.post(f"/api/projects/{project.pk}/gazetteer/").status_code == 403


def test_cancelling_twice_answers_409_the_second_time(project, manager):
    job = PrelabelJob.objects.create(project=project, total=1, status="running")
    client = client_for(manager)
    assert client.post(f"/api/prelabel-jobs/{job.pk}/cancel/").json()["status"] == "cancelled"
    assert client.post(f"/api/prelabel-jobs/{job.pk}/cancel/").status_code == 409


def test_stance_models_list_shows_versions_with_cv_scores_and_the_waiting_message(project, manager):
    StanceModelVersion.objects.create(
        project=project,
        version=1,
        n_labels=40,
        cv_accuracy=0.8,
        per_label_f1={"favor": 0.9, "against": 0.7},
        artifact=b"x",
    )
    body = client_for(manager).get(f"/api/projects/{project.pk}/stance-models/").json()
    assert body["versions"][0]["cv_accuracy"] == 0.8 and body["versions"][0]["per_label_f1"]["favor"] == 0.9
    assert "artifact" not in body["versions"][0]
    assert body["status"]["latest_version"] == 1


def test_training_below_the_minimum_is_refused_with_the_count(project, manager):
    response = client_for(manager).post(f"/api/projects/{project.pk}/stance-models/train/")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["Not enough labels yet: 0 of 30. No stance suggestions until then."]


def test_gazetteer_endpoint_loads_the_starter_actors(project, manager):
    response = client_for(manager).post(f"/api/projects/{project.pk}/gazetteer/")
    assert response.status_code == 200 and response.json()["created"] > 80
    assert Actor.objects.get(project=project, name="India").aliases.filter(alias="New Delhi").exists()


def test_manager_page_shows_jobs_with_a_polling_progress_bar(client, project, manager, tasks):
    PrelabelJob.objects.create(project=project, total=10, done=4, status="running")
    client.force_login(manager)
    page = client.get(reverse("annotation:prelabel", args=[project.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'hx-trigger="every 2s"' in html and '<progress max="10" value="4"' in html
    assert "Not enough labels yet" in html
    fragment = client.get(reverse("annotation:prelabel-jobs", args=[project.pk])).content.decode()
    assert fragment.strip().startswith('<div id="prelabel-jobs"') and "4</span> / 10" in fragment


def test_finished_jobs_stop_the_polling(client, project, manager):
    PrelabelJob.objects.create(project=project, total=10, done=10, status="complete")
    client.force_login(manager)
    html = client.get(reverse("annotation:prelabel", args=[project.pk])).content.decode()
    assert "hx-trigger" not in html and "Complete" in html


def test_the_page_form_starts_a_job_and_reports_bad_input(
    client, project, manager, tasks, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    url = reverse("annotation:prelabel", args=[project.pk])
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {"action": "start", "batch_size": "5"}, follow=True)
    assert PrelabelJob.objects.get().batch_size == 5
    assert "queued for 3 tasks" in response.content.decode()
    response = client.post(url, {"action": "start", "batch_size": "5000"}, follow=True)
    assert "between 1 and 1000" in response.content.decode() and PrelabelJob.objects.count() == 1


def test_annotators_cannot_open_the_page(client, project, annotator):
    client.force_login(annotator)
    assert client.get(reverse("annotation:prelabel", args=[project.pk])).status_code == 403


def test_commands_load_the_gazetteer_and_queue_a_job(project, tasks, capsys, django_capture_on_commit_callbacks):
    call_command("load_gazetteer", str(project.pk))
    assert "actors added" in capsys.readouterr().out
    with django_capture_on_commit_callbacks(execute=False):
        call_command("prelabel", str(project.pk), "--no-wait", "--batch-size", "2")
    job = PrelabelJob.objects.get()
    assert (job.total, job.batch_size) == (3, 2)
    assert f"Job {job.pk}: 3 tasks" in capsys.readouterr().out


def test_the_command_follows_a_job_to_the_end_with_a_progress_bar(project, capsys):
    job = PrelabelJob.objects.create(project=project, total=5, done=5, status="complete")
    call_command("prelabel", job=job.pk, poll=0.01)
    captured = capsys.readouterr()
    assert "complete: 5/5" in captured.out and "5/5" in captured.out


def test_the_command_names_what_is_missing(project):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Give a project id"):
        call_command("prelabel")
    with pytest.raises(CommandError, match="no tasks yet"):
        call_command("prelabel", str(project.pk), "--no-wait")
    with pytest.raises(CommandError, match="No project with id 999999"):
        call_command("load_gazetteer", "999999")
