"""The manager's evaluation page: the latest article-grouped evaluation of the pre-labelling models
beside each figure's baseline, the stance model chosen per held-out article and why, and a button
that queues a new run (a worker computes it; the page says so while it is pending)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ..access import project_get_for, role_for
from ..models import PrelabelEvaluation, Role
from ..prelabel.evaluation_summary import summary_rows
from ..services.evaluation import prelabel_evaluation_create
from .prelabel import READERS

RUNS_PER_PAGE = 10


@login_required
@require_http_methods(["GET", "POST"])
def prelabel_evaluation_page(request, project_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=READERS)
    if request.method == "POST":
        project_get_for(user=request.user, project_id=project_id, roles=(Role.MANAGER,))
        evaluation = prelabel_evaluation_create(project=project, user=request.user)
        messages.success(request, f"Evaluation {evaluation.pk} queued; this page shows it once a worker has run it.")
        return redirect(reverse("annotation:prelabel-evaluation", args=[project.pk]))
    runs = Paginator(PrelabelEvaluation.objects.filter(project=project).select_related("created_by"), RUNS_PER_PAGE)
    page = runs.get_page(request.GET.get("page"))
    latest = PrelabelEvaluation.objects.filter(project=project, status=PrelabelEvaluation.Status.COMPLETE).first()
    report = latest.report if latest else {}
    context = {
        "project": project,
        "is_manager": role_for(user=request.user, project=project) == Role.MANAGER,
        "latest": latest,
        "rows": summary_rows(report) if report else [],
        "report": report,
        "folds": report.get("stance_selection", []),
        "page": page,
        "pending": PrelabelEvaluation.objects.filter(
            project=project, status__in=[PrelabelEvaluation.Status.PENDING, PrelabelEvaluation.Status.RUNNING]
        ).exists(),
    }
    return render(request, "annotation/prelabel_evaluation.html", context)
