"""Reads for the People page: members with their activity and counts, and invitations."""

from django.core.paginator import Page, Paginator
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from ..models import Annotation, Invitation, Project
from .pages import project_members

MEMBERS_PER_PAGE = 25
INVITATIONS_PER_PAGE = 10


def people_members(*, project: Project, page: int | str = 1) -> Page:
    """A page of members (by role, then name) with their counts, whether the account is active, and
    their last activity: their last log-in or last annotation change in this project, whichever is later."""
    members = project_members(project=project)
    page_obj = Paginator(members, MEMBERS_PER_PAGE).get_page(page)
    user_ids = [m["user"].pk for m in page_obj.object_list]
    last_work = dict(
        Annotation.objects.filter(task__project=project, annotator_id__in=user_ids)
        .values("annotator_id")
        .annotate(at=Max("updated_at"))
        .values_list("annotator_id", "at")
    )
    for member in page_obj.object_list:
        times = [t for t in (member["user"].last_login, last_work.get(member["user"].pk)) if t is not None]
        member["last_activity"] = max(times) if times else None
    return page_obj


def pending_invitations(*, project: Project) -> QuerySet[Invitation]:
    """Invitations that can still be used, newest first."""
    return (
        Invitation.objects.filter(
            project=project, revoked_at__isnull=True, expires_at__gt=timezone.now(), use_count__lt=F("max_uses")
        )
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def pending_invitations_page(*, project: Project, page: int | str = 1) -> Page:
    return Paginator(pending_invitations(project=project), INVITATIONS_PER_PAGE).get_page(page)


def invitation_get_for_project(*, project: Project, invitation_id: int) -> Invitation | None:
    return Invitation.objects.filter(project=project, pk=invitation_id).first()
