"""The People page, the sign-up page and "Add member", through real requests: bad input, authorization."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from annotation.models import Invitation, ProjectMembership
from annotation.services import people
from annotation.services.tokens import api_token_create
from tests.annotation.test_login_throttling import _forget_counts
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
GOOD = "quiet harbour lantern 57"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(project, tail=""):
    return f"/projects/{project.pk}/people/{tail}"


def test_people_page_lists_members_with_counts_and_empty_invitations(project, manager, annotator):
    response = _client(manager).get(_url(project))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-username="annotator"' in body and "No pending invitations." in body
    assert "Create an account" not in body  # superusers only


def test_only_managers_of_that_project_see_or_invite(project, manager, annotator, ml_engineer, outsider):
    other_manager = MembershipFactory(user=UserFactory(username="elsewhere"), role="manager").user
    for user, code in ((annotator, 403), (ml_engineer, 403), (outsider, 404), (other_manager, 404)):
        client = _client(user)
        assert client.get(_url(project)).status_code == code
        assert (
            client.post(_url(project, "invite/"), {"role": "manager", "expires_in_days": 7, "max_uses": 1}).status_code
            == code
        )
    assert Client().get(_url(project)).status_code == 302  # to the log-in page
    assert not Invitation.objects.exists()


def test_manager_invites_by_email_and_the_link_is_shown_once(project, manager, django_capture_on_commit_callbacks):
    client = _client(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(project, "invite/"),
            {"email": "ann@example.org", "role": "annotator", "expires_in_days": 3, "max_uses": 1},
        )
    assert response.status_code == 201
    link = response.context["new_link"]
    assert link.startswith("http://testserver/invitations/") and link in response.content.decode()
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body and mail.outbox[0].to == ["ann@example.org"]
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)
    listing = client.get(_url(project)).content.decode()
    assert "ann@example.org" in listing and link not in listing


def test_invite_form_bad_input_is_a_400_with_the_reason(project, manager):
    response = _client(manager).post(
        _url(project, "invite/"), {"email": "nope", "role": "boss", "expires_in_days": 1000, "max_uses": 0}
    )
    assert response.status_code == 400
    errors = response.context["invite_form"].errors
    assert set(errors) == {"email", "role", "expires_in_days", "max_uses"}
    assert not Invitation.objects.exists()


def test_revoke_from_the_page(project, manager):
    invitation, token = people.invitation_create(project=project, created_by=manager, role="annotator")
    client = _client(manager)
    assert client.post(_url(project, f"invitations/{invitation.pk}/revoke/")).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Client().get(f"/invitations/{token}/").status_code == 410


def test_signup_page_creates_the_account_logs_in_and_lands_in_the_project(project, manager):
    _, token = people.invitation_create(project=project, created_by=manager, role="annotator")
    client = Client()
    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 200 and project.name in page.content.decode()
    response = client.post(f"/invitations/{token}/", {"username": "newbie", "password": GOOD, "password_again": GOOD})
    assert response.status_code == 302 and response.url == f"/projects/{project.pk}/annotate/"
    assert client.get(response.url).status_code == 200  # logged in, a member
    assert ProjectMembership.objects.get(user__username="newbie", project=project).role == "annotator"
    again = Client().get(f"/invitations/{token}/")
    assert again.status_code == 410 and "already been used" in again.content.decode()


@pytest.mark.parametrize("state", ["expired", "revoked", "used", "unknown"])
def test_signup_with_a_bad_link_is_a_clear_4xx(project, manager, state):
    invitation, token = people.invitation_create(project=project, created_by=manager, role="annotator")
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    elif state == "revoked":
        people.invitation_revoke(invitation=invitation)
    elif state == "used":
        Invitation.objects.filter(pk=invitation.pk).update(use_count=1)
    else:
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = Client().post(f"/invitations/{token}/", {"username": "late", "password": GOOD, "password_again": GOOD})
    assert response.status_code == (404 if state == "unknown" else 410)
    assert {"expired": "expired", "revoked": "withdrawn", "used": "already been used", "unknown": "not valid"}[
        state
    ] in response.content.decode()
    assert not User.objects.filter(username="late").exists()


def test_signup_weak_password_or_mismatch_is_a_400_that_says_why(project, manager):
    _, token = people.invitation_create(project=project, created_by=manager, role="annotator")
    client = Client()
    weak = client.post(
        f"/invitations/{token}/", {"username": "newbie", "password": "password", "password_again": "password"}
    )
    assert weak.status_code == 400 and "too common" in weak.content.decode()
    differ = client.post(
        f"/invitations/{token}/", {"username": "newbie", "password": GOOD, "password_again": GOOD + "x"}
    )
    assert differ.status_code == 400 and "The two passwords differ." in differ.content.decode()
    empty = client.post(f"/invitations/{token}/", {})
    assert empty.status_code == 400
    assert not User.objects.filter(username="newbie").exists()
    assert Invitation.objects.get().use_count == 0


def test_signup_is_throttled_like_login(project, manager, settings):
    _forget_counts()
    settings.LOGIN_THROTTLE_ADDRESS_RATE = "2/m"
    settings.LOGIN_THROTTLE_RATE = "1000/m"
    _, token = people.invitation_create(project=project, created_by=manager, role="annotator")
    client = Client(REMOTE_ADDR="10.9.8.7")
    codes = [
        client.post(f"/invitations/{token}/", {"username": f"x{i}", "password": "1"}).status_code for i in range(3)
    ]
    _forget_counts()
    assert codes == [400, 400, 429]


def test_deactivate_needs_confirmation_then_blocks_login_and_reactivate_restores(project, manager, annotator):
    client = _client(manager)
    session = _client(annotator)  # logged in before the deactivation
    _, key = api_token_create(user=annotator, name="script")
    assert session.get(f"/projects/{project.pk}/annotate/").status_code == 200
    assert Client().get(f"/api/projects/{project.pk}/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    confirm = client.get(_url(project, f"{annotator.pk}/deactivate/"))
    assert confirm.status_code == 200 and "Deactivate annotator?" in confirm.content.decode()
    annotator.refresh_from_db()
    assert annotator.is_active  # the GET only asks
    assert client.post(_url(project, f"{annotator.pk}/deactivate/")).status_code == 302
    annotator.refresh_from_db()
    assert not annotator.is_active
    assert not Client().login(username="annotator", password="pw")
    assert session.get(f"/projects/{project.pk}/annotate/").status_code == 302  # the session no longer counts
    # DRF answers 403 for a failed authentication when the first authenticator (session) has no challenge
    assert Client().get(f"/api/projects/{project.pk}/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 403
    assert Client().post(f"/api/projects/{project.pk}/next-task/", HTTP_AUTHORIZATION=f"Token {key}").status_code in (
        401,
        403,
    )
    assert client.post(_url(project, f"{annotator.pk}/reactivate/")).status_code == 302
    assert Client().login(username="annotator", password="pw")


def test_annotators_cannot_deactivate_and_non_members_are_404(project, manager, annotator, outsider):
    assert _client(annotator).post(_url(project, f"{manager.pk}/deactivate/")).status_code == 403
    assert _client(manager).get(_url(project, f"{outsider.pk}/deactivate/")).status_code == 404
    manager.refresh_from_db()
    assert manager.is_active


def test_superuser_creates_an_account_in_the_page_others_cannot(project, manager):
    root = User.objects.create_superuser("root", "root@example.org", GOOD)
    client = _client(root)
    assert "Create an account" in client.get(_url(project)).content.decode()
    weak = client.post(_url(project, "users/"), {"username": "eve", "password": "123", "role": "annotator"})
    assert weak.status_code == 400 and "too short" in weak.content.decode()
    ok = client.post(_url(project, "users/"), {"username": "eve", "password": GOOD, "role": "ml_engineer"})
    assert ok.status_code == 302
    assert ProjectMembership.objects.get(user__username="eve", project=project).role == "ml_engineer"
    denied = _client(manager).post(_url(project, "users/"), {"username": "mal", "password": GOOD, "role": "annotator"})
    assert denied.status_code == 403 and not User.objects.filter(username="mal").exists()


def test_add_member_for_an_unknown_username_points_at_invitations(project, manager):
    response = client_for(manager).post(f"/api/projects/{project.pk}/members/", {"username": "ghost"}, format="json")
    assert response.status_code == 400
    message = str(response.json())
    assert "No user named 'ghost'" in message and f"/projects/{project.pk}/people/" in message
