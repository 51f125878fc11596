"""Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

The live server runs in a thread of this process and shares the database through real commits
(``transactional_db``); Playwright's event loop in this thread trips Django's async-safety check
when the test touches the ORM, hence the flag.
"""

import pytest


@pytest.fixture
def chromium(browser):
    """The run's one Chromium (tests/browser_support.py)."""
    return browser


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()


def log_in(page, live_server, username: str, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
