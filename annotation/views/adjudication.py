"""Adjudication pages (managers): the disagreement list and the side-by-side view of one task.

The page's JavaScript writes gold through the JSON API (annotation/api/adjudication.py)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from ..access import project_get_for
from ..api.adjudication import adjudication_out
from ..models import Role, Task
from ..selectors.adjudication import AGREEMENT_RULE, adjudication_view, disagreement_list


@login_required
def adjudication_list(request, project_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=[Role.MANAGER])
    only_open = request.GET.get("open") == "1"
    rows = disagreement_list(project=project, only_open=only_open)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "annotation/adjudication_list.html",
        {"project": project, "page": page, "only_open": only_open, "total": len(rows)},
    )


@login_required
def adjudicate(request, task_id: int):
    task = get_object_or_404(Task.objects.select_related("project", "paragraph__article"), pk=task_id)
    project = project_get_for(user=request.user, project_id=task.project_id, roles=[Role.MANAGER])
    view = adjudication_view(task=task)
    text = view["paragraph"].text
    for column in view["annotations"]:
        for s in column["statements"]:
            s.surface = text[s.actor_start : s.actor_end] if s.actor_start is not None else ""
    # Each annotator's colour on the page is their column's index (the same order the script uses).
    index = {c["annotation"].annotator.username: i for i, c in enumerate(view["annotations"])}
    for g in view["groups"]:
        g["chips"] = [(index[name], name) for name in g["annotators"]]
    # Next disagreement without gold, for working through the list.
    open_tasks = [r["task"] for r in disagreement_list(project=project, only_open=True)]
    later = [t for t in open_tasks if t != task.pk]
    next_task = (
        later[open_tasks.index(task.pk)]
        if task.pk in open_tasks and open_tasks.index(task.pk) < len(later)
        else (later[0] if later else None)
    )
    return render(
        request,
        "annotation/adjudication_task.html",
        {
            "project": project,
            "task": task,
            "view": view,
            "next_task": next_task,
            "open_left": len(later),
            "agreement_rule": AGREEMENT_RULE,
            "agreed_count": sum(1 for g in view["groups"] if g["agreed"]),
            "no_statement_names": [
                c["annotation"].annotator.username for c in view["annotations"] if not c["statements"]
            ],
            "data": adjudication_out(task),
            "stance_labels": list(project.stance_labels.values_list("value", flat=True)),
        },
    )
