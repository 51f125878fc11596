"""Reads for dataset exports, with the access rule: managers and ML engineers of the project."""

from django.http import Http404

from annotation.access import project_get_for
from annotation.models import Project, Role
from exports.models import DatasetVersion

EXPORT_ROLES = (Role.MANAGER, Role.ML_ENGINEER)


def export_project_get_for(*, user, project_id: int) -> Project:
    return project_get_for(user=user, project_id=project_id, roles=EXPORT_ROLES)


def dataset_version_get_for(*, user, version_id: int) -> DatasetVersion:
    """The version if the user may read its project's exports; 404 / 403 like every project check."""
    version = DatasetVersion.objects.select_related("project").filter(pk=version_id).first()
    if version is None:
        raise Http404("No such dataset version.")
    export_project_get_for(user=user, project_id=version.project_id)
    return version


def dataset_version_list(*, project: Project):
    return DatasetVersion.objects.filter(project=project).select_related("created_by").order_by("-number")
