"""Pages for going back: My annotations, and the POSTs that open a task of one's own again
(reopen / take back / previous), each followed by the workspace, which resumes that lease."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from ..access import READ_ROLES, project_get_for, role_for
from ..api.going_back import query_from
from ..models import Annotation, Role
from ..selectors.my_annotations import (
    PAGE_SIZE,
    STATUSES,
    annotators_of,
    list_owner,
    my_annotation_ids,
    my_annotation_row,
    previous_annotation,
    with_details,
)
from ..services.exceptions import ConflictError
from ..services.going_back import task_reopen

WORK_ROLES = (Role.ANNOTATOR, Role.MANAGER)


@login_required
def my_annotations_page(request, project_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=READ_ROLES)
    role = role_for(user=request.user, project=project)
    try:
        query = query_from(request.GET)
    except ValidationError as exc:
        return render(
            request,
            "annotation/my_annotations.html",
            {"project": project, "errors": exc.detail, "statuses": STATUSES, "role": role},
            status=400,
        )
    owner = list_owner(user=request.user, project=project, role=role, annotator_id=query.get("annotator"))
    q, status = query.get("q", ""), query.get("status", "")
    page = Paginator(
        my_annotation_ids(project_id=project.pk, annotator_id=owner.pk, q=q, status=status), PAGE_SIZE
    ).get_page(request.GET.get("page", 1))
    own = owner.pk == request.user.pk
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "project": project,
        "role": role,
        "owner": owner,
        "own": own,
        "can_work": own and role in WORK_ROLES,
        "page": page,
        "rows": [my_annotation_row(a, q) for a in with_details(page.object_list)],
        "q": q,
        "status": status,
        "statuses": STATUSES,
        "filtered": bool(q or status),
        "query_string": params.urlencode(),
        "annotators": annotators_of(project=project) if role in (Role.MANAGER, Role.ML_ENGINEER) else [],
    }
    return render(request, "annotation/my_annotations.html", context)


def _open(request, project, annotation: Annotation, *, back: str):
    """Reopen (or take back) and go to the workspace; a refusal is said on the page we came from."""
    try:
        task_reopen(annotation=annotation, user=request.user)
    except (ConflictError, PermissionDenied) as exc:
        message = exc.detail["detail"] if isinstance(exc, ConflictError) else str(exc)
        messages.error(request, message)
        return redirect(back)
    return redirect("annotation:workspace", project.pk)


@login_required
@require_POST
def annotation_open(request, project_id: int, annotation_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=WORK_ROLES)
    annotation = Annotation.objects.filter(pk=annotation_id, annotator=request.user, task__project=project).first()
    if annotation is None:
        raise Http404("No such annotation of yours.")
    back = reverse("annotation:my-annotations", args=[project.pk])
    return _open(request, project, annotation, back=back)


@login_required
@require_POST
def previous_task(request, project_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=WORK_ROLES)
    previous = previous_annotation(user=request.user, project=project)
    if previous is None:
        messages.info(request, "There is no paragraph before this one that you submitted or skipped.")
        return redirect("annotation:workspace", project.pk)
    return _open(request, project, previous, back=reverse("annotation:my-annotations", args=[project.pk]))
