"""Failures leave a failed version with its error and no files; two versions can be compared."""

import pytest

from annotation.models import Adjudication, GoldStatement
from exports.models import DatasetVersion
from exports.services.export import dataset_version_build, dataset_version_create, diff_versions
from exports.tasks import build_dataset_version_task

pytestmark = pytest.mark.django_db


def failing_after(rows: int, shape):
    """`shape_row` that raises once it has shaped `rows` rows: a fault injected from outside the service."""
    calls = {"n": 0}

    def shape_then_fail(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > rows:
            raise RuntimeError(f"simulated failure after {rows} rows")
        return shape(*args, **kwargs)

    return shape_then_fail


def test_a_build_that_fails_half_way_is_marked_failed_with_its_error_and_leaves_no_files(
    project, annotated, export_root, monkeypatch
):
    import exports.services.dataset.build as build_module

    monkeypatch.setattr(build_module, "shape_row", failing_after(5, build_module.shape_row))
    version = dataset_version_create(project=project, params={}, enqueue=False)
    version = dataset_version_build(version_id=version.pk)
    assert version.status == DatasetVersion.Status.FAILED
    assert "simulated failure after 5 rows" in version.error
    assert version.folder == "" and version.manifest is None and version.sha256 == ""
    leftovers = [p for p in export_root.rglob("*") if p.is_file()]
    assert leftovers == []


def test_a_second_build_of_the_same_version_does_nothing(project, annotated, export_root):
    version = dataset_version_create(project=project, params={"formats": ["jsonl"]}, enqueue=False)
    build_dataset_version_task(version.pk)
    first = DatasetVersion.objects.get(pk=version.pk)
    build_dataset_version_task(version.pk)
    second = DatasetVersion.objects.get(pk=version.pk)
    assert first.status == second.status == DatasetVersion.Status.COMPLETE
    assert first.finished_at == second.finished_at and first.sha256 == second.sha256


def test_creating_a_version_queues_its_build_after_commit(project, django_capture_on_commit_callbacks, export_root):
    with django_capture_on_commit_callbacks() as callbacks:
        version = dataset_version_create(project=project, params={"seed": 3})
    assert version.status == DatasetVersion.Status.PENDING and version.number == 1
    assert len(callbacks) == 1
    assert dataset_version_create(project=project, params={}, enqueue=False).number == 2


def test_bad_parameters_name_the_field(project):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        dataset_version_create(project=project, params={"formats": ["xlsx"]}, enqueue=False)
    assert "formats" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        dataset_version_create(project=project, params={"split_ratios": [1, 0]}, enqueue=False)
    assert "split_ratios" in err.value.message_dict


def test_diff_reports_relabelled_added_and_removed(project, annotated, build):
    old = build(formats=["jsonl"])
    tasks, stance = annotated["tasks"], annotated["stance"]
    # relabel: the adjudicated paragraph's gold stance changes
    GoldStatement.objects.filter(adjudication__task=tasks[0]).update(stance=stance["favor"])
    # add a gold statement to another paragraph by adjudicating it
    adj = Adjudication.objects.create(task=tasks[3])
    GoldStatement.objects.create(
        adjudication=adj, actor_role="author", claim=annotated["claims"]["Sanctions work"], stance=stance["against"]
    )
    # remove a paragraph: drop its submitted annotations
    tasks[5].annotations.all().delete()
    new = build(formats=["jsonl"])
    diff = diff_versions(old=old, new=new)
    assert diff["counts"]["paragraphs_removed"] == 1 and diff["paragraphs_removed"] == [tasks[5].paragraph_id]
    assert diff["counts"]["paragraphs_added"] == 0
    relabelled = {(r["paragraph_id"], r["from"], r["to"]) for r in diff["relabelled"]}
    assert (tasks[0].paragraph_id, "against", "favor") in relabelled
    assert any(
        r["paragraph_id"] == tasks[3].paragraph_id for r in diff["statements_removed"] + diff["statements_added"]
    )
    same = diff_versions(old=new, new=new)
    assert all(v == 0 for v in same["counts"].values())


@pytest.mark.parametrize(
    "strategy, methods",
    [
        ("majority", {"adjudicated", "majority"}),
        ("model", {"adjudicated", "dawid_skene"}),
        ("adjudicated", {"adjudicated"}),
    ],
)
def test_gold_strategies_use_adjudication_first_then_the_chosen_aggregation(
    project, annotated, build, strategy, methods
):
    version = build(gold_strategy=strategy, formats=["jsonl"])
    assert version.status == "complete", version.error
    assert set(version.manifest["counts"]["gold_methods"]) == methods
    assert (
        version.manifest["agreement"].get("alpha") is not None and "generated_at" not in version.manifest["agreement"]
    )
