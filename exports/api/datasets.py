"""JSON API for dataset versions: create, list, detail, download a file, compare two versions.

Managers and ML engineers of the project only (annotators get 403, outsiders 404). Scripts use
`Authorization: Token <key>`; see annotation/api/CONTRACT.md.
"""

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.api.pagination import StandardPagination
from exports.builders import FORMATS
from exports.models import DatasetVersion
from exports.selectors.datasets import dataset_version_get_for, dataset_version_list, export_project_get_for
from exports.services.export import (
    GOLD_STRATEGIES,
    can_cancel,
    can_retry,
    dataset_version_cancel,
    dataset_version_create,
    dataset_version_retry,
    diff_versions,
    download_name,
    is_stale,
    split_check,
    version_file_open,
)
from exports.views.datasets import version_zip_response


class DatasetVersionOutputSerializer(serializers.ModelSerializer):
    files = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField(help_text="Building, but its worker has shown no sign of life lately.")
    actions = serializers.SerializerMethodField(help_text="What may be done now: cancel, retry.")

    class Meta:
        model = DatasetVersion
        fields = [
            "id",
            "project",
            "number",
            "status",
            "stale",
            "actions",
            "attempt",
            "params",
            "schema_version",
            "code_version",
            "row_count",
            "sha256",
            "progress",
            "error",
            "created_at",
            "heartbeat_at",
            "finished_at",
            "files",
        ]

    def get_stale(self, obj) -> bool:
        return is_stale(obj)

    @extend_schema_field({"type": "array", "items": {"type": "string", "enum": ["cancel", "retry"]}})
    def get_actions(self, obj) -> list:
        return [name for name, allowed in (("cancel", can_cancel(obj)), ("retry", can_retry(obj))) if allowed]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_progress(self, obj) -> dict:
        return {
            "done": obj.progress_done,
            "total": obj.progress_total,
            "percent": round(100 * obj.progress_done / obj.progress_total)
            if obj.progress_total
            else (100 if obj.status == DatasetVersion.Status.COMPLETE else 0),
        }

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_files(self, obj) -> list:
        if obj.status != DatasetVersion.Status.COMPLETE or not obj.manifest:
            return []
        request = self.context.get("request")
        names = sorted(obj.manifest["files"]) + ["manifest.json", "README.md"]
        out = []
        for name in names:
            info = obj.manifest["files"].get(name, {})
            url = reverse("exports-api:dataset-version-file", args=[obj.pk, name])
            out.append(
                {
                    "name": name,
                    "rows": info.get("rows"),
                    "bytes": info.get("bytes"),
                    "sha256": info.get("sha256"),
                    "url": request.build_absolute_uri(url) if request else url,
                }
            )
        return out


class DatasetVersionDetailOutputSerializer(DatasetVersionOutputSerializer):
    class Meta(DatasetVersionOutputSerializer.Meta):
        fields = DatasetVersionOutputSerializer.Meta.fields + ["manifest"]


class DatasetVersionListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DatasetVersionCreateInput"

        formats = serializers.ListField(child=serializers.ChoiceField(choices=FORMATS), required=False)
        gold_strategy = serializers.ChoiceField(choices=GOLD_STRATEGIES, required=False)
        include_annotations = serializers.BooleanField(required=False)
        include_predictions = serializers.BooleanField(required=False)
        article_ids = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True)
        published_from = serializers.DateField(required=False, allow_null=True)
        published_to = serializers.DateField(required=False, allow_null=True)
        min_agreement = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=1)
        split_ratios = serializers.ListField(
            child=serializers.FloatField(min_value=0), min_length=3, max_length=3, required=False
        )
        seed = serializers.IntegerField(required=False)

    pagination_class = StandardPagination  # documents the GET as a paginated list

    @extend_schema(responses=DatasetVersionOutputSerializer(many=True), summary="List a project's dataset versions")
    def get(self, request, project_id: int):
        project = export_project_get_for(user=request.user, project_id=project_id)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(dataset_version_list(project=project), request, view=self)
        return paginator.get_paginated_response(
            DatasetVersionOutputSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: DatasetVersionOutputSerializer},
        summary="Queue a new dataset version (built by a Celery task); `warnings` names splits that will be empty",
    )
    def post(self, request, project_id: int):
        project = export_project_get_for(user=request.user, project_id=project_id)
        params = input_params(self.InputSerializer, request)
        check = split_check(project=project, params=params)
        version = dataset_version_create(project=project, params=params, user=request.user)
        return Response(
            {
                **DatasetVersionOutputSerializer(version, context={"request": request}).data,
                "warnings": check["warnings"],
                "empty_splits": check["empty_splits"],
            },
            status=status.HTTP_201_CREATED,
        )


def input_params(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.validated_data.items()}


class DatasetSplitCheckApi(APIView):
    @extend_schema(
        request=DatasetVersionListCreateApi.InputSerializer,
        responses=OpenApiTypes.OBJECT,
        summary="Before building: articles per split, and which splits would be empty and why",
    )
    def post(self, request, project_id: int):
        project = export_project_get_for(user=request.user, project_id=project_id)
        return Response(
            split_check(project=project, params=input_params(DatasetVersionListCreateApi.InputSerializer, request))
        )


class DatasetVersionDetailApi(APIView):
    @extend_schema(responses=DatasetVersionDetailOutputSerializer, summary="A dataset version with its manifest")
    def get(self, request, version_id: int):
        version = dataset_version_get_for(user=request.user, version_id=version_id)
        return Response(DatasetVersionDetailOutputSerializer(version, context={"request": request}).data)


class DatasetVersionFileApi(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="Download one file of a complete version (names from its manifest)",
    )
    def get(self, request, version_id: int, name: str):
        version = dataset_version_get_for(user=request.user, version_id=version_id)
        return FileResponse(version_file_open(version, name), as_attachment=True, filename=download_name(name))


class DatasetVersionZipApi(APIView):
    @extend_schema(
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="Download every file of a complete version as one zip (streamed)",
    )
    def get(self, request, version_id: int):
        return version_zip_response(dataset_version_get_for(user=request.user, version_id=version_id))


class DatasetVersionCancelApi(APIView):
    @extend_schema(
        request=None,
        responses={200: DatasetVersionOutputSerializer},
        summary="Cancel a pending or building version (its worker stops at its next heartbeat)",
    )
    def post(self, request, version_id: int):
        version = dataset_version_get_for(user=request.user, version_id=version_id)
        version = dataset_version_cancel(version=version)
        return Response(DatasetVersionOutputSerializer(version, context={"request": request}).data)


class DatasetVersionRetryApi(APIView):
    @extend_schema(
        request=None,
        responses={202: DatasetVersionOutputSerializer},
        summary="Build a failed, cancelled or stale version again (same number and parameters)",
    )
    def post(self, request, version_id: int):
        version = dataset_version_get_for(user=request.user, version_id=version_id)
        version = dataset_version_retry(version=version)
        return Response(
            DatasetVersionOutputSerializer(version, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
        )


class DatasetVersionDiffApi(APIView):
    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        summary="What changed between two versions: paragraphs added/removed, statements relabelled",
    )
    def get(self, request, version_id: int, other_id: int):
        old = dataset_version_get_for(user=request.user, version_id=version_id)
        new = dataset_version_get_for(user=request.user, version_id=other_id)
        return Response(diff_versions(old=old, new=new))
