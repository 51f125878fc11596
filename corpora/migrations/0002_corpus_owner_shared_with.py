import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def owner_is_creator(apps, schema_editor):
    apps.get_model("corpora", "Corpus").objects.filter(owner__isnull=True).update(owner=F("created_by"))


class Migration(migrations.Migration):
    dependencies = [
        ('corpora', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='corpus',
            name='owner',
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name='owned_corpora',
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name='corpus',
            name='shared_with',
            field=models.ManyToManyField(
                blank=True,
                help_text='Users who may read and change this corpus besides its owner.',
                related_name='shared_corpora',
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(owner_is_creator, migrations.RunPython.noop),
    ]
