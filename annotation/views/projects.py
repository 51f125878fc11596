"""Server-rendered pages. They render templates; the page JavaScript writes through the JSON API."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from corpora.access import corpora_readable_by

from ..access import can_create_projects, project_get_for, projects_for, role_for
from ..guidelines import render_guidelines
from ..models import Actor, Project, RegistryStatus, Role
from ..selectors import pages as page_selectors

WORK_ROLES = (Role.ANNOTATOR, Role.MANAGER)
DASHBOARD_ROLES = (Role.MANAGER, Role.ML_ENGINEER)


PROJECTS_PER_PAGE = 25


@login_required
def home(request):
    rows = []
    page = Paginator(projects_for(user=request.user).order_by("name", "pk"), PROJECTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for project in page:
        role = role_for(user=request.user, project=project)
        row = {"project": project, "role": role}
        if role in WORK_ROLES:
            row["mine"] = page_selectors.annotator_progress(project=project, user=request.user)
        if role in DASHBOARD_ROLES:
            row["overall"] = page_selectors.project_progress(project=project)
        rows.append(row)
    return render(
        request,
        "annotation/home.html",
        {"rows": rows, "page": page, "param": "page", "can_create": can_create_projects(request.user)},
    )


@login_required
def project_dashboard(request, project_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=DASHBOARD_ROLES)
    role = role_for(user=request.user, project=project)
    # A manager picks among the corpora they may read; a reader sees the project's own.
    corpora = corpora_readable_by(user=request.user) if role == Role.MANAGER else project.corpora.all()
    context = {
        "project": project,
        "is_manager": role == Role.MANAGER,
        "progress": page_selectors.project_progress(project=project),
        "members": page_selectors.project_members(project=project) if role == Role.MANAGER else [],
        "registry": page_selectors.registry_counts(project=project),
        "jobs": page_selectors.prelabel_jobs_recent(project=project),
        "corpora": corpora.order_by("name"),
        "selected_corpora": set(project.corpora.values_list("pk", flat=True)),
        "roles": Role.choices,
        "task_orders": Project.TaskOrder.choices,
        "stance_labels": project.stance_labels.all(),
    }
    return render(request, "annotation/project.html", context)


@login_required
def registry_actors(request, project_id: int):
    return _registry(request, project_id, kind="actors")


@login_required
def registry_claims(request, project_id: int):
    return _registry(request, project_id, kind="claims")


def _registry(request, project_id: int, *, kind: str):
    project = project_get_for(user=request.user, project_id=project_id, roles=(Role.MANAGER,))
    search = request.GET.get("q", "").strip()[:200]
    status = request.GET.get("status", "")
    if status not in RegistryStatus.values:
        status = ""
    select = page_selectors.actor_page if kind == "actors" else page_selectors.claim_page
    page = select(project=project, search=search, status=status, page=request.GET.get("page", 1))
    context = {
        "project": project,
        "kind": kind,
        "page": page,
        "q": search,
        "status": status,
        "statuses": RegistryStatus.choices,
        "actor_types": Actor.Type.choices,
    }
    if request.headers.get("HX-Request") and request.GET.get("partial"):
        return render(request, "annotation/_registry_table.html", context)
    context["targets"] = page_selectors.merge_targets(project=project, kind=kind)
    return render(request, "annotation/registry.html", context)


@login_required
def workspace(request, project_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=WORK_ROLES)
    labels = [
        {"id": s.pk, "value": s.value, "name": s.name, "key": s.key, "color": s.color}
        for s in project.stance_labels.all()
    ]
    mine = page_selectors.annotator_progress(project=project, user=request.user)
    context = {
        "project": project,
        "guidelines_html": render_guidelines(project.guidelines),
        "stance_labels": labels,
        "config": {
            "project": project.pk,
            "stanceLabels": labels,
            "actorTypes": Actor.Type.choices,
            "progress": {"done": mine.done, "skipped": mine.skipped, "remaining": mine.remaining},
        },
    }
    return render(request, "annotation/workspace.html", context)
