"""Named API tokens with an optional expiry, stored as hashes; the old one-per-user DRF tokens
(table authtoken_token, when this database has it) are copied over so their keys keep working."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

LEGACY_TABLE = "authtoken_token"


def copy_legacy_tokens(apps, schema_editor):
    from annotation.models.token import token_key_hash

    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("annotation", "ApiToken")
    with connection.cursor() as cur:
        cur.execute(f'SELECT "key", "user_id", "created" FROM "{LEGACY_TABLE}"')
        rows = cur.fetchall()
    ApiToken.objects.bulk_create(
        [
            ApiToken(
                user_id=user_id, name="API token", key_hash=token_key_hash(key), prefix=key[:8], created_at=created
            )
            for key, user_id, created in rows
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ('annotation', '0002_claim_task_function'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
                ('key_hash', models.CharField(editable=False, max_length=64, unique=True)),
                (
                    'prefix',
                    models.CharField(
                        editable=False, help_text="The key's first characters, to tell tokens apart.", max_length=8
                    ),
                ),
                ('created_at', models.DateTimeField()),
                ('last_used_at', models.DateTimeField(blank=True, null=True)),
                ('expires_at', models.DateTimeField(blank=True, help_text='Empty: never expires.', null=True)),
                (
                    'user',
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name='api_tokens',
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.RunPython(copy_legacy_tokens, migrations.RunPython.noop),
    ]
