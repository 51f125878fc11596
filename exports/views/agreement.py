"""The manager's agreement page (server-rendered; figures come from the agreement service)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from annotation.access import project_get_for
from annotation.models import Annotation, Role
from exports.api.agreement import build_from_query, is_live_query
from exports.report_html import render_report_section
from exports.services.agreement_refresh import agreement_refresh_request, agreement_refresh_state, stored_report_page


@login_required
def agreement(request, project_id: int):
    """Unfiltered: the stored report (refreshed in the background), its section rendered when it was
    stored. Filtered: computed and rendered for the subset."""
    project = project_get_for(user=request.user, project_id=project_id, roles=[Role.MANAGER])
    if is_live_query(request.GET):
        params = request.GET.copy()
        params.setdefault("n_boot", "500")
        try:
            report = build_from_query(project, params)
        except ValidationError as exc:
            messages.error(request, f"Filters ignored: {exc.detail}")
        else:
            from exports.charts import all_charts  # matplotlib: imported on use (see exports.api.agreement)

            html = render_report_section(
                project_id=project.pk, report=report, charts=all_charts(report), query=request.GET.urlencode()
            )
            return render(request, "exports/agreement.html", {"project": project, "state": None, "report_html": html})
    state = agreement_refresh_state(project=project, with_result=False)
    html = stored_report_page(report=state["report"]) if state["report"] is not None else None
    # the empty state says why there is nothing to compare yet, instead of "being computed"
    submitted = Annotation.objects.filter(task__project=project, status=Annotation.Status.SUBMITTED).exists()
    return render(
        request,
        "exports/agreement.html",
        {"project": project, "state": state, "report_html": html, "nothing_submitted": not submitted},
    )


@login_required
@require_POST
def agreement_refresh(request, project_id: int):
    """ "Refresh now" (managers): enqueue a refresh of the stored report; the page does not wait for it."""
    project = project_get_for(user=request.user, project_id=project_id, roles=[Role.MANAGER])
    agreement_refresh_request(project=project)
    messages.info(request, "Refresh requested: the report is recomputed in the background.")
    return redirect("exports:agreement", project_id=project.pk)
