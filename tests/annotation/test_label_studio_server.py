"""Interoperability against a real Label Studio server (`make test` installs label-studio 1.23.x in
its own venv under var/ and starts it; see .ci/label_studio.sh): push, annotate through Label
Studio's API the way its UI stores results (bare prediction regions included), pull, change, delete,
pull again, export from Label Studio and import; our dataset export uploaded through Label Studio's
Import endpoint as its Import dialog does."""

import json
import os
import uuid

import httpx
import pytest

from annotation.label_studio import label_studio_import, label_studio_pull, label_studio_push, ls_client
from annotation.models import Annotation, AnnotationRevision, Statement
from tests.exports.conftest import folder_of
from tests.exports.export_data import build_project
from tests.exports.storage_support import point_exports_at

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("LABEL_STUDIO_URL"), reason="no LABEL_STUDIO_URL: `make test` starts a real Label Studio"
    ),
]


@pytest.fixture
def ls():
    client = ls_client(url=os.environ["LABEL_STUDIO_URL"], api_key=os.environ["LABEL_STUDIO_API_KEY"])
    made = []
    client.made = made
    yield client
    for pid in made:
        client.projects.delete(id=pid)


def _ls_user(client, email):
    for u in client.users.list():
        if u.email == email:
            return u.id
    return client.users.create(email=email, username=email.split("@")[0] + uuid.uuid4().hex[:6]).id


def _export(client, pid, export_type="JSON"):
    return json.loads(
        b"".join(client.projects.exports.download_sync(id=pid, export_type=export_type, download_all_tasks=True))
    )


def _region(rid, start, end, text, name, kind, key, value, origin="manual"):
    return {
        "id": rid,
        "from_name": name,
        "to_name": "text",
        "type": kind,
        "origin": origin,
        "value": {"start": start, "end": end, "text": text[start:end], key: value},
    }


def _statement_regions(rid, start, end, text, *, role, actor, claim, stance, origin="manual"):
    out = [_region(rid, start, end, text, "actor", "labels", "labels", [role], origin)]
    if actor:
        out.append(_region(rid, start, end, text, "actor_ref", "taxonomy", "taxonomy", [[actor]], origin))
    if claim:
        out.append(_region(rid, start, end, text, "claim", "taxonomy", "taxonomy", [[claim]], origin))
    if stance:
        out.append(_region(rid, start, end, text, "stance", "choices", "choices", [stance], origin))
    return out


def test_push_twice_sends_k_annotations_and_pre_labels_once_and_the_server_accepts_it_all(project, ls):
    data = build_project(project)
    alice = data["annotators"][0]
    alice_ls = _ls_user(ls, alice.email)
    first = label_studio_push(project=project, client=ls)
    ls.made.append(first["ls_project_id"])
    pid = first["ls_project_id"]
    assert (first["tasks"], first["annotations"], first["predictions"]) == (12, 36, 1)
    assert ls.projects.get(id=pid).maximum_annotations == 3
    again = label_studio_push(project=project, client=ls, ls_project_id=pid)
    assert (again["tasks"], again["updated"], again["annotations"], again["predictions"]) == (0, 12, 0, 0)
    tasks = _export(ls, pid)
    assert len(tasks) == 12 and sum(len(t["annotations"]) for t in tasks) == 36
    assert sum(a["completed_by"] == alice_ls for t in tasks for a in t["annotations"]) == 12
    # pulling what we pushed changes nothing, and writes no history
    revisions = AnnotationRevision.objects.count()
    summary = label_studio_pull(project=project, ls_project_id=pid, client=ls)
    assert (summary.annotations, summary.unchanged, summary.refused, summary.users_created) == (0, 36, [], [])
    assert AnnotationRevision.objects.count() == revisions


def test_annotate_in_label_studio_then_pull_change_delete_and_pull_again(project, ls):
    data = build_project(project, n_articles=2)
    Annotation.objects.filter(task__project=project).delete()
    project.tasks.update(submitted_count=0, is_complete=False)
    pushed = label_studio_push(project=project, client=ls)
    pid = pushed["ls_project_id"]
    ls.made.append(pid)
    alice_ls = _ls_user(ls, "alice1@example.org")
    stranger_ls = _ls_user(ls, f"stranger-{uuid.uuid4().hex[:6]}@example.org")
    tasks = {t["data"]["task_id"]: t for t in _export(ls, pid)}
    target = data["tasks"][0]
    ls_task = tasks[target.pk]
    text = ls_task["data"]["text"]
    china = text.index("China")
    # as the UI stores it: the pre-labelled Russia region completed, China left as predicted
    result = (
        _statement_regions(
            "p0", 0, 6, text, role="mention", actor="Russia", claim=None, stance=None, origin="prediction"
        )
        + [
            _region("p0", 0, 6, text, "claim", "taxonomy", "taxonomy", [["The pipeline deal is good"]]),
            _region("p0", 0, 6, text, "stance", "choices", "choices", ["favor"]),
        ]
        + _statement_regions(
            "p1", china, china + 5, text, role="mention", actor="China", claim=None, stance=None, origin="prediction"
        )
    )
    made = ls.annotations.create(id=ls_task["id"], result=result, completed_by=alice_ls, ground_truth=False)
    other = ls.annotations.create(
        id=ls_task["id"],
        completed_by=stranger_ls,
        ground_truth=False,
        result=[
            {
                "id": "ns",
                "from_name": "no_statement",
                "to_name": "text",
                "type": "choices",
                "origin": "manual",
                "value": {"choices": ["no statement"]},
            }
        ],
    )
    summary = label_studio_pull(project=project, ls_project_id=pid, client=ls)
    assert (summary.annotations, summary.ignored_regions, summary.refused) == (2, 1, [])
    assert summary.users_created == [ls.users.get(id=stranger_ls).email]
    alice_statements = Statement.objects.filter(
        annotation__task=target, annotation__annotator__email="alice1@example.org"
    )
    assert list(alice_statements.values_list("actor__name", "claim__text", "stance__value")) == [
        ("Russia", "The pipeline deal is good", "favor")
    ]
    # change the stance in Label Studio: one edit
    changed = [
        dict(r, value={**r["value"], "choices": ["against"]}) if r["from_name"] == "stance" else r for r in result
    ]
    ls.annotations.update(id=made.id, result=changed)
    summary = label_studio_pull(project=project, ls_project_id=pid, client=ls)
    assert (summary.annotations, summary.unchanged) == (1, 1)
    assert alice_statements.get().stance.value == "against"
    assert AnnotationRevision.objects.filter(annotation__task=target, action="edit").count() == 1
    # a pull with nothing new changes nothing
    revisions = AnnotationRevision.objects.count()
    assert label_studio_pull(project=project, ls_project_id=pid, client=ls).annotations == 0
    assert AnnotationRevision.objects.count() == revisions
    # delete one in Label Studio: gone here after the next pull, and the task's count goes down
    ls.annotations.delete(id=other.id)
    summary = label_studio_pull(project=project, ls_project_id=pid, client=ls)
    assert summary.deleted == 1
    target.refresh_from_db()
    assert target.submitted_count == 1 and Annotation.objects.filter(task=target).count() == 1
    # Label Studio's JSON_MIN export imports too, once no annotation has two regions (JSON_MIN drops
    # which region a stance belongs to); dropping the untouched China region changes no statement
    ls.annotations.update(id=made.id, result=[r for r in changed if r["id"] == "p0"])
    assert label_studio_pull(project=project, ls_project_id=pid, client=ls).unchanged == 1
    minimal = _export(ls, pid, "JSON_MIN")
    summary = label_studio_import(
        project=project, source=json.dumps(minimal).encode(), ls_users={alice_ls: "alice1@example.org"}
    )
    assert summary.format == "JSON_MIN" and summary.refused == [] and summary.unchanged == 1


def test_our_dataset_export_goes_through_label_studios_import_dialog_and_comes_back(project, ls, settings, tmp_path):
    from label_studio_sdk.label_interface import LabelInterface

    from annotation.label_studio_format import validate_config
    from exports.services.export import dataset_version_build, dataset_version_create

    point_exports_at(settings, tmp_path)
    build_project(project)
    version = dataset_version_create(
        project=project,
        params={"formats": ["label_studio"], "include_annotations": True, "include_predictions": True},
        enqueue=False,
    )
    version = dataset_version_build(version_id=version.pk)
    folder = folder_of(version, tmp_path)
    config = (folder / "label_studio_config.xml").read_text()
    validate_config(config)
    interface = LabelInterface(config)
    body = (folder / "label_studio.json").read_bytes()
    tasks = json.loads(body)
    assert len(tasks) == 12  # the tied paragraph travels too, without gold
    for task in tasks:
        for ann in task["annotations"]:
            assert interface.validate_annotation(ann), ann
        for pred in task.get("predictions", []):
            assert interface.validate_prediction(pred, return_errors=True) == []
    pid = ls.projects.create(title=f"import-{uuid.uuid4().hex[:8]}", label_config=config).id
    ls.made.append(pid)
    response = httpx.post(
        f"{os.environ['LABEL_STUDIO_URL']}/api/projects/{pid}/import",
        headers={"Authorization": f"Token {os.environ['LABEL_STUDIO_API_KEY']}"},
        files={"file": ("label_studio.json", body, "application/json")},
        timeout=60,
    )
    assert response.status_code == 201, response.text
    assert response.json()["task_count"] == 12
    back = _export(ls, pid)
    gold = [a for t in back for a in t["annotations"] if a["ground_truth"]]
    assert len(gold) == sum(1 for t in tasks if t["meta"]["standpoint"]["gold_method"])
    assert all(t["meta"]["standpoint"]["annotators"] for t in back)
    # and Label Studio's export of it imports into the same project as no change at all
    summary = label_studio_import(project=project, source=json.dumps(back).encode())
    assert (summary.annotations, summary.unchanged, summary.refused, summary.users_created) == (0, 36, [], [])
