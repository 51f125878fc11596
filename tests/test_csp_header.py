"""Every HTML response carries a strict Content-Security-Policy: scripts from our own origin only."""

import pytest
from django.test import Client

from tests.exports.storage_support import point_exports_at
from tests.hostile_scene import admin_urls, browsable_api_urls, build_hostile_scene, page_urls, unvisited


def script_policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response, url):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{url} has no Content-Security-Policy"
    policy = script_policy(header)
    assert policy.get("script-src") == ["'self'"], (url, header)
    assert policy.get("default-src") == ["'self'"], (url, header)
    assert policy.get("object-src") == ["'none'"] and policy.get("base-uri") == ["'none'"], (url, header)
    assert policy.get("frame-ancestors") == ["'none'"] and policy.get("form-action") == ["'self'"], (url, header)
    assert "'unsafe-eval'" not in header, (url, header)


@pytest.fixture
def scene(transactional_db, settings, tmp_path):
    point_exports_at(settings, tmp_path / "exports")
    return build_hostile_scene()


def test_every_html_page_sends_the_policy_for_every_role(scene):
    urls = page_urls(scene)
    assert not unvisited(urls), "a named page is neither checked nor exempt"
    html_seen = set()
    for user in (scene.annotators[0], scene.manager, scene.ml_engineer, scene.superuser, None):
        client = Client()
        if user is not None:
            client.force_login(user)
        pages = list(urls.values()) + browsable_api_urls(scene) + ["/no-such-page/"]
        if user is scene.superuser:
            pages += admin_urls()
        for url in pages:
            response = client.get(url, HTTP_ACCEPT="text/html")
            assert response.status_code < 500, url
            if response.headers.get("Content-Type", "").startswith("text/html"):
                assert_strict(response, url)
                html_seen.add(url)
    # Every page was HTML for at least one role (not only redirects to the login page).
    assert set(urls.values()) <= html_seen
    assert len(html_seen) >= len(urls) + 30


def test_the_swagger_ui_start_up_script_is_a_file_not_inline(scene):
    client = Client()
    client.force_login(scene.manager)
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("application/javascript")
