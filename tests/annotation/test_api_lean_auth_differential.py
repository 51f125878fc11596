"""Lean authentication (annotation.api.lean) against DRF's, over HTTP, for generated requests.

The lean endpoints (next-task, submit) and DRF views doing the same check (PUT of an annotation: DRF's
dispatch, the same `_own_annotation` rule) get the same requests: an Authorization header drawn from
valid, revoked, expired, inactive-user, malformed, wrong-scheme, spaced, empty, unicode and very long
ones; a session cookie (active, inactive, garbage or none); a CSRF cookie and header (right, wrong,
header only or none), every combination of the three (520 requests to each path). Each pair must
answer alike: the same status and refusal message, and, when accepted, the same user.
"""

import itertools
from datetime import timedelta

from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from annotation.models import Annotation, ApiToken
from annotation.services.tokens import api_token_create, api_token_revoke
from tests.conftest import client_for
from tests.factories import UserFactory

# A body the annotation serializers refuse: past authentication, the owner gets 400, any other user 404,
# and nothing is written on either path.
INVALID = '{"statements": "not a list"}'


def _session_of(user) -> str:
    browser = Client()
    browser.force_login(user)
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


def _headers(keys: dict[str, str]) -> list[str | None]:
    key = keys["valid"]
    return [
        None,
        f"Token {key}",
        f"token {key}",
        f"TOKEN {key}",
        f"Token {keys['revoked']}",
        f"Token {keys['expired']}",
        f"Token {keys['inactive']}",
        f"Token {keys['other']}",
        "Token",
        "Token ",
        "Token nope",
        f"Token {key} extra",
        f"Token  {key}",
        f" Token {key}",
        f"Token {key} ",
        f"Token\t{key}",
        f"Bearer {key}",
        f"Basic {key}",
        key,
        "",
        " ",
        "Token \u00e9t\u00e9",
        f"Token {key}\u00e9",
        "Token \U0001f600",
        "Token " + "a" * 8000,
        "Token " + key * 200,
    ]


def _send(client: Client, method: str, url: str, header, csrf_sent):
    # A WSGI server hands header bytes on as latin-1 text (PEP 3333): a client's UTF-8 arrives so.
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header.encode().decode("latin-1")}
    if csrf_sent:
        extra["HTTP_X_CSRFTOKEN"] = csrf_sent
    return getattr(client, method)(url, data=INVALID, content_type="application/json", **extra)


def _client(session, csrf_cookie) -> Client:
    client = Client(enforce_csrf_checks=True)
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    if csrf_cookie:
        client.cookies[settings.CSRF_COOKIE_NAME] = csrf_cookie
    return client


def _refusal(response):
    return (response.status_code, response.json().get("detail")) if response.status_code in (401, 403) else None


def test_lean_endpoints_authenticate_exactly_as_drf_over_generated_requests(
    project, tasks, annotator, second_annotator
):
    annotation_id = client_for(annotator).post(f"/api/projects/{project.pk}/next-task/").json()["annotation"]["id"]
    # second_annotator holds a task too, so next-task answers them with their own annotation.
    client_for(second_annotator).post(f"/api/projects/{project.pk}/next-task/")
    users = {annotator.pk: "owner", second_annotator.pk: "other"}
    inactive = UserFactory(username="gone")
    keys = {
        "valid": api_token_create(user=annotator)[1],
        "other": api_token_create(user=second_annotator)[1],
        "inactive": api_token_create(user=inactive)[1],
    }
    revoked, keys["revoked"] = api_token_create(user=annotator)
    api_token_revoke(token=revoked)
    expired, keys["expired"] = api_token_create(user=annotator)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    sessions = {
        "none": None,
        "owner": _session_of(annotator),
        "other": _session_of(second_annotator),
        "inactive": _session_of(inactive),
        "garbage": "x" * 32,
    }
    inactive.is_active = False
    inactive.save()
    secret = _get_new_csrf_string()
    csrfs = {"none": (None, None), "right": (secret, secret), "wrong": (secret, _get_new_csrf_string())}
    csrfs["header only"] = (None, secret)
    headers = _headers(keys)

    seen = set()
    for session_name, csrf_name, header in itertools.product(sessions, csrfs, headers):
        cookie, sent = csrfs[csrf_name]
        case = (session_name, csrf_name, None if header is None else header[:60])

        # Submit (lean POST) against the annotation's PUT (DRF): the same check, the same body.
        lean = _send(
            _client(sessions[session_name], cookie), "post", f"/api/annotations/{annotation_id}/submit/", header, sent
        )
        drf = _send(_client(sessions[session_name], cookie), "put", f"/api/annotations/{annotation_id}/", header, sent)
        assert lean.status_code == drf.status_code, (case, lean.content, drf.content)
        assert _refusal(lean) == _refusal(drf), case
        assert lean.status_code in (400, 403, 404), (case, lean.content)  # owner 400, other user 404, refused 403

        # Next task (lean): refused exactly when DRF refuses; accepted as the user DRF saw.
        nxt = _send(
            _client(sessions[session_name], cookie), "post", f"/api/projects/{project.pk}/next-task/", header, sent
        )
        if _refusal(drf):
            assert _refusal(nxt) == _refusal(drf), case
            seen.add(_refusal(drf)[1])
        else:
            assert nxt.status_code == 200, (case, nxt.content)
            drf_user = "owner" if drf.status_code == 400 else "other"
            next_user = Annotation.objects.get(pk=nxt.json()["annotation"]["id"]).annotator_id
            assert users[next_user] == drf_user, case
            seen.add(drf_user)
    # The generated requests reach every answer: both users and each kind of refusal.
    assert {"owner", "other", "Invalid token.", "Token has expired.", "User inactive or deleted."} <= seen, seen
    assert any(s and s.startswith("CSRF Failed") for s in seen), seen
    assert "Authentication credentials were not provided." in seen, seen


_SPACES = st.sampled_from(["", " ", "  ", "\t", "\u00a0", "\u3000"])


@hypothesis_settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_lean_submit_authenticates_as_drf_for_any_authorization_header(project, tasks, annotator, data):
    """Headers hypothesis makes up, by themselves and around a real key (scheme, spacing, tails)."""
    annotation_id = client_for(annotator).post(f"/api/projects/{project.pk}/next-task/").json()["annotation"]["id"]
    key = api_token_create(user=annotator)[1]
    around_key = st.builds(
        lambda lead, scheme, sep, tail: f"{lead}{scheme}{sep}{key}{tail}",
        _SPACES,
        st.sampled_from(["Token", "token", "Bearer", "", "Tokens"]),
        _SPACES,
        st.one_of(st.just(""), _SPACES, st.text(max_size=20)),
    )
    header = data.draw(st.one_of(st.text(max_size=300), st.text(max_size=40).map("Token {}".format), around_key))
    with_session = data.draw(st.booleans())
    session = _session_of(annotator) if with_session else None
    lean = _send(_client(session, None), "post", f"/api/annotations/{annotation_id}/submit/", header, None)
    drf = _send(_client(session, None), "put", f"/api/annotations/{annotation_id}/", header, None)
    assert lean.status_code == drf.status_code, (header, lean.content, drf.content)
    assert _refusal(lean) == _refusal(drf), header
    assert lean.status_code in (400, 403), (header, lean.content)
