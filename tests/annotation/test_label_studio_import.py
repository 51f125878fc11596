"""Label Studio JSON made with our config imports back as the same statements; bad files import nothing."""

import copy
import json

import pytest

from annotation.label_studio import LabelStudioImportError, label_studio_import, project_label_config
from annotation.models import Annotation, Statement
from exports.builders.label_studio import validate_config
from tests.exports.conftest import folder_of
from tests.exports.export_data import build_project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _statements(project, exclude_users=()):
    rows = (Statement.objects.filter(annotation__task__project=project, annotation__status="submitted")
            .exclude(annotation__annotator__in=exclude_users)
            .values_list("annotation__task__paragraph_id", "actor_role", "actor__name", "actor_start", "actor_end",
                         "claim__text", "stance__value", "evidence_start", "evidence_end", "note"))
    return sorted(rows, key=str)


@pytest.fixture
def exported(project, settings, tmp_path):
    from exports.services.export import dataset_version_build, dataset_version_create

    settings.EXPORT_ROOT = tmp_path
    data = build_project(project)
    version = dataset_version_create(project=project, params={"formats": ["label_studio"], "include_annotations": True},
                                     enqueue=False)
    version = dataset_version_build(version_id=version.pk)
    assert version.status == "complete", version.error
    tasks = json.loads((folder_of(version, tmp_path) / "label_studio.json").read_text())
    return data, tasks


def test_round_trip_export_then_import_gives_the_same_statements(project, exported):
    data, tasks = exported
    before = _statements(project)
    originals = list(Annotation.objects.filter(task__project=project).values_list("annotator_id", flat=True))
    Annotation.objects.filter(task__project=project).delete()
    project.tasks.update(submitted_count=0, is_complete=False)
    summary = label_studio_import(project=project, source=json.dumps(tasks))
    assert summary.tasks == 12 and summary.annotations == 36 and summary.skipped_ground_truth == 12
    assert len(summary.users_created) == 3 and all(u.startswith("ls-annotator-") for u in summary.users_created)
    assert _statements(project) == before and len(before) > 30
    assert not Annotation.objects.filter(annotator_id__in=originals).exists()
    assert set(project.tasks.values_list("submitted_count", flat=True)) == {3}


def test_importing_the_same_file_twice_leaves_the_same_rows(project, exported):
    _, tasks = exported
    Annotation.objects.filter(task__project=project).delete()
    project.tasks.update(submitted_count=0, is_complete=False)
    label_studio_import(project=project, source=tasks)
    first = _statements(project)
    label_studio_import(project=project, source=tasks)
    assert _statements(project) == first and Annotation.objects.filter(task__project=project).count() == 36


@pytest.mark.parametrize("breakage, field, message", [
    (lambda t: t[3]["annotations"][1]["result"][2]["value"].update(choices=["Nobody says this"]),
     "annotations[1].result (statement 0).claim", "unknown claim"),
    (lambda t: t[3]["annotations"][1]["result"][0]["value"].update(start=5, end=500),
     "annotations[1].result[0].value.start", "not inside the text"),
    (lambda t: t[3]["data"].update(text="something else"), "data.text", "differs"),
    (lambda t: t[3]["data"].update(task_id=999999, paragraph_id=999999), "data.task_id", "no task"),
    (lambda t: t[3]["annotations"][1].pop("completed_by"), "annotations[1].completed_by", "missing annotator"),
    (lambda t: [r for r in t[3]["annotations"][1]["result"] if r.get("from_name") == "stance"][0]["value"]
     .update(choices=["maybe"]), "annotations[1].result (statement 0).stance", "unknown stance"),
])
def test_a_malformed_file_names_the_task_and_field_and_imports_nothing(project, exported, breakage, field, message):
    _, tasks = exported
    broken = copy.deepcopy(tasks)
    breakage(broken)
    Annotation.objects.filter(task__project=project).delete()
    with pytest.raises(LabelStudioImportError) as err:
        label_studio_import(project=project, source=broken)
    assert err.value.task.startswith("#3") and err.value.field == field and message in err.value.message
    assert f"task #3 (id {tasks[3]['id']})" in str(err.value)
    assert Annotation.objects.filter(task__project=project).count() == 0


def test_a_failure_on_the_last_task_rolls_back_the_earlier_ones(project, exported):
    """Errors found only while writing (the annotation service refuses a duplicate actor + claim)
    still import nothing, and name the task."""
    _, tasks = exported
    broken = copy.deepcopy(tasks)
    result = broken[-1]["annotations"][1]["result"]
    result.extend({**r, "id": "s9"} for r in list(result) if r.get("id") == "s0")
    Annotation.objects.filter(task__project=project).delete()
    project.tasks.update(submitted_count=0, is_complete=False)
    with pytest.raises(LabelStudioImportError) as err:
        label_studio_import(project=project, source=broken)
    assert err.value.task == f"task_id {tasks[-1]['data']['task_id']}" and "already links" in err.value.message
    assert Annotation.objects.filter(task__project=project).count() == 0


def test_not_json_and_not_a_list_are_refused():
    project = ProjectFactory()
    with pytest.raises(LabelStudioImportError, match="not valid JSON"):
        label_studio_import(project=project, source=b"{oops")
    with pytest.raises(LabelStudioImportError, match="list of tasks"):
        label_studio_import(project=project, source=b'{"data": {}}')


def test_the_project_config_validates(project):
    build_project(project)
    config = project_label_config(project)
    validate_config(config)
    assert 'name="claim"' in config and "Sanctions work" in config
