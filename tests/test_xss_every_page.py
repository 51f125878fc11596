"""No script from data ever runs: every page, opened by every role in a real Chromium, over a project whose
every user-writable text is an XSS payload (tests/hostile_scene.py).

A page fails when a dialog opens, when a payload set `window.__xss`, when any element of a payload
(they all carry `data-xss`) made it into the DOM, when a link from data has a `javascript:` URL, or
when the browser reports a script error or a Content-Security-Policy violation (ours or a payload's).
"""

from pathlib import Path

import pytest

from tests.browser_support import log_in
from tests.exports.storage_support import point_exports_at
from tests.hostile_scene import admin_urls, browsable_api_urls, build_hostile_scene, page_urls, unvisited

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REDOC_LOGO = "Loading the image 'https://cdn.redoc.ly/redoc/logo-mini.svg'"
PROBE = """() => ({
  xss: window.__xss === undefined ? null : String(window.__xss),
  injected: Array.from(document.querySelectorAll("[data-xss]")).map((e) => e.outerHTML.slice(0, 80)),
  jsLinks: Array.from(document.querySelectorAll("a[href], area[href], form[action], iframe[src]"))
    .map((e) => e.getAttribute("href") || e.getAttribute("action") || e.getAttribute("src"))
    .filter((u) => /^\\s*javascript:/i.test(u)),
})"""


@pytest.fixture
def scene(transactional_db, settings, tmp_path):
    point_exports_at(settings, tmp_path / "exports")
    return build_hostile_scene()


class Watch:
    """A page's dialogs, uncaught errors and CSP reports, collected from the moment it opens."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("console", self._console)

    def _dialog(self, dialog):
        self.problems.append(f"dialog opened: {dialog.message}")
        dialog.dismiss()

    def _console(self, message):
        text = message.text
        if REDOC_LOGO in text:  # Redoc's "powered by" image from its CDN: the offline docs rightly refuse it
            return
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.problems.append(f"CSP violation: {text}")

    def check(self, where: str) -> list[str]:
        found = self.page.evaluate(PROBE)
        problems = [f"{where}: {p}" for p in self.problems]
        if found["xss"] is not None:
            problems.append(f"{where}: a payload ran (window.__xss = {found['xss']})")
        problems += [f"{where}: payload markup in the DOM: {html}" for html in found["injected"]]
        problems += [f"{where}: javascript: link {url}" for url in found["jsLinks"]]
        self.problems.clear()
        return problems


def open_page(page, watch: Watch, url: str, where: str) -> tuple[int, list[str]]:
    response = page.goto(url, wait_until="load")
    if "/annotate/" in url and page.locator("#ws").count():  # it renders after its next-task call
        page.wait_for_selector("#ws:not([data-state=loading])", state="attached")
        if page.locator("#actor-input").is_visible():
            page.fill("#actor-input", "actor")  # autocompletes list registry entries built from data
            page.wait_for_selector("#actor-list li")
            page.fill("#claim-input", "claim")
            page.wait_for_selector("#claim-list li")
    elif "/api/docs/" in url:
        page.wait_for_selector(".swagger-ui .info")
    elif "/api/redoc/" in url:
        page.wait_for_selector("[role=navigation], .menu-content")
    else:
        page.wait_for_timeout(150)  # let deferred scripts and their first fetches run
    return response.status if response else 0, watch.check(where)


def visit_all(new_page, live_server, username, urls):
    page = new_page()
    watch = Watch(page)
    log_in(page, live_server, username)
    problems, statuses = watch.check(f"{username!r} login"), {}
    for url in urls:
        status, found = open_page(page, watch, live_server.url + url, f"{username[:12]!r} {url}")
        statuses[url] = status
        problems += found
    return page, watch, problems, statuses


def test_no_payload_runs_on_any_page_for_any_role(live_server, new_page, scene, tmp_path):
    urls = page_urls(scene)
    assert not unvisited(urls), "a named page is neither visited here nor exempt in tests/hostile_scene.py"
    pages = list(urls.values()) + browsable_api_urls(scene)
    problems, reached = [], set()
    for user in (scene.annotators[0], scene.ml_engineer, scene.manager):
        page, watch, found, statuses = visit_all(new_page, live_server, user.username, pages)
        problems += found
        reached |= {url for url, status in statuses.items() if status == 200}
        page.context.close()

    # The manager downloads the agreement report and opens the file, where no CSP protects it.
    page = new_page()
    watch = Watch(page)
    log_in(page, live_server, scene.manager.username, next_url=urls["exports:agreement"])
    with page.expect_download() as download:
        page.click("text=Download HTML report")
    report = Path(tmp_path / "agreement.html")
    download.value.save_as(report)
    assert "<svg" in report.read_text() and "&lt;script data-xss&gt;" in report.read_text()
    page.goto(report.as_uri())
    problems += watch.check("downloaded agreement report")
    page.context.close()

    # The superuser in the admin: every model's list and first object.
    page, watch, found, statuses = visit_all(new_page, live_server, scene.superuser.username, admin_urls())
    problems += found
    assert all(status == 200 for status in statuses.values()), statuses

    assert not problems, "\n".join(problems)
    assert reached >= set(pages), f"never opened with a 200: {set(pages) - reached}"
