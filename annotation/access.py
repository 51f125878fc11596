"""Who may see and do what in a project. Pages, API views and tasks all ask here.

Roles are per project (ProjectMembership.role). A superuser acts as a manager everywhere; a staff
user may create projects and corpora. Outsiders get 404 (a project's existence is not disclosed),
members with the wrong role get 403: Django's PermissionDenied, which pages show as the 403 page and
the API's exception handler (DRF's too) answers with {"detail": ...}.
"""

from collections.abc import Iterable
from functools import lru_cache

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .db import cursor, instance, model_from_row, select_columns
from .models import Annotation, Project, ProjectMembership, Role, Task

READ_ROLES = (Role.ANNOTATOR, Role.MANAGER, Role.ML_ENGINEER)


def role_for(*, user, project: Project | int) -> str | None:
    if not user or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.MANAGER
    project_id = project.pk if isinstance(project, Project) else project
    with cursor() as cur:  # plain SQL: this runs on every submit
        cur.execute(
            f'SELECT "role" FROM "{ProjectMembership._meta.db_table}" WHERE "project_id" = %s AND "user_id" = %s',
            [project_id, user.pk],
        )
        row = cur.fetchone()
    return row[0] if row else None


def projects_for(*, user) -> QuerySet[Project]:
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(memberships__user=user).distinct()


def project_get_for(*, user, project_id: int, roles: Iterable[str] = READ_ROLES) -> Project:
    """The project if `user` holds one of `roles` in it; 404 for outsiders, 403 for other roles.

    One plain SQL query for the project and the caller's role: every API call that names a project
    runs this, and the two ORM queries it replaced cost more CPU than a next-task's own work.
    """
    project, role = _project_and_role(user=user, project_id=project_id)
    if project is None or role is None:
        raise Http404("No such project.")
    if role not in set(roles):
        raise PermissionDenied(f"Your role in this project ({role}) does not allow this.")
    return project


@lru_cache(maxsize=1)
def _project_role_sql() -> str:
    return (
        f'SELECT {select_columns(Project, "p")}, m."role" FROM "{Project._meta.db_table}" p '
        f'LEFT JOIN "{ProjectMembership._meta.db_table}" m ON m."project_id" = p."id" AND m."user_id" = %s '
        f'WHERE p."id" = %s'
    )


def _project_and_role(*, user, project_id) -> tuple[Project | None, str | None]:
    if not user or not user.is_authenticated:
        return None, None
    try:
        project_id = int(project_id)
    except (TypeError, ValueError):
        return None, None
    with cursor() as cur:
        cur.execute(_project_role_sql(), [user.pk, project_id])
        row = cur.fetchone()
    if row is None:
        return None, None
    return model_from_row(Project, row[:-1]), (Role.MANAGER if user.is_superuser else row[-1])


def annotation_and_role(*, user, annotation_id) -> tuple[Annotation | None, str | None]:
    """(the annotation with id, task and annotator loaded, the user's role in its project) in one query."""
    if not user or not user.is_authenticated:
        return None, None
    with cursor() as cur:
        cur.execute(
            f'''SELECT a."id", a."task_id", a."annotator_id", m."role"
                        FROM "{Annotation._meta.db_table}" a JOIN "{Task._meta.db_table}" t ON t."id" = a."task_id"
                        LEFT JOIN "{ProjectMembership._meta.db_table}" m
                               ON m."project_id" = t."project_id" AND m."user_id" = %s
                        WHERE a."id" = %s''',
            [user.pk, annotation_id],
        )
        row = cur.fetchone()
    if row is None:
        return None, None
    annotation = instance(Annotation, {"id": row[0], "task_id": row[1], "annotator_id": row[2]})
    return annotation, (Role.MANAGER if user.is_superuser else row[3])


def can_create_projects(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))
