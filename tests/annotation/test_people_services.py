"""People services (annotation.services.people) and the createuser command, on PostgreSQL."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from annotation.models import Assignment, Invitation, ProjectMembership
from annotation.models.invitation import invitation_token_hash
from annotation.services import people
from tests.factories import AnnotationFactory, AssignmentFactory, MembershipFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
GOOD = "quiet harbour lantern 57"


def _invite(project, manager, **kw):
    return people.invitation_create(project=project, created_by=manager, role=kw.pop("role", "annotator"), **kw)


def test_token_is_random_and_only_its_hash_is_stored(project, manager):
    invitation, token = _invite(project, manager)
    _, other = _invite(project, manager)
    assert len(token) >= 40 and token != other
    assert invitation.token_hash == invitation_token_hash(token) and token not in invitation.token_hash
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert people.invitation_for_token(token=token).pk == invitation.pk


def test_accept_makes_the_account_and_membership_and_uses_the_invitation(project, manager):
    invitation, token = _invite(project, manager, role="ml_engineer", email="new@example.org")
    user, _ = people.invitation_accept(token=token, username="newbie", password=GOOD)
    assert user.check_password(GOOD) and user.email == "new@example.org"
    assert ProjectMembership.objects.get(project=project, user=user).role == "ml_engineer"
    invitation.refresh_from_db()
    assert invitation.use_count == 1 and invitation.state() == Invitation.State.USED
    with pytest.raises(people.InvitationInvalid) as exc:
        people.invitation_accept(token=token, username="second", password=GOOD)
    assert exc.value.state == "used" and "already been used" in str(exc.value)
    assert not User.objects.filter(username="second").exists()


def test_an_invitation_with_several_uses_takes_that_many(project, manager):
    _, token = _invite(project, manager, max_uses=2)
    people.invitation_accept(token=token, username="one", password=GOOD)
    people.invitation_accept(token=token, username="two", password=GOOD)
    with pytest.raises(people.InvitationInvalid):
        people.invitation_accept(token=token, username="three", password=GOOD)
    assert set(project.memberships.values_list("user__username", flat=True)) >= {"one", "two"}


def test_expired_revoked_and_unknown_tokens_are_refused_and_write_nothing(project, manager):
    expired, t1 = _invite(project, manager)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, t2 = _invite(project, manager)
    people.invitation_revoke(invitation=revoked)
    for token, state in ((t1, "expired"), (t2, "revoked"), ("x" * 43, "unknown"), ("", "unknown")):
        with pytest.raises(people.InvitationInvalid) as exc:
            people.invitation_accept(token=token, username=f"u{state}", password=GOOD)
        assert exc.value.state == state
    assert User.objects.filter(username__startswith="u").count() == 0


def test_weak_password_and_taken_username_are_clear_errors_and_leave_the_invitation_unused(project, manager):
    invitation, token = _invite(project, manager)
    with pytest.raises(ValidationError) as exc:
        people.invitation_accept(token=token, username="newbie", password="12345678")
    assert any("common" in m or "numeric" in m for m in exc.value.message_dict["password"])
    with pytest.raises(ValidationError) as exc:
        people.invitation_accept(token=token, username="Manager", password=GOOD)
    assert "taken" in exc.value.message_dict["username"][0]
    with pytest.raises(ValidationError) as exc:
        people.invitation_accept(token=token, username="bad name!", password=GOOD)
    assert "username" in exc.value.message_dict
    invitation.refresh_from_db()
    assert invitation.use_count == 0 and not User.objects.filter(username="newbie").exists()


def test_invitation_create_rejects_bad_input(project, manager):
    with pytest.raises(ValidationError) as exc:
        _invite(project, manager, role="boss", email="not-an-address", expires_in_days=0, max_uses=0)
    assert set(exc.value.message_dict) == {"role", "email", "expires_in_days", "max_uses"}
    assert not Invitation.objects.exists()


def test_invitation_by_email_goes_through_the_mail_backend(project, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _, token = _invite(project, manager, email="ann@example.org", link_for=lambda t: f"http://x/invitations/{t}/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.org"] and project.name in message.subject
    assert f"http://x/invitations/{token}/" in message.body


def test_deactivation_keeps_work_releases_leases_and_reactivation_restores(project, manager, annotator):
    task = TaskFactory(project=project)
    annotation = AnnotationFactory(task=task, annotator=annotator)
    lease = AssignmentFactory(task=TaskFactory(project=project), annotator=annotator)
    assert people.user_deactivate(by=manager, user=annotator) == 1
    annotator.refresh_from_db()
    lease.refresh_from_db()
    assert not annotator.is_active and lease.status == Assignment.Status.EXPIRED
    assert annotation.__class__.objects.filter(pk=annotation.pk).exists()
    assert ProjectMembership.objects.filter(project=project, user=annotator).exists()
    people.user_reactivate(by=manager, user=annotator)
    annotator.refresh_from_db()
    assert annotator.is_active


def test_deactivation_rules(project, manager, annotator):
    with pytest.raises(ValidationError, match="your own account"):
        people.user_deactivate(by=manager, user=manager)
    elsewhere = ProjectFactory()
    MembershipFactory(project=elsewhere, user=annotator)
    with pytest.raises(ValidationError, match="projects you do not manage"):
        people.user_deactivate(by=manager, user=annotator)
    root = User.objects.create_superuser("root", "root@example.org", GOOD)
    with pytest.raises(ValidationError, match="only manager"):
        people.user_deactivate(by=root, user=manager)
    assert people.user_deactivate(by=root, user=annotator) == 0
    assert User.objects.filter(username__in=["manager"], is_active=True).exists()


def test_createuser_command_with_password_file(project, tmp_path, capsys):
    secret = tmp_path / "pw"
    secret.write_text(GOOD + "\n")
    call_command(
        "createuser",
        "carla",
        "--role",
        "manager",
        "--project",
        str(project.pk),
        "--password-file",
        str(secret),
        "--email",
        "carla@example.org",
    )
    user = User.objects.get(username="carla")
    assert user.check_password(GOOD) and ProjectMembership.objects.get(project=project, user=user).role == "manager"
    assert "Created user carla" in capsys.readouterr().out


def test_createuser_command_names_what_is_wrong(project, tmp_path, monkeypatch):
    weak = tmp_path / "weak"
    weak.write_text("password\n")
    with pytest.raises(CommandError, match="password: .*too common"):
        call_command("createuser", "dan", "--password-file", str(weak))
    with pytest.raises(CommandError, match="No project with id 999999"):
        call_command("createuser", "dan", "--project", "999999", "--password-file", str(weak))
    with pytest.raises(CommandError, match="Cannot read the password file"):
        call_command("createuser", "dan", "--password-file", str(tmp_path / "missing"))
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("createuser", "dan", "--role", "boss", "--password-file", str(weak))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    with pytest.raises(CommandError, match="--password-file"):
        call_command("createuser", "dan")
    assert not User.objects.filter(username="dan").exists()
