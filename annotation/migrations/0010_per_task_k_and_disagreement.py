"""A task's own k (Task.target_annotators, set by the task browser's bulk action) and its stored
disagreement (Task.disagreement, the task browser's filter).

standpoint_claim_task() is re-installed with each task's k, COALESCE(t.target_annotators, p_k), in
its candidate queries and its re-count under the lock: the text is migration 0002's with that one
change, so the function keeps one source. Existing tasks get their disagreement computed here.
"""

from collections import defaultdict
from importlib import import_module

from django.db import migrations, models

claim_function = import_module("annotation.migrations.0002_claim_task_function")

PER_TASK_K = "COALESCE(t.target_annotators, p_k)"
# the four candidate queries and the re-count compare with p_k; nothing else does
assert claim_function.CLAIM_FUNCTION.count(" < p_k") == 5
CLAIM_FUNCTION = claim_function.CLAIM_FUNCTION.replace(" < p_k", f" < {PER_TASK_K}")


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CLAIM_FUNCTION)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(claim_function.CLAIM_FUNCTION)


def backfill(apps, schema_editor):
    from annotation.selectors.adjudication import disagreement_of

    Task = apps.get_model("annotation", "Task")
    Annotation = apps.get_model("annotation", "Annotation")
    Statement = apps.get_model("annotation", "Statement")
    sets = defaultdict(dict)
    for task, annotator in Annotation.objects.filter(status="submitted", task__submitted_count__gte=2).values_list(
        "task_id", "annotator_id"
    ):
        sets[task][annotator] = set()
    for task, annotator, role, actor, claim, stance in Statement.objects.filter(
        annotation__status="submitted", annotation__task__submitted_count__gte=2
    ).values_list(
        "annotation__task_id", "annotation__annotator_id", "actor_role", "actor_id", "claim_id", "stance__value"
    ):
        sets[task][annotator].add((role if actor is None else "", actor, claim, stance))
    Task.objects.bulk_update(
        [Task(pk=t, disagreement=disagreement_of(list(by.values()))) for t, by in sets.items()],
        ["disagreement"],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("annotation", "0009_task_browser"),
        ("corpora", "0004_kind_model_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="disagreement",
            field=models.FloatField(
                blank=True,
                help_text="1 - mean pairwise Jaccard of the submitted annotations' statement sets; empty below two.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="task",
            name="target_annotators",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="This task's k (submitted annotations wanted); empty: the project's k.", null=True
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["project", "disagreement", "id"], name="task_browse_by_disagreement"),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(("target_annotators__isnull", True), ("target_annotators__gte", 1), _connector="OR"),
                name="task_k_at_least_one",
            ),
        ),
        migrations.RunPython(install, restore),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
