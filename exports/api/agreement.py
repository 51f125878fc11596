"""Agreement report API for managers and ML engineers: live JSON (with filters), HTML, stored reports."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import project_get_for
from annotation.models import Role
from exports.models import AgreementReport

# The statistics (scikit-learn, pandas, statsmodels) and the charts (matplotlib) are imported on first
# use, in the functions below: at import they cost ~2.3 s that every web worker would pay at start.

ROLES = [Role.MANAGER, Role.ML_ENGINEER]


class AgreementQuery(serializers.Serializer):
    article = serializers.IntegerField(required=False, allow_null=True)
    annotator = serializers.IntegerField(required=False, allow_null=True)
    label = serializers.CharField(required=False, allow_blank=True)
    n_boot = serializers.IntegerField(required=False, min_value=0, max_value=5000, default=1000)
    seed = serializers.IntegerField(required=False, default=0)
    missing_formula = serializers.ChoiceField(
        choices=["generalised", "textbook"], required=False, default="generalised"
    )


LIVE_PARAMS = ("article", "annotator", "label", "n_boot", "seed", "missing_formula")


def is_live_query(params) -> bool:
    """A filter or a bootstrap setting in the query: compute for it. None: answer from the stored report."""
    return any(params.get(k) not in (None, "") for k in LIVE_PARAMS)


def stored_or_pending(project) -> tuple[dict | None, dict]:
    """The stored report's result (None while the first is being computed) and its freshness."""
    from exports.services.agreement_refresh import agreement_refresh_state

    state = agreement_refresh_state(project=project)
    report = state["report"]
    return (report.result if report else None), {
        "report_id": report.pk if report else None,
        "created_at": report.created_at if report else None,
        "age_s": state["age_s"],
        "pending_since": state["pending_since"],
    }


def build_from_query(project, params) -> dict:
    from exports.services.agreement import agreement_report_build

    query = AgreementQuery(data={k: v for k, v in params.items() if v != ""})
    query.is_valid(raise_exception=True)
    data = query.validated_data
    try:
        return agreement_report_build(
            project=project,
            n_boot=data["n_boot"],
            seed=data["seed"],
            article=data.get("article"),
            annotator=data.get("annotator"),
            label=data.get("label") or None,
            missing_formula=data["missing_formula"],
        )
    except ValueError as exc:
        raise ValidationError({"label": [str(exc)]}) from exc


class AgreementReportApi(APIView):
    """GET the stored report (refreshed in the background; 202 while the first is computed), or with
    ?article=&annotator=&label=&n_boot=&seed=&missing_formula=textbook the report computed now for that query."""

    @extend_schema(parameters=[AgreementQuery], responses={200: OpenApiTypes.OBJECT, 202: OpenApiTypes.OBJECT})
    def get(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=ROLES)
        if is_live_query(request.query_params):
            return Response(build_from_query(project, request.query_params))
        result, freshness = stored_or_pending(project)
        if result is None:
            return Response(
                {"detail": "The first agreement report is being computed.", "stored": freshness}, status=202
            )
        return Response({**result, "stored": freshness})


class AgreementReportHtmlApi(APIView):
    """GET the report as one self-contained HTML file (202 while the first stored report is computed)."""

    @extend_schema(
        parameters=[AgreementQuery],
        responses={(200, "text/html"): OpenApiTypes.STR, (202, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=ROLES)
        from exports.report_html import render_report_html

        if is_live_query(request.query_params):
            report = build_from_query(project, request.query_params)
        else:
            report, _freshness = stored_or_pending(project)
            if report is None:
                return Response({"detail": "The first agreement report is being computed."}, status=202)
        html = render_report_html(report)
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="agreement-project-{project.pk}.html"'
        return response


class StoredReportListApi(APIView):
    """GET stored reports (newest first, without results); POST stores the current one (idempotent)."""

    class InputSerializer(serializers.Serializer):
        n_boot = serializers.IntegerField(required=False, min_value=0, max_value=5000, default=1000)
        seed = serializers.IntegerField(required=False, default=0)

    def get(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=ROLES)
        rows = AgreementReport.objects.filter(project=project).values("id", "inputs_hash", "params", "created_at")[:100]
        return Response(list(rows))

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "StoredAgreementReport",
                fields={
                    "id": serializers.IntegerField(),
                    "inputs_hash": serializers.CharField(),
                    "created_at": serializers.DateTimeField(),
                    "result": serializers.DictField(),
                },
            )
        },
    )
    def post(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=ROLES)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        from exports.services.agreement import agreement_report_store

        report = agreement_report_store(project=project, user=request.user, **data.validated_data)
        return Response(
            {
                "id": report.pk,
                "inputs_hash": report.inputs_hash,
                "created_at": report.created_at,
                "result": report.result,
            },
            status=201,
        )


class StoredReportDetailApi(APIView):
    def get(self, request, project_id: int, report_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=ROLES)
        report = AgreementReport.objects.filter(project=project, pk=report_id).first()
        if report is None:
            return Response({"detail": "No such report."}, status=404)
        return Response(
            {
                "id": report.pk,
                "inputs_hash": report.inputs_hash,
                "params": report.params,
                "created_at": report.created_at,
                "result": report.result,
            }
        )
