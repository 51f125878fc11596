"""Log-in throttling: attempts per username and per client address, shared by every web worker.

Both POST /api/auth/token/ (as DRF throttle classes) and the log-in page (login_throttle_wait) count
here, in Django's cache (Redis in a deployment, see CACHES). Every attempt counts, right or wrong, so
a correct password during a lock-out is refused too; the count empties as the window slides by.
Rates: LOGIN_THROTTLE_RATE (per username) and LOGIN_THROTTLE_ADDRESS_RATE (per client address),
"<count>/<window>" with the window in s, m, h or d, optionally with a number: "10/15m".
"""

import hashlib
import math
import re

from django.conf import settings
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int | None, int | None]:
    """ "10/15m" -> (10, 900); "5/min" -> (5, 60); None -> (None, None) (no limit)."""
    if not rate:
        return None, None
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"Not a throttle rate: {rate!r} (expected e.g. '10/15m').")
    count, times, unit = match.groups()
    return int(count), int(times or 1) * _UNIT_SECONDS[unit]


class LoginThrottled(exceptions.Throttled):
    default_detail = "Too many log-in attempts for this account or from this address."


class _LoginThrottle(SimpleRateThrottle):
    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting, None)

    def parse_rate(self, rate):
        return parse_rate(rate)

    def _key(self, ident: str) -> str:
        return f"throttle:{self.scope}:{hashlib.sha256(ident.encode('utf-8', 'surrogatepass')).hexdigest()}"


class LoginUsernameThrottle(_LoginThrottle):
    scope = "login-username"
    setting = "LOGIN_THROTTLE_RATE"

    def get_cache_key(self, request, view):
        username = submitted_username(request)
        return self._key(username.casefold()) if username else None


class LoginAddressThrottle(_LoginThrottle):
    scope = "login-address"
    setting = "LOGIN_THROTTLE_ADDRESS_RATE"

    def get_cache_key(self, request, view):
        return self._key(self.get_ident(request))


LOGIN_THROTTLES = (LoginUsernameThrottle, LoginAddressThrottle)


def submitted_username(request) -> str:
    """The username a log-in attempt names: DRF's parsed body, or a plain form post."""
    data = getattr(request, "data", None)
    if data is None or not hasattr(data, "get"):
        data = request.POST
    value = data.get("username")
    return value.strip() if isinstance(value, str) else ""


def login_throttle_wait(request) -> int | None:
    """Count this log-in attempt; None if it may go ahead, else the seconds until it may."""
    waits = []
    for throttle in (cls() for cls in LOGIN_THROTTLES):
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 1)
    return math.ceil(max(waits)) if waits else None
