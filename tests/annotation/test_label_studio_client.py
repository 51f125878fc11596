"""Push and pull through label-studio-sdk against a local stub server: what we send, and the error
paths a real server would be awkward to provoke. Label Studio's own behaviour is tested against a
real server in test_label_studio_server.py."""

import pytest

from annotation.label_studio import (
    LabelStudioNotConfigured,
    label_studio_pull,
    label_studio_push,
    ls_client,
    project_label_config,
)
from annotation.label_studio_format import result_for_statements
from annotation.models import Annotation, Prediction, PredictionSet, Statement
from tests.annotation.label_studio_stub import TOKEN, StubLabelStudio
from tests.exports.export_data import build_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def stub():
    with StubLabelStudio() as server:
        yield server


def test_push_sends_config_k_guidelines_submitted_annotations_and_paragraph_level_pre_labels(project, stub):
    data = build_project(project)
    project.guidelines = "Mark <every> stance."
    project.save()
    ps = PredictionSet.objects.create(task=data["tasks"][0], model_name="claims", model_version="2")
    Prediction.objects.create(
        prediction_set=ps,
        task=data["tasks"][0],
        kind="claim",
        model_name="claims",
        model_version="2",
        score=0.7,
        claim=data["claims"]["The pipeline deal is good"],
    )
    stub.users.append({"id": 5, "email": "alice0@example.org"})
    result = label_studio_push(project=project, client=ls_client(url=stub.url, api_key=TOKEN))
    assert result == {"ls_project_id": 1, "tasks": 12, "updated": 0, "annotations": 36, "predictions": 2}
    sent_project = stub.projects[1]
    assert sent_project["label_config"] == project_label_config(project)
    assert sent_project["maximum_annotations"] == 3
    assert "Mark &lt;every&gt; stance." in sent_project["expert_instruction"]
    sent = {t["data"]["task_id"]: t for t in stub.tasks[1]}
    first = sent[data["tasks"][0].pk]
    assert len(first["annotations"]) == 3
    # alice0 by her Label Studio id; the others (no Label Studio user) credited to the pushing user
    assert sorted((a.get("completed_by") or 0) for a in first["annotations"]) == [0, 0, 5]
    assert sorted(first["meta"]["standpoint"]["annotators"]) == sorted(str(a["id"]) for a in first["annotations"])
    claim_region = first["predictions"][0]["result"]
    assert first["predictions"][0]["model_version"] == "claims@2"
    assert claim_region[0]["value"]["labels"] == ["implied"] and claim_region[0]["value"]["start"] == 0
    assert claim_region[1]["value"]["taxonomy"] == [["The pipeline deal is good"]]
    with_actor = sent[data["tasks"][1].pk]["predictions"][0]["result"][0]
    assert with_actor["value"]["text"] == "EU" and with_actor["value"]["labels"] == ["mention"]
    assert ("POST", "/api/projects/1/import") in stub.requests


def test_pull_imports_the_servers_annotations_as_submitted_statements(project, stub):
    data = build_project(project)
    Annotation.objects.filter(task__project=project).delete()
    project.tasks.update(submitted_count=0, is_complete=False)
    client = ls_client(url=stub.url, api_key=TOKEN)
    label_studio_push(project=project, client=client)
    stub.users.append({"id": 5, "email": "alice0@example.org"})
    eu = data["actors"]["EU"]

    def annotate(task):
        text = task["data"]["text"]
        if "EU" not in text:
            return []
        s = text.index("EU")
        statement = {
            "actor_role": "mention",
            "actor": eu.name,
            "actor_start": s,
            "actor_end": s + 2,
            "claim": "Sanctions work",
            "stance": "favor",
            "evidence_start": None,
            "evidence_end": None,
        }
        return [
            {
                "id": 1000 + task["id"],
                "completed_by": 5,
                "was_cancelled": False,
                "result": result_for_statements(text, [statement]),
            }
        ]

    stub.annotate = annotate
    summary = label_studio_pull(project=project, ls_project_id=1, client=client)
    assert summary.annotations == 6 and summary.users_created == [] and summary.users_matched == 1
    stored = Statement.objects.filter(annotation__task__project=project)
    assert set(stored.values_list("annotation__annotator__username", "actor__name", "stance__value")) == {
        ("alice0", "EU", "favor")
    }
    assert ("GET", "/api/projects/1/export?download_all_tasks=true&export_type=JSON") in stub.requests
    stub.annotate = None  # every annotation deleted in Label Studio
    assert label_studio_pull(project=project, ls_project_id=1, client=client).deleted == 6
    assert not Annotation.objects.filter(task__project=project).exists()
    assert set(project.tasks.values_list("submitted_count", flat=True)) == {0}


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
