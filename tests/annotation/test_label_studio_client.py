"""Push tasks with pre-labels to Label Studio and pull annotations back, through label-studio-sdk,
against a local stub server (and a real server when LABEL_STUDIO_URL is set)."""

import os

import pytest

from annotation.label_studio import (LabelStudioNotConfigured, label_studio_pull, label_studio_push, ls_client,
                                     project_label_config)
from annotation.models import Annotation, Statement
from exports.builders.label_studio import result_for_statements
from tests.annotation.label_studio_stub import TOKEN, StubLabelStudio
from tests.exports.export_data import build_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def stub():
    with StubLabelStudio() as server:
        yield server


def test_push_creates_a_project_with_our_config_and_sends_every_task_with_its_pre_labels(project, stub):
    data = build_project(project)
    client = ls_client(url=stub.url, api_key=TOKEN)
    result = label_studio_push(project=project, client=client)
    assert result == {"ls_project_id": 1, "tasks": 12}
    assert stub.projects[1]["label_config"] == project_label_config(project)
    sent = stub.tasks[1]
    assert [t["data"]["task_id"] for t in sent] == [t.pk for t in data["tasks"]]
    with_pred = [t for t in sent if t["data"]["task_id"] == data["tasks"][1].pk][0]
    assert with_pred["predictions"][0]["model_version"] == "keywords@1"
    region = with_pred["predictions"][0]["result"][0]
    assert region["value"]["text"] == "EU" and region["value"]["labels"] == ["mention"]
    assert ("POST", "/api/projects/1/import") in stub.requests


def test_pull_imports_the_servers_annotations_as_submitted_statements(project, stub):
    data = build_project(project)
    Annotation.objects.filter(task__project=project).delete()
    project.tasks.update(submitted_count=0, is_complete=False)
    client = ls_client(url=stub.url, api_key=TOKEN)
    label_studio_push(project=project, client=client)
    eu = data["actors"]["EU"]

    def annotate(task):
        text = task["data"]["text"]
        if "EU" not in text:
            return []
        s = text.index("EU")
        statement = {"actor_role": "mention", "actor": eu.name, "actor_start": s, "actor_end": s + 2,
                     "claim": "Sanctions work", "stance": "favor", "evidence_start": None, "evidence_end": None}
        return [{"id": 1, "completed_by": {"id": 5, "email": "alice0@example.org"}, "was_cancelled": False,
                 "result": result_for_statements(text, [statement])}]
    stub.annotate = annotate
    summary = label_studio_pull(project=project, ls_project_id=1, client=client)
    assert summary.annotations == 6 and summary.users_created == []
    stored = Statement.objects.filter(annotation__task__project=project)
    assert stored.count() == 6
    assert set(stored.values_list("annotation__annotator__username", "actor__name", "stance__value")) == {
        ("alice0", "EU", "favor")}
    assert ("GET", "/api/projects/1/export?download_all_tasks=false&export_type=JSON") in stub.requests


def test_a_wrong_token_is_an_error_not_a_silent_empty_pull(project, stub):
    build_project(project)
    with pytest.raises(Exception) as err:
        label_studio_push(project=project, client=ls_client(url=stub.url, api_key="wrong"))
    assert "401" in str(err.value)


def test_without_url_and_token_the_client_says_what_to_set(settings):
    settings.LABEL_STUDIO_URL = None
    settings.LABEL_STUDIO_API_KEY = None
    with pytest.raises(LabelStudioNotConfigured, match="LABEL_STUDIO_URL"):
        ls_client()


@pytest.mark.skipif(not os.environ.get("LABEL_STUDIO_URL"), reason="no LABEL_STUDIO_URL: no real Label Studio server")
def test_push_to_a_real_label_studio_server(project):
    build_project(project)
    result = label_studio_push(project=project, client=ls_client(url=os.environ["LABEL_STUDIO_URL"],
                                                                 api_key=os.environ["LABEL_STUDIO_API_KEY"]))
    assert result["tasks"] == 12
