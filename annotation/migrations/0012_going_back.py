"""Going back: Project.allow_reopen, the `reopened` lease, the reopen/unskip history actions, and
standpoint_claim_task() re-installed: migration 0002's text (a reopened lease is resumed, newest
first, and keeps its task out of the annotator's queue; it never counts against k) with 0010's
per-task k and 0011's closed tasks, i.e. the text 0011 derives."""

from importlib import import_module

from django.db import migrations, models

closed_tasks = import_module("annotation.migrations.0011_closed_tasks")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(closed_tasks.CLAIM_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [
        ('annotation', '0011_closed_tasks'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalproject',
            name='allow_reopen',
            field=models.BooleanField(
                default=True,
                help_text='Annotators may reopen and edit their submitted annotations (never once the task is adjudicated).',
            ),
        ),
        migrations.AddField(
            model_name='project',
            name='allow_reopen',
            field=models.BooleanField(
                default=True,
                help_text='Annotators may reopen and edit their submitted annotations (never once the task is adjudicated).',
            ),
        ),
        migrations.AlterField(
            model_name='annotationrevision',
            name='action',
            field=models.CharField(
                choices=[
                    ('submit', 'Submitted'),
                    ('edit', 'Edited after submission'),
                    ('skip', 'Skipped'),
                    ('repoint', 'Registry merge re-pointed a statement'),
                    ('requeue', "Skip undone by a manager's re-queue"),
                    ('reopen', 'Reopened by its annotator'),
                    ('unskip', 'Skip undone by its annotator'),
                ],
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name='assignment',
            name='status',
            field=models.CharField(
                choices=[
                    ('active', 'Active'),
                    ('submitted', 'Submitted'),
                    ('skipped', 'Skipped'),
                    ('expired', 'Expired'),
                    ('reopened', 'Reopened after submission'),
                ],
                default='active',
                max_length=16,
            ),
        ),
        migrations.RunPython(create, migrations.RunPython.noop),
    ]
