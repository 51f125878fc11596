"""Re-install standpoint_claim_task() as migration 0002 now generates it.

The waiting pass of the claim used to lock its candidate with a FOR UPDATE whose WHERE counted live
leases. When that FOR UPDATE had waited for a submit, PostgreSQL re-checked the WHERE on the task's new
version (submitted_count already + 1) against the statement's old snapshot of the leases (the
submitter's lease still live), so the submission counted twice, the last task with room looked full,
and an annotator was told that nothing was left. The waiting pass now picks its candidate without a
lock and then waits for that row by id; the re-count under the lock decides, as before.
"""

from importlib import import_module

from django.db import migrations

claim_function = import_module("annotation.migrations.0002_claim_task_function")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(claim_function.CLAIM_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("annotation", "0003_api_token")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
