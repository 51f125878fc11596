"""People: invitations, sign-up, accounts made by a superuser, deactivation and reactivation.

Every function here writes; the People page's reads live in annotation.selectors.people.
"""

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Assignment, Invitation, Project, ProjectMembership, Role
from ..models.invitation import invitation_token_hash
from .projects import membership_set

MAX_EXPIRY_DAYS = 90
MAX_USES = 1000


class InvitationInvalid(Exception):
    """The link cannot be used; `state` says why (unknown, expired, used, revoked)."""

    MESSAGES = {
        "unknown": "This invitation link is not valid. Check that you copied all of it, or ask for a new one.",
        Invitation.State.EXPIRED: "This invitation has expired. Ask the project manager for a new one.",
        Invitation.State.USED: "This invitation has already been used. Ask the project manager for a new one.",
        Invitation.State.REVOKED: "This invitation was withdrawn. Ask the project manager for a new one.",
    }

    def __init__(self, state: str):
        self.state = state
        super().__init__(self.MESSAGES[state])


def invitation_create(
    *,
    project: Project,
    created_by,
    role: str,
    email: str = "",
    expires_in_days: int | None = None,
    max_uses: int = 1,
    link_for=None,
) -> tuple[Invitation, str]:
    """A new invitation and its token, which is shown (or mailed) once and never stored.

    With `email`, the link (`link_for(token)`) is mailed through Django's mail backend after the commit.
    """
    errors = {}
    if role not in Role.values:
        errors["role"] = [f"Unknown role {role!r}; use one of {', '.join(Role.values)}."]
    days = settings.INVITATION_TTL_DAYS if expires_in_days is None else expires_in_days
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        errors["expires_in_days"] = [f"An invitation lasts 1 to {MAX_EXPIRY_DAYS} days."]
    if not 1 <= max_uses <= MAX_USES:
        errors["max_uses"] = [f"An invitation may be used 1 to {MAX_USES} times."]
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [f"{email!r} is not an e-mail address."]
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        project=project,
        role=role,
        email=email,
        token_hash=invitation_token_hash(token),
        created_by=created_by,
        created_at=now,
        expires_at=now + timedelta(days=days),
        max_uses=max_uses,
    )
    if email and link_for is not None:
        link = link_for(token)
        transaction.on_commit(lambda: _send_invitation(invitation=invitation, link=link))
    return invitation, token


def _send_invitation(*, invitation: Invitation, link: str) -> None:
    inviter = invitation.created_by.get_username() if invitation.created_by else "A project manager"
    send_mail(
        subject=f"Invitation to {invitation.project.name} on Standpoint",
        message=(
            f"{inviter} invites you to join the project \"{invitation.project.name}\" as "
            f"{invitation.get_role_display().lower()}.\n\nChoose a username and a password here:\n{link}\n\n"
            f"The link works until {invitation.expires_at:%Y-%m-%d %H:%M} UTC."
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_for_token(*, token: str, lock: bool = False) -> Invitation:
    """The usable invitation for `token`, or InvitationInvalid saying why not.

    The lookup is by the token's hash (unique index); the hash found is compared again in constant time.
    """
    token = (token or "").strip()
    if not token or len(token) > 200:
        raise InvitationInvalid("unknown")
    wanted = invitation_token_hash(token)
    qs = Invitation.objects.select_related("project")
    if lock:
        qs = qs.select_for_update(of=("self",))
    invitation = qs.filter(token_hash=wanted).first()
    if invitation is None or not hmac.compare_digest(invitation.token_hash, wanted):
        raise InvitationInvalid("unknown")
    state = invitation.state()
    if state != Invitation.State.PENDING:
        raise InvitationInvalid(state)
    return invitation


def _check_new_account(*, username: str, password: str, email: str = ""):
    """An unsaved user with a valid, free username and a password the validators accept; else ValidationError."""
    User = get_user_model()
    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    user = User(username=username, email=(email or "").strip())
    try:
        user.clean_fields(exclude=[f.name for f in User._meta.fields if f.name not in {"username", "email"}])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if username and User.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(f"The username {username!r} is taken; choose another.")
    if not password:
        errors["password"] = ["Choose a password."]
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    return user


def _save_new(user) -> None:
    """Save a checked new user; a concurrent sign-up that took the name first is a clear error, not a 500."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        taken = f"The username {user.get_username()!r} is taken; choose another."
        raise ValidationError({"username": [taken]}) from None


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str, email: str = ""):
    """Make the invitee's account and membership, and count one use of the invitation. Returns the user.

    Nothing is written unless every check passes (InvitationInvalid or ValidationError otherwise).
    """
    invitation = invitation_for_token(token=token, lock=True)
    user = _check_new_account(username=username, password=password, email=email or invitation.email)
    _save_new(user)
    password_validation.password_changed(password, user)
    ProjectMembership.objects.create(project=invitation.project, user=user, role=invitation.role)
    invitation.use_count += 1
    invitation.last_used_at = timezone.now()
    invitation.save(update_fields=["use_count", "last_used_at"])
    return user, invitation


@transaction.atomic
def user_create(
    *, username: str, password: str, email: str = "", project: Project | None = None, role: str = Role.ANNOTATOR
):
    """A new account (password checked by AUTH_PASSWORD_VALIDATORS), a member of `project` with `role` if given."""
    if project is not None and role not in Role.values:
        raise ValidationError({"role": [f"Unknown role {role!r}; use one of {', '.join(Role.values)}."]})
    user = _check_new_account(username=username, password=password, email=email)
    _save_new(user)
    if project is not None:
        membership_set(project=project, user=user, role=role)
    return user


def deactivation_blocker(*, by, user) -> str | None:
    """Why `by` may not deactivate (or reactivate) `user`'s account, or None if they may.

    An account is shared by every project it belongs to, so a manager may switch it off only when they
    manage all of them; a superuser may switch off anyone but themselves and other superusers.
    """
    if user.pk == by.pk:
        return "You cannot deactivate your own account."
    if user.is_superuser:
        return "A superuser's account is managed in the admin, not here."
    if by.is_superuser:
        return None
    theirs = set(ProjectMembership.objects.filter(user=user).values_list("project_id", flat=True))
    managed = set(ProjectMembership.objects.filter(user=by, role=Role.MANAGER).values_list("project_id", flat=True))
    if theirs - managed:
        return (
            f"{user.get_username()} also works in projects you do not manage; "
            "ask a superuser to deactivate the account."
        )
    return None


@transaction.atomic
def user_deactivate(*, by, user) -> int:
    """Switch the account off: no log-in, no API token, no new tasks. Their annotations stay; their
    active leases end so the tasks go back to the pool. Returns the number of leases released."""
    reason = deactivation_blocker(by=by, user=user)
    if reason:
        raise ValidationError({"user": [reason]})
    for membership in ProjectMembership.objects.filter(user=user, role=Role.MANAGER).select_related("project"):
        others = ProjectMembership.objects.filter(
            project=membership.project, role=Role.MANAGER, user__is_active=True
        ).exclude(user=user)
        if not others.exists():
            raise ValidationError(
                {
                    "user": [
                        f"{user.get_username()} is the only manager of "
                        f"{membership.project.name}; make someone else a manager first."
                    ]
                }
            )
    user.is_active = False
    user.save(update_fields=["is_active"])  # a save, so cached API tokens are forgotten (api/authentication.py)
    return Assignment.objects.filter(annotator=user, status=Assignment.Status.ACTIVE).update(
        status=Assignment.Status.EXPIRED
    )


@transaction.atomic
def user_reactivate(*, by, user) -> None:
    reason = deactivation_blocker(by=by, user=user)
    if reason:
        raise ValidationError({"user": [reason.replace("deactivate", "reactivate")]})
    user.is_active = True
    user.save(update_fields=["is_active"])
