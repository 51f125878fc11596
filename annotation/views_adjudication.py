"""Adjudication pages (managers): the disagreement list and the side-by-side view of one task.

The page's JavaScript writes gold through the JSON API (annotation/api/adjudication.py)."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied

from .access import project_get_for
from .adjudication_selectors import adjudication_view, disagreement_list
from .api.adjudication import adjudication_out
from .models import Role, Task


def _managed(request, project_id: int):
    try:
        return project_get_for(user=request.user, project_id=project_id, roles=[Role.MANAGER])
    except DrfPermissionDenied as exc:
        raise PermissionDenied(str(exc.detail)) from exc


@login_required
def adjudication_list(request, project_id: int):
    project = _managed(request, project_id)
    only_open = request.GET.get("open") == "1"
    rows = disagreement_list(project=project, only_open=only_open)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "annotation/adjudication_list.html",
                  {"project": project, "page": page, "only_open": only_open, "total": len(rows)})


@login_required
def adjudicate(request, task_id: int):
    task = get_object_or_404(Task.objects.select_related("project", "paragraph__article"), pk=task_id)
    project = _managed(request, task.project_id)
    view = adjudication_view(task=task)
    return render(request, "annotation/adjudication_task.html", {
        "project": project, "task": task, "view": view,
        "data_json": json.dumps(adjudication_out(task), default=str),
        "stance_labels": list(project.stance_labels.values_list("value", flat=True)),
    })
