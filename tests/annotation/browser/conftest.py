"""The shared browser fixtures (one Chromium for the whole run) live in tests/browser_support.py."""

from tests.browser_support import CHROMIUM, DESKTOP, TABLET, TIMEOUT_MS, log_in  # noqa: F401
