"""REST API routes of the exports app (mounted under /api/)."""

from django.urls import path

from exports import api as export_api

app_name = "exports-api"
urlpatterns: list = [
    # dataset versions (H6)
    path("projects/<int:project_id>/dataset-versions/", export_api.DatasetVersionListCreateApi.as_view(),
         name="dataset-version-list"),
    path("dataset-versions/<int:version_id>/", export_api.DatasetVersionDetailApi.as_view(), name="dataset-version-detail"),
    path("dataset-versions/<int:version_id>/files/<path:name>", export_api.DatasetVersionFileApi.as_view(),
         name="dataset-version-file"),
    path("dataset-versions/<int:version_id>/diff/<int:other_id>/", export_api.DatasetVersionDiffApi.as_view(),
         name="dataset-version-diff"),
]
