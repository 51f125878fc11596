"""Closed tasks (Task.closed_at): a task with work whose paragraph no longer matches the project (a kind
correction) is kept and closed by the task sync; the claim offers it to nobody.

standpoint_claim_task() is re-installed from migration 0010's text with one more condition in its four
candidate queries (t.closed_at IS NULL); the ORM path (annotation.services.assignment) has the same.
"""

from importlib import import_module

from django.db import migrations, models

per_task_k = import_module("annotation.migrations.0010_per_task_k_and_disagreement")

OPEN = "AND NOT t.is_complete AND "
assert per_task_k.CLAIM_FUNCTION.count(OPEN) == 4  # the four candidate queries, nothing else
CLAIM_FUNCTION = per_task_k.CLAIM_FUNCTION.replace(OPEN, f"{OPEN}t.closed_at IS NULL AND ")


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CLAIM_FUNCTION)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(per_task_k.CLAIM_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("annotation", "0010_per_task_k_and_disagreement")]

    operations = [
        migrations.AddField(
            model_name="task",
            name="closed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Its paragraph no longer matches the project (a kind correction): kept for its work, "
                "offered to nobody; a sync reopens it when the paragraph matches again.",
                null=True,
            ),
        ),
        migrations.RunPython(install, restore),
    ]
