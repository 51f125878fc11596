"""Browser fixtures for every app's browser tests: Playwright's sync API driving Debian's Chromium
against pytest-django's live_server.

The live server runs in a thread of this process, so the database is shared through real commits
(`transactional_db`). Playwright's sync API runs an event loop in this thread, which trips Django's
async-safety check when a test touches the ORM. The browser is session-scoped (one Chromium for all
browser tests, and Playwright's sync API allows only one running instance per thread), so its loop
outlives any one folder's tests: the flag is set for the whole process,
not per test. It only relaxes a check; no code here runs concurrently with the ORM.
"""

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 768, "height": 1024}
TIMEOUT_MS = 30_000  # generous: CI machines are shared and slow
EXPECT_TIMEOUT_MS = 15_000  # for expect(...) too (Playwright's default is 5 s, short on a loaded machine)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (make browser installs it).")
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Factory for pages at a viewport; every page's console errors are collected on `page.errors`."""
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, live_server, username: str, password: str = "pw", next_url: str = "/") -> None:
    """Through the real login form, as a person would."""
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
