"""The data migration 0003_api_token copies the old one-per-user DRF tokens (authtoken_token), so
their keys keep working after the upgrade."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from annotation.models import ApiToken
from tests.factories import UserFactory

migration = importlib.import_module("annotation.migrations.0003_api_token")
LEGACY_KEY = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.django_db
def test_an_old_authtoken_key_keeps_working_after_the_copy():
    user = UserFactory(username="legacy-user")
    with connection.cursor() as cur:
        cur.execute(
            'CREATE TABLE "authtoken_token" ("key" varchar(40) PRIMARY KEY, '
            '"created" timestamptz NOT NULL, "user_id" integer NOT NULL)'
        )
        cur.execute(
            'INSERT INTO "authtoken_token" ("key", "created", "user_id") VALUES (%s, %s, %s)',
            [LEGACY_KEY, timezone.now(), user.pk],
        )
    with connection.schema_editor() as editor:
        migration.copy_legacy_tokens(global_apps, editor)
        migration.copy_legacy_tokens(global_apps, editor)  # a rerun adds nothing
    token = ApiToken.objects.get(user=user)
    assert token.prefix == LEGACY_KEY[:8]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {LEGACY_KEY}")
    assert client.get("/api/auth/tokens/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {LEGACY_KEY[:-1]}8")
    refused = client.get("/api/auth/tokens/")
    assert refused.status_code in (401, 403) and "Invalid token" in refused.content.decode()


@pytest.mark.django_db
def test_the_copy_is_a_no_op_without_the_old_table():
    with connection.schema_editor() as editor:
        migration.copy_legacy_tokens(global_apps, editor)
    assert not ApiToken.objects.exists()
