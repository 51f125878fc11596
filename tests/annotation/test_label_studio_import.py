"""Label Studio files made with our config import back as the same statements, one annotation at a
time: a bad annotation is refused with its task and field named, the others are imported."""

import copy
import json

import pytest
from django.db import IntegrityError

from annotation.label_studio import LabelStudioImportError, label_studio_import, project_label_config
from annotation.label_studio_format import label_config, validate_config
from annotation.models import Annotation, AnnotationRevision, Prediction, PredictionSet, Statement
from annotation.services import label_studio_write
from tests.exports.conftest import folder_of
from tests.exports.export_data import build_project
from tests.exports.storage_support import point_exports_at
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _statements(project, exclude_users=()):
    rows = (
        Statement.objects.filter(annotation__task__project=project, annotation__status="submitted")
        .exclude(annotation__annotator__in=exclude_users)
        .values_list(
            "annotation__task__paragraph_id",
            "annotation__annotator_id",
            "actor_role",
            "actor__name",
            "actor_start",
            "actor_end",
            "claim__text",
            "stance__value",
            "evidence_start",
            "evidence_end",
            "note",
        )
    )
    return sorted(rows, key=str)


@pytest.fixture
def exported(project, settings, tmp_path):
    from exports.services.export import dataset_version_build, dataset_version_create
    from tests.exports.storage_support import point_exports_at

    point_exports_at(settings, tmp_path)
    data = build_project(project)
    version = dataset_version_create(
        project=project,
        params={"formats": ["label_studio"], "include_annotations": True, "include_predictions": True},
        enqueue=False,
    )
    version = dataset_version_build(version_id=version.pk)
    assert version.status == "complete", version.error
    tasks = json.loads((folder_of(version, tmp_path) / "label_studio.json").read_text())
    return data, tasks


def _clear(project):
    Annotation.objects.filter(task__project=project).delete()
    PredictionSet.objects.filter(task__project=project).delete()
    project.tasks.update(submitted_count=0, is_complete=False)


def test_round_trip_export_then_import_gives_the_same_statements_by_the_same_people(project, exported):
    data, tasks = exported
    before = _statements(project)
    _clear(project)
    summary = label_studio_import(project=project, source=json.dumps(tasks))
    assert (summary.tasks, summary.annotations, summary.skipped_ground_truth, summary.refused) == (12, 36, 12, [])
    assert summary.users_created == []  # the pseudonyms in the task meta lead back to the members
    assert _statements(project) == before and len(before) > 30
    assert set(project.tasks.values_list("submitted_count", flat=True)) == {3}
    assert summary.prediction_sets == 1 and summary.predictions == 1
    pred = Prediction.objects.get(task__project=project)
    assert (pred.model_name, pred.model_version, pred.kind, pred.actor.name, pred.start, pred.end) == (
        "keywords",
        "1",
        "actor",
        "EU",
        4,
        6,
    )


def test_reimporting_our_own_export_into_the_same_project_changes_nothing_and_writes_no_history(project, exported):
    _, tasks = exported
    before = _statements(project)
    revisions = AnnotationRevision.objects.count()
    summary = label_studio_import(project=project, source=tasks)
    assert (summary.annotations, summary.unchanged, summary.refused, summary.users_created) == (0, 36, [], [])
    assert _statements(project) == before
    assert AnnotationRevision.objects.count() == revisions
    again = label_studio_import(project=project, source=tasks)
    assert again.prediction_sets == 0 and Prediction.objects.filter(task__project=project).count() == 1


def test_a_changed_stance_is_one_edit_with_its_history(project, exported):
    _, tasks = exported
    changed = copy.deepcopy(tasks)
    ann = changed[1]["annotations"][1]
    stance = [r for r in ann["result"] if r.get("from_name") == "stance"][0]
    stance["value"]["choices"] = ["against"]
    summary = label_studio_import(project=project, source=changed)
    assert (summary.annotations, summary.unchanged) == (1, 35)
    edit = AnnotationRevision.objects.get(action="edit")
    assert [s["stance"] for s in edit.after["statements"]].count("against") == 1


@pytest.mark.parametrize(
    "breakage, field, message",
    [
        (
            lambda t: [r for r in t[3]["annotations"][1]["result"] if r.get("from_name") == "claim"][0]["value"].update(
                taxonomy=[["Nobody says this"]]
            ),
            "annotations[0].result (statement 0).claim",
            "unknown claim",
        ),
        (
            lambda t: t[3]["annotations"][1]["result"][0]["value"].update(start=5, end=500),
            "annotations[0].result[0].value.start",
            "not inside the text",
        ),
        (
            lambda t: [r for r in t[3]["annotations"][1]["result"] if r.get("from_name") == "stance"][0][
                "value"
            ].update(choices=["maybe"]),
            "annotations[0].result (statement 0).stance",
            "unknown stance",
        ),
    ],
)
def test_a_bad_annotation_is_refused_with_task_and_field_and_the_others_are_imported(
    project, exported, breakage, field, message
):
    _, tasks = exported
    broken = copy.deepcopy(tasks)
    breakage(broken)
    for t in broken:  # credit by e-mail instead of pseudonym, to check the field names with index 0
        t["annotations"] = [a for a in t["annotations"] if not a["ground_truth"]][:1]
        t["annotations"][0]["completed_by"] = {"email": "alice0@example.org"}
        t["meta"] = {}
    _clear(project)
    summary = label_studio_import(project=project, source=broken)
    assert summary.annotations == 11 and len(summary.refused) == 1
    refused = summary.refused[0]
    assert refused.task == f"#3 (id {tasks[3]['id']})" and refused.field == field and message in refused.reason
    assert Annotation.objects.filter(task__project=project).count() == 11


@pytest.mark.parametrize(
    "breakage, field, message",
    [
        (lambda t: t[3]["data"].update(text="something else"), "data.text", "differs"),
        (lambda t: t[3]["data"].update(task_id=999999, paragraph_id=999999), "data.task_id", "no task"),
    ],
)
def test_a_task_that_does_not_match_is_refused_whole_and_the_other_tasks_are_imported(
    project, exported, breakage, field, message
):
    _, tasks = exported
    broken = copy.deepcopy(tasks)
    breakage(broken)
    _clear(project)
    summary = label_studio_import(project=project, source=broken)
    assert summary.annotations == 33 and [(r.field, message in r.reason) for r in summary.refused] == [(field, True)]


def test_a_missing_annotator_and_a_duplicate_statement_are_refused_alone(project, exported):
    _, tasks = exported
    broken = copy.deepcopy(tasks)
    broken[3]["meta"] = {}
    broken[3]["annotations"][1].pop("completed_by", None)
    result = broken[-1]["annotations"][1]["result"]
    result.extend({**r, "id": "s9"} for r in list(result) if r.get("id") == "s0")
    _clear(project)
    summary = label_studio_import(project=project, source=broken)
    reasons = sorted((r.field, r.reason) for r in summary.refused)
    assert ("annotations[1].completed_by", "missing annotator") in reasons
    assert any("already links this actor to this claim" in reason for _, reason in reasons)
    assert summary.annotations == 36 - 2 - 2  # two refused; the gold-less ground truth of task 3 is no annotator


def _ls_annotation(text, regions, who="alice0@example.org"):
    return {"id": 501, "completed_by": {"email": who}, "was_cancelled": False, "ground_truth": False, "result": regions}


def _region(rid, start, end, text, name, key, value, origin):
    return {
        "id": rid,
        "from_name": name,
        "to_name": "text",
        "type": "labels",
        "origin": origin,
        "value": {"start": start, "end": end, "text": text[start:end], key: value},
    }


def test_untouched_pre_label_regions_are_ignored_and_counted_not_an_error(project):
    data = build_project(project, n_articles=1)
    _clear(project)
    task = data["tasks"][0]
    text = task.paragraph.text
    china = text.index("China")
    regions = [  # the annotator completed Russia; China stayed as Label Studio copied it from the prediction
        _region("p0", 0, 6, text, "actor", "labels", ["mention"], "prediction"),
        _region("p0", 0, 6, text, "actor_ref", "taxonomy", [["Russia"]], "prediction"),
        _region("p0", 0, 6, text, "claim", "taxonomy", [["The pipeline deal is good"]], "manual"),
        _region("p0", 0, 6, text, "stance", "choices", ["favor"], "manual"),
        _region("p1", china, china + 5, text, "actor", "labels", ["mention"], "prediction"),
        _region("p1", china, china + 5, text, "actor_ref", "taxonomy", [["China"]], "prediction"),
    ]
    item = {"id": 7, "data": {"text": text, "task_id": task.pk}, "annotations": [_ls_annotation(text, regions)]}
    summary = label_studio_import(project=project, source=[item])
    assert (summary.annotations, summary.ignored_regions, summary.refused) == (1, 1, [])
    assert list(Statement.objects.filter(annotation__task=task).values_list("actor__name", "stance__value")) == [
        ("Russia", "favor")
    ]
    regions[-1]["origin"] = "prediction-changed"  # touched but left incomplete: the annotator's own half-work
    regions[-2]["origin"] = "manual"
    summary = label_studio_import(project=project, source=[item])
    assert summary.annotations == 0 and "no 'claim' value" in summary.refused[0].reason


def test_ls_users_are_matched_by_email_and_unknown_people_get_placeholders_named_by_email(project):
    data = build_project(project, n_articles=1)
    _clear(project)
    task = data["tasks"][1]
    text = task.paragraph.text
    eu = text.index("EU")
    regions = [
        _region("r", eu, eu + 2, text, "actor", "labels", ["mention"], "manual"),
        _region("r", eu, eu + 2, text, "actor_ref", "taxonomy", [["EU"]], "manual"),
        _region("r", eu, eu + 2, text, "claim", "taxonomy", [["Sanctions work"]], "manual"),
        _region("r", eu, eu + 2, text, "stance", "choices", ["favor"], "manual"),
    ]
    anns = [{"id": 10 + i, "completed_by": ls_id, "result": regions} for i, ls_id in enumerate((21, 22, 23, 24))]
    item = {"id": 3, "data": {"text": text, "task_id": task.pk}, "annotations": anns}
    users = {21: "Alice0@example.org", 22: "alice1@example.org", 23: "newcomer@example.org", 24: "alice2@example.org"}
    summary = label_studio_import(project=project, source=[item], ls_users=users)
    assert summary.users_created == ["newcomer@example.org"] and summary.users_matched == 3
    # k is 3: the fourth annotation is reported, not fatal
    assert summary.annotations == 3 and summary.over_k == 1 and "already has its 3" in summary.refused[0].reason
    names = set(Annotation.objects.filter(task=task).values_list("annotator__username", flat=True))
    assert names == {"alice0", "alice1", "newcomer@example.org"}


def test_an_import_follows_a_task_s_own_k_and_stores_its_disagreement(project):
    from annotation.models import Task

    data = build_project(project, n_articles=1)
    _clear(project)
    task = data["tasks"][1]
    Task.objects.filter(pk=task.pk).update(target_annotators=2)  # the task browser's "change k"
    text = task.paragraph.text
    eu = text.index("EU")
    regions = [
        _region("r", eu, eu + 2, text, "actor", "labels", ["mention"], "manual"),
        _region("r", eu, eu + 2, text, "actor_ref", "taxonomy", [["EU"]], "manual"),
        _region("r", eu, eu + 2, text, "claim", "taxonomy", [["Sanctions work"]], "manual"),
        _region("r", eu, eu + 2, text, "stance", "choices", ["favor"], "manual"),
    ]
    anns = [{"id": 10 + i, "completed_by": ls_id, "result": regions} for i, ls_id in enumerate((21, 22, 23))]
    item = {"id": 3, "data": {"text": text, "task_id": task.pk}, "annotations": anns}
    users = {21: "a@example.org", 22: "b@example.org", 23: "c@example.org"}
    summary = label_studio_import(project=project, source=[item], ls_users=users)
    assert summary.annotations == 2 and summary.over_k == 1 and "already has its 2" in summary.refused[0].reason
    task.refresh_from_db()
    assert (task.submitted_count, task.is_complete, task.disagreement) == (2, True, 0.0)  # two identical sets


def test_the_database_refusing_a_batch_falls_back_to_one_annotation_at_a_time(project, exported, monkeypatch):
    _, tasks = exported
    before = _statements(project)
    _clear(project)

    def refuse(*args, **kwargs):
        raise IntegrityError("simulated concurrent change")

    monkeypatch.setattr(label_studio_write, "_fast", refuse)
    summary = label_studio_import(project=project, source=tasks)
    assert (summary.annotations, summary.refused, summary.prediction_sets) == (36, [], 1)
    assert _statements(project) == before


def test_json_min_imports_and_csv_and_others_are_refused_by_name(project):
    data = build_project(project, n_articles=1)
    _clear(project)
    task = data["tasks"][1]
    text = task.paragraph.text
    eu = text.index("EU")
    span = {"start": eu, "end": eu + 2, "text": "EU"}
    record = {
        "id": 9,
        "text": text,
        "task_id": task.pk,
        "annotator": "alice1@example.org",
        "annotation_id": 77,
        "actor": [{**span, "labels": ["mention"]}],
        "actor_ref": {**span, "taxonomy": [["EU"]]},
        "claim": {**span, "taxonomy": [["Sanctions work"]]},
        "stance": "against",
    }
    summary = label_studio_import(project=project, source=json.dumps([record]))
    assert (summary.format, summary.annotations, summary.refused) == ("JSON_MIN", 1, [])
    assert Statement.objects.get(annotation__task=task).stance.value == "against"
    two = {
        **record,
        "stance": ["favor", "against"],
        "actor": [{**span, "labels": ["mention"]}, {"start": 0, "end": 3, "text": text[:3], "labels": ["mention"]}],
    }
    summary = label_studio_import(project=project, source=json.dumps([two]))
    assert summary.annotations == 0 and "export JSON" in summary.refused[0].reason
    for body, name in (
        (b"id,text,annotator\n1,hello,3\n", "CSV export"),
        (b"id\ttext\n1\thello\n", "TSV export"),
        (b"-DOCSTART- -X- O\n", "CoNLL"),
        (b"PK\x03\x04zip", "ZIP"),
    ):
        with pytest.raises(LabelStudioImportError, match=name):
            label_studio_import(project=project, source=body)


def test_not_json_and_not_a_list_are_refused():
    project = ProjectFactory()
    with pytest.raises(LabelStudioImportError, match="not valid JSON"):
        label_studio_import(project=project, source=b"{oops")
    with pytest.raises(LabelStudioImportError, match="list of tasks"):
        label_studio_import(project=project, source=b'{"nothing": 1}')


def test_the_project_config_validates_and_so_does_an_empty_projects(project):
    empty = project_label_config(ProjectFactory())
    assert 'name="actor_ref"' in empty and 'name="claim"' in empty
    validate_config(label_config(actors=[], claims=[], stances=[]))
    build_project(project)
    config = project_label_config(project)
    validate_config(config)
    assert '<Taxonomy name="actor_ref"' in config and "Sanctions work" in config
    assert config.index('name="stance"') < config.index('name="claim"') < config.index('name="actor_ref"')


def test_a_member_matched_by_username_is_not_duplicated(project):
    data = build_project(project, n_articles=1)
    _clear(project)
    bob = MembershipFactory(project=project, user=UserFactory(username="bob", email=""), role="annotator").user
    task = data["tasks"][0]
    item = {
        "id": 1,
        "data": {"text": task.paragraph.text, "task_id": task.pk},
        "annotations": [
            {
                "id": 1,
                "completed_by": "bob",
                "result": [
                    {"id": "ns", "from_name": "no_statement", "type": "choices", "value": {"choices": ["no statement"]}}
                ],
            }
        ],
    }
    summary = label_studio_import(project=project, source=[item])
    assert summary.users_created == [] and Annotation.objects.get(task=task).annotator == bob


def test_the_label_studio_export_carries_paragraphs_without_gold_and_the_other_formats_do_not(
    project, settings, tmp_path
):
    from exports.services.export import dataset_version_build, dataset_version_create

    point_exports_at(settings, tmp_path)
    build_project(project)
    version = dataset_version_create(
        project=project,
        params={"formats": ["label_studio", "jsonl"], "include_annotations": True, "gold_strategy": "adjudicated"},
        enqueue=False,
    )
    version = dataset_version_build(version_id=version.pk)
    assert version.status == "complete", version.error
    folder = folder_of(version, tmp_path)
    tasks = json.loads((folder / "label_studio.json").read_text())
    assert len(tasks) == 12 and sum(len(t["annotations"]) for t in tasks) == 36 + 1  # 36 annotations, 1 gold
    assert version.manifest["counts"]["skipped_without_gold"] == 11 and version.manifest["counts"]["paragraphs"] == 1
    jsonl_rows = sum(1 for f in folder.glob("*.jsonl") for _ in f.open())
    assert jsonl_rows == 1


def test_a_project_with_no_actors_or_claims_builds_every_export_format(settings, tmp_path):
    from exports.builders import FORMATS
    from exports.services.export import dataset_version_build, dataset_version_create

    point_exports_at(settings, tmp_path)
    project = ProjectFactory()
    version = dataset_version_create(
        project=project, params={"formats": list(FORMATS), "include_annotations": True}, enqueue=False
    )
    version = dataset_version_build(version_id=version.pk)
    assert version.status == "complete", version.error
    validate_config((folder_of(version, tmp_path) / "label_studio_config.xml").read_text())


def test_a_label_studio_annotation_id_never_picks_up_one_of_our_pseudonyms(project, exported):
    """Label Studio gives annotations its own ids; only `import_id` (what our file called `id`) may be
    looked up in the task meta."""
    _, tasks = exported
    task = copy.deepcopy(tasks[1])
    ours = task["annotations"][1]
    ours_key = str(ours["id"])
    made_in_ls = {
        **copy.deepcopy(ours),
        "id": ours["id"],
        "import_id": None,
        "completed_by": {"email": "newcomer@example.org"},
    }
    task["annotations"] = [made_in_ls]
    assert ours_key in task["meta"]["standpoint"]["annotators"]
    _clear(project)
    summary = label_studio_import(project=project, source=[task])
    assert summary.users_created == ["newcomer@example.org"] and summary.annotations == 1
