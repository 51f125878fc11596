"""Browser fixtures shared with the annotation app's browser tests (same Chromium, same flags)."""

from tests.annotation.browser.conftest import browser, log_in, new_page, page  # noqa: F401
