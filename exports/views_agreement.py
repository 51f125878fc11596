"""The manager's agreement page (server-rendered; figures come from the agreement service)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.exceptions import ValidationError

from annotation.access import project_get_for
from annotation.models import Role
from exports.api_agreement import build_from_query


@login_required
def agreement(request, project_id: int):
    from exports.charts import all_charts  # matplotlib: imported on use (see exports.api_agreement)
    from exports.report_html import kappa_rows

    try:
        project = project_get_for(user=request.user, project_id=project_id, roles=[Role.MANAGER])
    except DrfPermissionDenied as exc:
        raise PermissionDenied(str(exc.detail)) from exc
    params = request.GET.copy()
    params.setdefault("n_boot", "500")
    try:
        report = build_from_query(project, params)
    except ValidationError as exc:
        messages.error(request, f"Filters ignored: {exc.detail}")
        report = build_from_query(project, {"n_boot": "500"})
    filters = report["params"]["filters"]
    annotators = report["filter_options"]["annotators"]
    query = request.GET.urlencode()
    for unit in report["worst_units"]:
        try:
            unit["adjudicate_url"] = reverse("annotation:adjudicate", args=[unit["task"]])
        except NoReverseMatch:  # the adjudication page may be missing in a partial build
            unit["adjudicate_url"] = None
    return render(request, "exports/agreement.html", {
        "project": project, "report": report, "charts": all_charts(report), "kappa_rows": kappa_rows(report),
        "filters": filters, "annotators": annotators,
        "html_url": reverse("exports-api:agreement-html", args=[project.pk]) + (f"?{query}" if query else ""),
        "json_url": reverse("exports-api:agreement", args=[project.pk]) + (f"?{query}" if query else ""),
    })
