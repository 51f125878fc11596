"""Log-in throttling (annotation.throttling) through real requests: POST /api/auth/token/ and the
log-in page, per username and per client address, against Redis as the shared cache."""

import time

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import UserFactory

PASSWORD = "a long enough passphrase 41"
TOKEN_URL = "/api/auth/token/"
LOGIN_URL = "/accounts/login/"


def _forget_counts():
    """Delete the throttle's counts only: in tests the cache shares its Redis database with the Celery
    broker, whose keys (queues, bindings) a cache.clear() would wipe."""
    if not hasattr(cache, "_cache") or not hasattr(cache._cache, "get_client"):
        cache.clear()  # local memory
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=cache.make_key("throttle:*")))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _empty_counts():
    _forget_counts()
    yield
    _forget_counts()


@pytest.fixture
def tight(settings):
    settings.LOGIN_THROTTLE_RATE = "3/2s"
    settings.LOGIN_THROTTLE_ADDRESS_RATE = "1000/m"
    return settings


def _token(username, password, addr):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json", REMOTE_ADDR=addr)


def _login(username, password, addr):
    return Client().post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=addr)


@pytest.mark.django_db
def test_token_api_throttles_per_username_even_with_the_right_password(tight):
    UserFactory(username="thr-api-user", password=PASSWORD)
    for _ in range(3):
        assert _token("thr-api-user", "wrong", "10.9.0.1").status_code == 400
    refused = _token("thr-api-user", PASSWORD, "10.9.0.1")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 2
    assert "token" not in refused.json()
    # The username counts whatever the address: a fresh address is refused too.
    assert _token("thr-api-user", PASSWORD, "10.9.0.2").status_code == 429
    # Another username is not locked out.
    UserFactory(username="thr-api-other", password=PASSWORD)
    assert _token("thr-api-other", PASSWORD, "10.9.0.1").status_code == 200


@pytest.mark.django_db
def test_token_api_throttles_per_client_address(settings):
    settings.LOGIN_THROTTLE_RATE = "1000/m"
    settings.LOGIN_THROTTLE_ADDRESS_RATE = "2/m"
    UserFactory(username="thr-addr-user", password=PASSWORD)
    assert _token("thr-addr-a", "wrong", "10.9.1.1").status_code == 400
    assert _token("thr-addr-b", "wrong", "10.9.1.1").status_code == 400
    refused = _token("thr-addr-user", PASSWORD, "10.9.1.1")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert _token("thr-addr-user", PASSWORD, "10.9.1.2").status_code == 200


@pytest.mark.django_db
def test_token_api_count_resets_after_the_window(tight):
    UserFactory(username="thr-reset-user", password=PASSWORD)
    for _ in range(3):
        _token("thr-reset-user", "wrong", "10.9.2.1")
    assert _token("thr-reset-user", PASSWORD, "10.9.2.1").status_code == 429
    time.sleep(2.2)
    assert _token("thr-reset-user", PASSWORD, "10.9.2.1").status_code == 200


@pytest.mark.django_db
def test_login_page_throttles_per_username_with_the_right_password(tight):
    UserFactory(username="thr-page-user", password=PASSWORD)
    for _ in range(3):
        assert _login("thr-page-user", "wrong", "10.9.3.1").status_code == 200  # the form again
    refused = _login("thr-page-user", PASSWORD, "10.9.3.1")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 2
    assert "_auth_user_id" not in refused.client.session
    time.sleep(2.2)
    accepted = _login("thr-page-user", PASSWORD, "10.9.3.1")
    assert accepted.status_code == 302
    assert accepted.client.session["_auth_user_id"]


@pytest.mark.django_db
def test_login_page_throttles_per_client_address(settings):
    settings.LOGIN_THROTTLE_RATE = "1000/m"
    settings.LOGIN_THROTTLE_ADDRESS_RATE = "2/m"
    UserFactory(username="thr-page-addr", password=PASSWORD)
    _login("thr-page-x", "wrong", "10.9.4.1")
    _login("thr-page-y", "wrong", "10.9.4.1")
    refused = _login("thr-page-addr", PASSWORD, "10.9.4.1")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert _login("thr-page-addr", PASSWORD, "10.9.4.2").status_code == 302


@pytest.mark.django_db
def test_page_and_api_share_one_count(tight):
    UserFactory(username="thr-shared-user", password=PASSWORD)
    for _ in range(3):
        _login("thr-shared-user", "wrong", "10.9.5.1")
    assert _token("thr-shared-user", PASSWORD, "10.9.5.2").status_code == 429
