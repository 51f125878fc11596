"""A lean dispatch for the hottest endpoints (next task, submit): same rules, a fraction of the CPU.

These two calls are what 200 annotators make all day. DRF's generic dispatch (request wrapper,
content negotiation, parser and renderer classes, throttles, permission classes) and its serializers
cost several times more CPU than the work itself, so a LeanApiView keeps DRF for what it is good at
here (the class is still an APIView, so drf-spectacular documents it, and errors go through the
project's exception handler) and does the per-request part directly:

  * authentication exactly as REST_FRAMEWORK says: the session first (with DRF's CSRF check), then
    `Authorization: Token <key>` (annotation.api.auth.TokenAuthentication, one SQL query);
    anonymous -> 403 "Authentication credentials were not provided." (and APIClient.force_authenticate
    works in tests);
  * a JSON body read with orjson (400 on malformed JSON, 415 on another content type);
  * the handler returns (status, data) with plain dicts, rendered by orjson (UTC datetimes as "Z",
    like DRF's DateTimeField).
"""

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

from .authentication import TokenAuthentication
from .errors import exception_handler

_session, _token = SessionAuthentication(), TokenAuthentication()


def _default(value):
    if isinstance(value, Promise):  # lazy translations in DRF's messages
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_response(data, status: int = 200, *, option: int = orjson.OPT_UTC_Z) -> HttpResponse:
    if data is None:
        return HttpResponse(status=status)
    return HttpResponse(
        orjson.dumps(data, default=_default, option=option), status=status, content_type="application/json"
    )


def authenticate(request: HttpRequest):
    """The API user for a plain Django request, by the same rules and messages as DRF's defaults."""
    forced = getattr(request, "_force_auth_user", None)  # DRF's APIClient.force_authenticate (tests)
    if forced is not None:
        return forced
    # Without a session cookie there is no session user: skip loading one (scripts send only a token).
    user = getattr(request, "user", None) if settings.SESSION_COOKIE_NAME in request.COOKIES else None
    if user is not None and user.is_active:
        _session.enforce_csrf(request)
        return user
    result = _token.authenticate(request)
    if result is None:
        raise exceptions.NotAuthenticated()
    return result[0]


def json_body(request: HttpRequest) -> dict:
    if not request.body:
        return {}
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise exceptions.UnsupportedMediaType(content_type or "(none)")
    try:
        data = orjson.loads(request.body)
    except orjson.JSONDecodeError as exc:
        raise exceptions.ParseError(f"JSON parse error - {exc}") from None
    if not isinstance(data, dict):
        raise exceptions.ParseError("Expected a JSON object.")
    return data


class LeanApiView(APIView):
    """An APIView whose handlers take the Django request and return (status, data); see the module doc."""

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        self.args, self.kwargs, self.request, self.headers = args, kwargs, request, {}
        try:
            method = request.method.lower()
            handler = getattr(self, method, None) if method in self.http_method_names else None
            if handler is None or method == "options":
                raise exceptions.MethodNotAllowed(request.method)
            request.user = authenticate(request)
            status, data = handler(request, *args, **kwargs)
        except Exception as exc:
            if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
                exc.status_code = 403  # as DRF does when the first authenticator (session) has no challenge
            response = exception_handler(exc, {"view": self, "request": request})
            if response is None:
                raise
            # DRF's error details may key by index ({0: [...]}, e.g. a ListField's); render them as its
            # JSON renderer does, with the keys as strings.
            return json_response(response.data, response.status_code, option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS)
        return json_response(data, status)
