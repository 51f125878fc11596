"""The export_dataset and label_studio management commands."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotation.models import Annotation
from exports.models import DatasetVersion

pytestmark = pytest.mark.django_db


def test_export_dataset_builds_a_complete_version_and_label_studio_import_reads_it_back(
    project, annotated, export_root
):
    out = StringIO()
    call_command(
        "export_dataset",
        str(project.pk),
        "--formats",
        "jsonl,label_studio",
        "--include-annotations",
        "--seed",
        "3",
        stdout=out,
    )
    version = DatasetVersion.objects.get(project=project)
    assert version.status == "complete" and f"v{version.number}: 12 paragraphs" in out.getvalue()
    assert version.params["seed"] == 3 and version.params["formats"] == ["jsonl", "label_studio"]
    path = export_root / version.folder / "label_studio.json"
    Annotation.objects.filter(task__project=project).delete()
    project.tasks.update(submitted_count=0, is_complete=False)
    out = StringIO()
    call_command("label_studio", "import", project.name, str(path), stdout=out)
    assert "imported 36 annotations" in out.getvalue()


def test_commands_report_bad_input_clearly(project, annotated, export_root, tmp_path):
    with pytest.raises(CommandError, match="formats"):
        call_command("export_dataset", str(project.pk), "--formats", "xlsx")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": 5, "data": {"text": "x", "task_id": 999999}}]))
    with pytest.raises(CommandError, match=r"Nothing was imported: task #0 \(id 5\), field data.task_id"):
        call_command("label_studio", "import", str(project.pk), str(bad))
    with pytest.raises(CommandError, match="No project"):
        call_command("export_dataset", "no-such-project")
