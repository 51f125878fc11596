"""Who may see and do what in a project. Pages, API views and tasks all ask here.

Roles are per project (ProjectMembership.role). A superuser acts as a manager everywhere; a staff
user may create projects and corpora. Outsiders get 404 (a project's existence is not disclosed),
members with the wrong role get 403.
"""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404
from rest_framework.exceptions import PermissionDenied

from .models import Project, ProjectMembership, Role

READ_ROLES = (Role.ANNOTATOR, Role.MANAGER, Role.ML_ENGINEER)


def role_for(*, user, project: Project | int) -> str | None:
    if not user or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.MANAGER
    project_id = project.pk if isinstance(project, Project) else project
    return (ProjectMembership.objects.filter(project_id=project_id, user=user)
            .values_list("role", flat=True).first())


def projects_for(*, user) -> QuerySet[Project]:
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(memberships__user=user).distinct()


def project_get_for(*, user, project_id: int, roles: Iterable[str] = READ_ROLES) -> Project:
    """The project if `user` holds one of `roles` in it; 404 for outsiders, 403 for other roles."""
    project = Project.objects.filter(pk=project_id).first()
    role = role_for(user=user, project=project_id) if project else None
    if project is None or role is None:
        raise Http404("No such project.")
    if role not in set(roles):
        raise PermissionDenied(f"Your role in this project ({role}) does not allow this.")
    return project


def can_create_projects(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))
