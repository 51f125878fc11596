"""Named API tokens (annotation.models.ApiToken) through real requests: several per user, listed
without keys, a key shown once, revoked or expired keys refused at once, others' tokens hidden."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from annotation.models import ApiToken
from tests.factories import UserFactory

PASSWORD = "a long enough passphrase 41"


def _bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _refused(response, reason: str = "Invalid token") -> bool:
    """Refused for its token (403, not 401: SessionAuthentication comes first and sends no challenge)."""
    return response.status_code in (401, 403) and reason in response.content.decode()


def _obtain(username: str, addr: str) -> str:
    response = APIClient().post(
        "/api/auth/token/", {"username": username, "password": PASSWORD}, format="json", REMOTE_ADDR=addr
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.mark.django_db
def test_each_obtain_issues_a_new_token_and_all_keep_working():
    user = UserFactory(username="tok-several", password=PASSWORD)
    first, second = _obtain("tok-several", "10.8.0.1"), _obtain("tok-several", "10.8.0.1")
    assert first != second
    assert ApiToken.objects.filter(user=user).count() == 2
    for key in (first, second):
        assert _bearer(key).get("/api/auth/tokens/").status_code == 200


@pytest.mark.django_db
def test_list_hides_keys_and_create_shows_the_key_once():
    UserFactory(username="tok-list", password=PASSWORD)
    key = _obtain("tok-list", "10.8.1.1")
    client = _bearer(key)
    created = client.post("/api/auth/tokens/", {"name": "export script"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "export script" and body["key"].startswith(body["prefix"])
    assert _bearer(body["key"]).get("/api/auth/tokens/").status_code == 200
    listed = client.get("/api/auth/tokens/").json()
    assert {t["name"] for t in listed} == {"export script", "POST /api/auth/token/"}
    assert all("key" not in t for t in listed)
    assert key not in client.get("/api/auth/tokens/").content.decode()
    detail = client.get(f"/api/auth/tokens/{body['id']}/").json()
    assert "key" not in detail and detail["prefix"] == body["prefix"]


@pytest.mark.django_db
def test_a_revoked_key_is_refused_at_once():
    UserFactory(username="tok-revoke", password=PASSWORD)
    keeper = _bearer(_obtain("tok-revoke", "10.8.2.1"))
    victim = keeper.post("/api/auth/tokens/", {"name": "doomed"}, format="json").json()
    victim_client = _bearer(victim["key"])
    assert victim_client.get("/api/auth/tokens/").status_code == 200  # now in the lookup cache
    assert keeper.delete(f"/api/auth/tokens/{victim['id']}/").status_code == 204
    assert _refused(victim_client.get("/api/auth/tokens/"))
    assert keeper.get("/api/auth/tokens/").status_code == 200


@pytest.mark.django_db
def test_an_expired_token_is_refused(settings):
    settings.API_TOKEN_TTL_DAYS = 30
    UserFactory(username="tok-expiry", password=PASSWORD)
    key = _obtain("tok-expiry", "10.8.3.1")
    token = ApiToken.objects.get(user__username="tok-expiry")
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    client = _bearer(key)
    assert client.get("/api/auth/tokens/").status_code == 200
    assert client.get("/api/auth/tokens/").json()[0]["expired"] is False
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    assert _refused(client.get("/api/auth/tokens/"), "Token has expired")


@pytest.mark.django_db
def test_another_users_token_is_a_404():
    UserFactory(username="tok-alice", password=PASSWORD)
    UserFactory(username="tok-bob", password=PASSWORD)
    alice = _bearer(_obtain("tok-alice", "10.8.4.1"))
    bob_key = _obtain("tok-bob", "10.8.4.1")
    bob_token = ApiToken.objects.get(user__username="tok-bob")
    assert alice.get(f"/api/auth/tokens/{bob_token.pk}/").status_code == 404
    assert alice.delete(f"/api/auth/tokens/{bob_token.pk}/").status_code == 404
    assert _bearer(bob_key).get("/api/auth/tokens/").status_code == 200
    assert Client().get("/api/auth/tokens/").status_code in (401, 403)


@pytest.mark.django_db
def test_account_page_lists_creates_and_revokes_with_confirmation():
    user = UserFactory(username="tok-page", password=PASSWORD)
    page = Client()
    page.force_login(user)
    assert "You have no API tokens" in page.get("/account/").content.decode()
    created = page.post("/account/tokens/", {"name": "notebook"})
    assert created.status_code == 201
    token = ApiToken.objects.get(user=user)
    html = created.content.decode()
    key = html.split('<code class="token-key">')[1].split("</code>")[0]
    assert key.startswith(token.prefix) and len(key) == 40
    assert _bearer(key).get("/api/auth/tokens/").status_code == 200
    listing = page.get("/account/").content.decode()
    assert "notebook" in listing and token.prefix in listing and key not in listing
    confirm = page.get(f"/account/tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200 and "Revoke token" in confirm.content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()  # GET only asks
    assert page.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert _refused(_bearer(key).get("/api/auth/tokens/"))


@pytest.mark.django_db
def test_account_page_hides_other_users_tokens():
    owner = UserFactory(username="tok-page-owner")
    other = UserFactory(username="tok-page-other")
    page = Client()
    page.force_login(owner)
    page.post("/account/tokens/", {"name": "mine"})
    theirs = Client()
    theirs.force_login(other)
    token = ApiToken.objects.get(user=owner)
    assert "mine" not in theirs.get("/account/").content.decode()
    assert theirs.get(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert theirs.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
