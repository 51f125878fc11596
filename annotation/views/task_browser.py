"""Task browser pages (managers): the filtered table, the per-task page and the bulk actions' confirm step.

Server-rendered; annotation/static/annotation/task_browser.js only adds the keyboard (j/k, x, enter).
The query string is validated by the API's serializer (annotation.api.task_browser.query_from), so a
bad filter is a 400 page with the field's message, never a 500.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as ApiValidationError

from corpora.models import Paragraph

from ..access import project_get_for
from ..api.task_browser import TaskBulkIn, query_from
from ..models import Annotation, ProjectMembership, Role, Task
from ..selectors.task_browser import SORT_CHOICES, BadQuery, task_detail, task_page
from ..services.task_bulk import BULK_ACTIONS

ACTION_NAMES = {"requeue": "Re-queue (undo skips)", "adjudicate": "Send to adjudication", "set_k": "Change k"}
FILTER_KEYS = (
    "status",
    "annotator",
    "submissions",
    "submissions_min",
    "submissions_max",
    "skipped",
    "prelabels",
    "adjudicated",
    "sent_to_adjudication",
    "article",
    "kind",
    "disagreement_min",
    "disagreement_max",
    "q",
    "sort",
    "size",
)


# sortable column headers: table column -> sort name; the first click sorts highest first (Task: by order)
HEADER_SORTS = {"task": "order", "submitted": "submitted", "disagreement": "disagreement"}


def _header_links(filters: dict) -> dict:
    """For each sortable header: the query string its link goes to and the arrow it shows now."""
    current = filters.get("sort", "order")
    rest = {k: v for k, v in filters.items() if k != "sort"}
    out = {}
    for header, name in HEADER_SORTS.items():
        first = name if name == "order" else f"-{name}"
        flipped = first.lstrip("-") if first.startswith("-") else f"-{first}"
        target = flipped if current == first else first
        arrow = "▼" if current == f"-{name}" else "▲" if current == name else ""
        out[header] = {"qs": urlencode({**rest, "sort": target}), "arrow": arrow}
    return out


def _errors(exc) -> list[str]:
    detail = exc.detail if isinstance(exc, ApiValidationError) else {"cursor": [str(exc)]}
    return [f"{field}: {msg}" for field, msgs in detail.items() for msg in msgs]


@login_required
def task_browser(request, project_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=[Role.MANAGER])
    filters = {k: request.GET[k] for k in FILTER_KEYS if request.GET.get(k, "") != ""}
    context = {
        "project": project,
        "filters": filters,
        "sorts": SORT_CHOICES,
        "kinds": Paragraph.Kind.choices,
        "actions": ACTION_NAMES,
        "filter_qs": urlencode(filters),
        "headers": _header_links(filters),
        "errors": [],
        "page": None,
        "annotators": (
            ProjectMembership.objects.filter(project=project).select_related("user").order_by("user__username")
        ),
    }
    try:
        context["page"] = task_page(project=project, query=query_from(request.GET))
    except (ApiValidationError, BadQuery) as exc:
        context["errors"] = _errors(exc)
        return render(request, "annotation/task_browser.html", context, status=400)
    if context["page"].next_cursor:
        context["next_qs"] = urlencode({**filters, "cursor": context["page"].next_cursor})
    context["first_page"] = "cursor" in request.GET
    return render(request, "annotation/task_browser.html", context)


@login_required
@require_POST
def task_bulk(request, project_id: int):
    """Step 1 (no `confirm`): a page that says what will happen to how many tasks. Step 2: act, report."""
    project = project_get_for(user=request.user, project_id=project_id, roles=[Role.MANAGER])
    back = reverse("annotation:task-browser", args=[project.pk])
    filter_qs = request.POST.get("filter_qs", "")
    back_to = f"{back}?{filter_qs}" if filter_qs and "\n" not in filter_qs else back
    fields = {"action": request.POST.get("action"), "tasks": request.POST.getlist("tasks")}
    if fields["action"] == "set_k":
        fields["k"] = request.POST.get("k", "")
    data = TaskBulkIn(data=fields)
    if not data.is_valid():
        return render(
            request,
            "annotation/task_bulk_confirm.html",
            {"project": project, "errors": _errors(ApiValidationError(data.errors)), "back": back_to},
            status=400,
        )
    action, ids = data.validated_data["action"], data.validated_data["tasks"]
    if request.POST.get("confirm") != "1":
        return render(
            request,
            "annotation/task_bulk_confirm.html",
            {
                "project": project,
                "action": action,
                "action_name": ACTION_NAMES[action],
                "tasks": sorted(set(ids)),
                "k": data.validated_data.get("k"),
                "project_k": project.annotators_per_task,
                "filter_qs": filter_qs,
                "back": back_to,
            },
        )
    try:
        result = BULK_ACTIONS[action](project=project, task_ids=ids, user=request.user, **data.options())
    except ValidationError as exc:
        return render(
            request,
            "annotation/task_bulk_confirm.html",
            {"project": project, "errors": exc.messages, "back": back_to},
            status=400,
        )
    messages.success(request, _report(action, result))
    return redirect(back_to)


def _report(action: str, r: dict) -> str:
    if action == "requeue":
        return (
            f"Re-queued {r['tasks_changed']} of {r['tasks']} selected task(s): {r['skips_undone']} skip(s) undone"
            f"{'' if r['tasks_changed'] == r['tasks'] else '; the others had no skip to undo'}."
        )
    if action == "set_k":
        return (
            f"Set k to {r['k']} on {r['tasks']} selected task(s) ({r['changed']} changed): "
            f"{r['reopened']} back in the queue, {r['completed']} now complete."
        )
    return (
        f"Sent {r['sent']} of {r['tasks']} selected task(s) to adjudication ({r['already_sent']} already sent; "
        f"{r['without_submission']} without a submitted annotation yet: listed once one is submitted)."
    )


@login_required
def task_page_view(request, task_id: int):
    task = get_object_or_404(Task.objects.select_related("project", "paragraph__article"), pk=task_id)
    project = project_get_for(user=request.user, project_id=task.project_id, roles=[Role.MANAGER])
    view = task_detail(task=task)
    submitted = sum(a.status == Annotation.Status.SUBMITTED for a in view["annotations"])
    return render(
        request, "annotation/task_detail.html", {"project": project, "task": task, "view": view, "submitted": submitted}
    )
