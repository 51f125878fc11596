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
from exports.selectors_export import dataset_version_get_for, dataset_version_list, export_project_get_for
from exports.services.export import GOLD_STRATEGIES, dataset_version_create, diff_versions, version_files_path


class DatasetVersionOutputSerializer(serializers.ModelSerializer):
    files = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = DatasetVersion
        fields = ["id", "project", "number", "status", "params", "schema_version", "code_version", "row_count",
                  "sha256", "progress", "error", "created_at", "finished_at", "files"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_progress(self, obj) -> dict:
        return {"done": obj.progress_done, "total": obj.progress_total,
                "percent": round(100 * obj.progress_done / obj.progress_total) if obj.progress_total else
                (100 if obj.status == DatasetVersion.Status.COMPLETE else 0)}

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
            out.append({"name": name, "rows": info.get("rows"), "bytes": info.get("bytes"), "sha256": info.get("sha256"),
                        "url": request.build_absolute_uri(url) if request else url})
        return out


class DatasetVersionDetailOutputSerializer(DatasetVersionOutputSerializer):
    class Meta(DatasetVersionOutputSerializer.Meta):
        fields = DatasetVersionOutputSerializer.Meta.fields + ["manifest"]


class DatasetVersionListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        formats = serializers.ListField(child=serializers.ChoiceField(choices=FORMATS), required=False)
        gold_strategy = serializers.ChoiceField(choices=GOLD_STRATEGIES, required=False)
        include_annotations = serializers.BooleanField(required=False)
        include_predictions = serializers.BooleanField(required=False)
        article_ids = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True)
        published_from = serializers.DateField(required=False, allow_null=True)
        published_to = serializers.DateField(required=False, allow_null=True)
        min_agreement = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=1)
        split_ratios = serializers.ListField(child=serializers.FloatField(min_value=0), min_length=3, max_length=3,
                                             required=False)
        seed = serializers.IntegerField(required=False)

    @extend_schema(responses=DatasetVersionOutputSerializer(many=True), summary="List a project's dataset versions")
    def get(self, request, project_id: int):
        project = export_project_get_for(user=request.user, project_id=project_id)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(dataset_version_list(project=project), request, view=self)
        return paginator.get_paginated_response(
            DatasetVersionOutputSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(request=InputSerializer, responses={201: DatasetVersionOutputSerializer},
                   summary="Queue a new dataset version (built by a Celery task)")
    def post(self, request, project_id: int):
        project = export_project_get_for(user=request.user, project_id=project_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.validated_data.items()}
        version = dataset_version_create(project=project, params=params, user=request.user)
        return Response(DatasetVersionOutputSerializer(version, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class DatasetVersionDetailApi(APIView):
    @extend_schema(responses=DatasetVersionDetailOutputSerializer, summary="A dataset version with its manifest")
    def get(self, request, version_id: int):
        version = dataset_version_get_for(user=request.user, version_id=version_id)
        return Response(DatasetVersionDetailOutputSerializer(version, context={"request": request}).data)


class DatasetVersionFileApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
                   summary="Download one file of a complete version (names from its manifest)")
    def get(self, request, version_id: int, name: str):
        version = dataset_version_get_for(user=request.user, version_id=version_id)
        path = version_files_path(version, name)
        return FileResponse(open(path, "rb"), as_attachment=True,
                            filename=f"{version.project.name}-v{version.number}-{name.replace('/', '-')}")


class DatasetVersionDiffApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT,
                   summary="What changed between two versions: paragraphs added/removed, statements relabelled")
    def get(self, request, version_id: int, other_id: int):
        old = dataset_version_get_for(user=request.user, version_id=version_id)
        new = dataset_version_get_for(user=request.user, version_id=other_id)
        return Response(diff_versions(old=old, new=new))
