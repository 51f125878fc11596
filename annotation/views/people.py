"""The People page (members, invitations, accounts) and the sign-up page an invitation opens.

Plain HTML forms posted to these views; each calls one service in annotation.services.people.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ..access import project_get_for
from ..forms import InvitationForm, SignupForm, UserCreateForm
from ..models import ProjectMembership, Role
from ..selectors import people as people_selectors
from ..services import people as people_services
from ..throttling import login_throttle_wait

MANAGER = (Role.MANAGER,)


def _apply_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _people(request, project, *, invite_form=None, user_form=None, new_link=None, new_invitation=None, status=200):
    context = {
        "project": project,
        "members": people_selectors.people_members(project=project, page=request.GET.get("page", 1)),
        "invitations": people_selectors.pending_invitations_page(project=project, page=request.GET.get("ipage", 1)),
        "invite_form": invite_form or InvitationForm(),
        "user_form": (user_form or UserCreateForm()) if request.user.is_superuser else None,
        "new_link": new_link,
        "new_invitation": new_invitation,
        "me": request.user,
    }
    return render(request, "annotation/people.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def people(request, project_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
    return _people(request, project)


@login_required
@require_POST
def invitation_create(request, project_id: int):
    """Renders the People page with the new link, this once (only its hash is stored)."""
    project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, token = people_services.invitation_create(
                project=project,
                created_by=request.user,
                link_for=lambda t: _signup_link(request, t),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if invitation.email:
                messages.success(request, f"Invitation sent to {invitation.email}.")
            return _people(
                request, project, new_link=_signup_link(request, token), new_invitation=invitation, status=201
            )
    return _people(request, project, invite_form=form, status=400)


def _signup_link(request, token: str) -> str:
    return request.build_absolute_uri(reverse("annotation:signup", args=[token]))


@login_required
@require_POST
def invitation_revoke(request, project_id: int, invitation_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
    invitation = people_selectors.invitation_get_for_project(project=project, invitation_id=invitation_id)
    if invitation is None:
        messages.error(request, "No such invitation in this project.")
    else:
        people_services.invitation_revoke(invitation=invitation)
        messages.success(request, f"Invitation {invitation.email or '(link)'} revoked; its link no longer works.")
    return redirect("annotation:people", project_id=project.pk)


@login_required
@require_POST
def user_create(request, project_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
    if not request.user.is_superuser:
        raise PermissionDenied("Only a superuser can create accounts; send an invitation instead.")
    form = UserCreateForm(request.POST)
    if form.is_valid():
        try:
            user = people_services.user_create(project=project, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            role = form.cleaned_data["role"]
            messages.success(request, f"Account {user.get_username()} created and added as {role}.")
            return redirect("annotation:people", project_id=project.pk)
    return _people(request, project, user_form=form, status=400)


def _member(project, user_id: int):
    membership = get_object_or_404(ProjectMembership.objects.select_related("user"), project=project, user_id=user_id)
    return membership.user


@login_required
@require_http_methods(["GET", "POST"])
def member_deactivate(request, project_id: int, user_id: int):
    """GET: the confirmation page; POST: switch the account off."""
    project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
    member = _member(project, user_id)
    blocker = people_services.deactivation_blocker(by=request.user, user=member)
    if request.method == "GET":
        return render(
            request,
            "annotation/member_deactivate.html",
            {"project": project, "member": member, "blocker": blocker},
            status=409 if blocker else 200,
        )
    try:
        released = people_services.user_deactivate(by=request.user, user=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{member.get_username()} is deactivated: they can no longer log in; "
            f"their annotations stay; {released} open task(s) went back to the pool.",
        )
    return redirect("annotation:people", project_id=project.pk)


@login_required
@require_POST
def member_reactivate(request, project_id: int, user_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
    member = _member(project, user_id)
    try:
        people_services.user_reactivate(by=request.user, user=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{member.get_username()} is active again and can log in.")
    return redirect("annotation:people", project_id=project.pk)


@require_http_methods(["GET", "POST"])
def signup(request, token: str):
    """The page an invitation link opens: choose a username and a password, then land in the project.

    Throttled like the log-in page; a bad link answers 404 (unknown) or 410 (expired, used, revoked)."""
    try:
        invitation = people_services.invitation_for_token(token=token)
    except people_services.InvitationInvalid as exc:
        return render(
            request, "annotation/signup.html", {"invalid": str(exc)}, status=404 if exc.state == "unknown" else 410
        )
    form = SignupForm(request.POST or None, initial={"email": invitation.email})
    status = 200
    if request.method == "POST":
        wait = login_throttle_wait(request)
        if wait is not None:
            response = render(
                request,
                "annotation/signup.html",
                {"invitation": invitation, "form": form, "throttled_seconds": wait},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, invitation = people_services.invitation_accept(
                    token=token, username=data["username"], password=data["password"], email=data["email"]
                )
            except people_services.InvitationInvalid as exc:
                return render(request, "annotation/signup.html", {"invalid": str(exc)}, status=410)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    f"Welcome, {user.get_username()}: you are a member of "
                    f"{invitation.project.name} as {invitation.get_role_display().lower()}.",
                )
                target = "annotation:workspace" if invitation.role == Role.ANNOTATOR else "annotation:project"
                return redirect(target, project_id=invitation.project_id)
        status = 400
    return render(request, "annotation/signup.html", {"invitation": invitation, "form": form}, status=status)
