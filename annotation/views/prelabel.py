"""The manager's pre-labelling page: start jobs, watch their progress (htmx polling), stance-model
versions with their cross-validated quality, and each model version's precision as judged by the
annotators. Form posts call one service each and redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ..access import project_get_for, role_for
from ..models import PrelabelJob, Project, Role
from ..services.gazetteer import gazetteer_load
from ..services.prelabel import QUEUE as PRELABEL_QUEUE
from ..services.prelabel import prediction_precision, prelabel_job_cancel, prelabel_job_create, prelabel_job_progress
from ..services.stance_model import stance_model_train_request, stance_status
from ..worker_presence import queue_consumers

READERS = (Role.MANAGER, Role.ML_ENGINEER)
JOBS_SHOWN = 20


def _jobs(project: Project) -> tuple[list[dict], bool]:
    jobs = list(PrelabelJob.objects.filter(project=project).select_related("created_by")[:JOBS_SHOWN])
    active = any(j.status in (PrelabelJob.Status.PENDING, PrelabelJob.Status.RUNNING) for j in jobs)
    consumers = queue_consumers(PRELABEL_QUEUE) if active else None
    rows = [{"job": j, "progress": prelabel_job_progress(job=j, consumers=consumers)} for j in jobs]
    return rows, active


@login_required
@require_http_methods(["GET", "POST"])
def prelabel_page(request, project_id: int):
    project = project_get_for(user=request.user, project_id=project_id, roles=READERS)
    if request.method == "POST":
        project_get_for(user=request.user, project_id=project_id, roles=(Role.MANAGER,))
        _handle_action(request, project)
        return redirect(reverse("annotation:prelabel", args=[project.pk]))
    rows, active = _jobs(project)
    latest_merges = next(
        (
            j.models_used.get("claim_merge_proposals", [])
            for j in PrelabelJob.objects.filter(project=project).only("models_used")
            if isinstance(j.models_used, dict) and "claim_merge_proposals" in j.models_used
        ),
        [],
    )
    context = {
        "project": project,
        "is_manager": role_for(user=request.user, project=project) == Role.MANAGER,
        "rows": rows,
        "active": active,
        "stance": stance_status(project=project),
        "versions": list(project.stance_models.defer("artifact").order_by("-version")[:20]),
        "precision": prediction_precision(project=project),
        "merges": latest_merges,
        "task_count": project.tasks.count(),
        "actor_count": project.actors.count(),
        "stance_labels": list(project.stance_labels.values_list("value", flat=True)),
    }
    return render(request, "annotation/prelabel.html", context)


def _handle_action(request, project: Project) -> None:
    action = request.POST.get("action")
    try:
        if action == "start":
            batch_size = int(request.POST.get("batch_size") or 64)
            job = prelabel_job_create(project=project, user=request.user, batch_size=batch_size)
            messages.success(request, f"Pre-labelling job {job.pk} queued for {job.total} tasks.")
        elif action == "cancel":
            job = PrelabelJob.objects.filter(project=project, pk=request.POST.get("job")).first()
            if job and prelabel_job_cancel(job=job):
                messages.success(request, f"Job {job.pk} cancelled.")
            else:
                messages.error(request, "That job is not running.")
        elif action == "gazetteer":
            result = gazetteer_load(project=project, user=request.user)
            messages.success(
                request,
                f"Gazetteer loaded: {len(result.created)} actors added, "
                f"{len(result.updated)} updated, {result.aliases_added} aliases added.",
            )
        elif action == "train":
            stance_model_train_request(project=project)
            messages.success(request, "Stance model training queued.")
        else:
            messages.error(request, f"Unknown action {action!r}.")
    except (ValidationError, ValueError) as exc:
        text = "; ".join(
            m for ms in getattr(exc, "message_dict", {"": getattr(exc, "messages", [str(exc)])}).values() for m in ms
        )
        messages.error(request, text)


@login_required
def prelabel_jobs_fragment(request, project_id: int):
    """The jobs table alone; the page polls it every 2 s while a job is pending or running."""
    project = project_get_for(user=request.user, project_id=project_id, roles=READERS)
    rows, active = _jobs(project)
    is_manager = role_for(user=request.user, project=project) == Role.MANAGER
    return render(
        request,
        "annotation/_prelabel_jobs.html",
        {"project": project, "rows": rows, "active": active, "is_manager": is_manager},
    )
