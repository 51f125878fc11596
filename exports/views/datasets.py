"""Server-rendered pages of the exports app: dataset versions (list, create, detail, compare)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from exports.forms import DatasetVersionForm
from exports.models import DatasetVersion
from exports.selectors.datasets import dataset_version_get_for, dataset_version_list, export_project_get_for
from exports.services.export import (
    archive_folder,
    can_cancel,
    can_retry,
    dataset_version_cancel,
    dataset_version_create,
    dataset_version_retry,
    diff_versions,
    download_name,
    is_stale,
    split_check,
    version_file_open,
    version_zip_stream,
)

VERSIONS_PER_PAGE = 25


@login_required
def dataset_versions(request, project_id: int):
    project = export_project_get_for(user=request.user, project_id=project_id)
    form = DatasetVersionForm(request.POST or None)
    check = None
    if request.method == "POST" and form.is_valid():
        try:
            check = split_check(project=project, params=form.params())
            if "check" not in request.POST:
                version = dataset_version_create(project=project, params=form.params(), user=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(None, f"{field}: {' '.join(errors)}")
        else:
            if "check" not in request.POST:
                for warning in check["warnings"]:
                    messages.warning(request, f"Version {version.number}: {warning}")
                messages.success(request, f"Version {version.number} is queued; this page shows its progress.")
                return redirect("exports:list", project_id=project.pk)
    elif request.method != "POST":
        check = split_check(project=project, params=None)
    page = Paginator(dataset_version_list(project=project), VERSIONS_PER_PAGE).get_page(request.GET.get("page"))
    versions = list(page.object_list)
    for v in versions:
        v.stale, v.can_cancel, v.can_retry = is_stale(v), can_cancel(v), can_retry(v)
    # the compare menus offer the newest complete versions, whatever page the table shows
    complete = list(dataset_version_list(project=project).filter(status=DatasetVersion.Status.COMPLETE)[:200])
    return render(
        request,
        "exports/dataset_versions.html",
        {
            "project": project,
            "versions": versions,
            "page": page,
            "form": form,
            "complete": complete,
            "check": check,
            "busy": any(v.status in (DatasetVersion.Status.PENDING, DatasetVersion.Status.BUILDING) for v in versions),
        },
    )


@login_required
def dataset_version_detail(request, version_id: int):
    version = dataset_version_get_for(user=request.user, version_id=version_id)
    card = None
    if version.status == DatasetVersion.Status.COMPLETE:
        with version_file_open(version, "README.md") as f:
            card = f.read().decode("utf-8")
    files = sorted((version.manifest or {}).get("files", {}).items())
    version.stale, version.can_cancel, version.can_retry = is_stale(version), can_cancel(version), can_retry(version)
    return render(
        request,
        "exports/dataset_version.html",
        {"version": version, "project": version.project, "files": files, "card": card},
    )


@login_required
@require_POST
def dataset_version_action(request, version_id: int, action: str):
    """Cancel or retry a version from its page or the list (the button's form says where to go back)."""
    version = dataset_version_get_for(user=request.user, version_id=version_id)
    service = {"cancel": dataset_version_cancel, "retry": dataset_version_retry}[action]
    try:
        version = service(version=version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Version {version.number} cancelled."
            if action == "cancel"
            else f"Version {version.number} is queued again; this page shows its progress.",
        )
    if request.POST.get("next") == "detail":
        return redirect("exports:detail", version_id=version.pk)
    return redirect("exports:list", project_id=version.project_id)


@login_required
def dataset_version_download(request, version_id: int, name: str):
    version = dataset_version_get_for(user=request.user, version_id=version_id)
    try:
        opened = version_file_open(version, name)
    except ValidationError as exc:  # not complete, or no such file in its manifest
        raise Http404(" ".join(exc.messages)) from None
    return FileResponse(opened, as_attachment=True, filename=download_name(name))


def version_zip_response(version) -> StreamingHttpResponse:
    """The whole version as one zip, streamed from the storage (the page and the API send this)."""
    response = StreamingHttpResponse(version_zip_stream(version), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, f"{archive_folder(version)}.zip")
    return response


@login_required
def dataset_version_zip(request, version_id: int):
    try:
        return version_zip_response(dataset_version_get_for(user=request.user, version_id=version_id))
    except ValidationError as exc:  # not complete
        raise Http404(" ".join(exc.messages)) from None


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
    return render(
        request,
        "exports/dataset_compare.html",
        {"project": project, "complete": complete, "diff": diff, "error": error, "old_id": old_id, "new_id": new_id},
    )
