"""Server-rendered pages of the exports app: dataset versions (list, create, detail, compare)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render

from exports.forms import DatasetVersionForm
from exports.models import DatasetVersion
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from exports import selectors_export
from exports.selectors_export import dataset_version_list
from exports.services.export import dataset_version_create, diff_versions, version_files_path


def export_project_get_for(*, user, project_id):
    """The API's access check with the page's answer: a 403 page rather than a DRF error."""
    try:
        return selectors_export.export_project_get_for(user=user, project_id=project_id)
    except ApiPermissionDenied as exc:
        raise PermissionDenied(str(exc.detail)) from exc


def dataset_version_get_for(*, user, version_id):
    try:
        return selectors_export.dataset_version_get_for(user=user, version_id=version_id)
    except ApiPermissionDenied as exc:
        raise PermissionDenied(str(exc.detail)) from exc


@login_required
def dataset_versions(request, project_id: int):
    project = export_project_get_for(user=request.user, project_id=project_id)
    form = DatasetVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = dataset_version_create(project=project, params=form.params(), user=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(None, f"{field}: {' '.join(errors)}")
        else:
            messages.success(request, f"Version {version.number} is queued; this page shows its progress.")
            return redirect("exports:list", project_id=project.pk)
    versions = list(dataset_version_list(project=project)[:200])
    complete = [v for v in versions if v.status == DatasetVersion.Status.COMPLETE]
    return render(request, "exports/dataset_versions.html", {
        "project": project, "versions": versions, "form": form, "complete": complete,
        "busy": any(v.status in (DatasetVersion.Status.PENDING, DatasetVersion.Status.BUILDING) for v in versions),
    })


@login_required
def dataset_version_detail(request, version_id: int):
    version = dataset_version_get_for(user=request.user, version_id=version_id)
    card = None
    if version.status == DatasetVersion.Status.COMPLETE:
        card = version_files_path(version, "README.md").read_text(encoding="utf-8")
    files = sorted((version.manifest or {}).get("files", {}).items())
    return render(request, "exports/dataset_version.html", {"version": version, "project": version.project,
                                                            "files": files, "card": card})


@login_required
def dataset_version_download(request, version_id: int, name: str):
    version = dataset_version_get_for(user=request.user, version_id=version_id)
    path = version_files_path(version, name)
    return FileResponse(open(path, "rb"), as_attachment=True,
                        filename=f"{version.project.name}-v{version.number}-{name.replace('/', '-')}")


@login_required
def dataset_version_compare(request, project_id: int):
    project = export_project_get_for(user=request.user, project_id=project_id)
    complete = list(dataset_version_list(project=project).filter(status=DatasetVersion.Status.COMPLETE))
    diff, error = None, None
    old_id, new_id = request.GET.get("old"), request.GET.get("new")
    if old_id and new_id:
        try:
            old = dataset_version_get_for(user=request.user, version_id=int(old_id))
            new = dataset_version_get_for(user=request.user, version_id=int(new_id))
            diff = diff_versions(old=old, new=new)
        except (ValueError, ValidationError) as exc:
            error = "; ".join(getattr(exc, "messages", [str(exc)]))
    return render(request, "exports/dataset_compare.html", {"project": project, "complete": complete, "diff": diff,
                                                            "error": error, "old_id": old_id, "new_id": new_id})
