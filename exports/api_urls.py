"""REST API routes of the exports app (mounted under /api/)."""

from django.urls import path

from exports.api import agreement as api_agreement
from exports.api import datasets as export_api

app_name = "exports-api"
urlpatterns: list = [
    # dataset versions
    path(
        "projects/<int:project_id>/dataset-versions/",
        export_api.DatasetVersionListCreateApi.as_view(),
        name="dataset-version-list",
    ),
    path(
        "projects/<int:project_id>/dataset-versions/split-check/",
        export_api.DatasetSplitCheckApi.as_view(),
        name="dataset-split-check",
    ),
    path(
        "dataset-versions/<int:version_id>/archive.zip",
        export_api.DatasetVersionZipApi.as_view(),
        name="dataset-version-zip",
    ),
    path(
        "dataset-versions/<int:version_id>/",
        export_api.DatasetVersionDetailApi.as_view(),
        name="dataset-version-detail",
    ),
    path(
        "dataset-versions/<int:version_id>/files/<path:name>",
        export_api.DatasetVersionFileApi.as_view(),
        name="dataset-version-file",
    ),
    path(
        "dataset-versions/<int:version_id>/cancel/",
        export_api.DatasetVersionCancelApi.as_view(),
        name="dataset-version-cancel",
    ),
    path(
        "dataset-versions/<int:version_id>/retry/",
        export_api.DatasetVersionRetryApi.as_view(),
        name="dataset-version-retry",
    ),
    path(
        "dataset-versions/<int:version_id>/diff/<int:other_id>/",
        export_api.DatasetVersionDiffApi.as_view(),
        name="dataset-version-diff",
    ),
    # agreement
    path("projects/<int:project_id>/agreement/", api_agreement.AgreementReportApi.as_view(), name="agreement"),
    path(
        "projects/<int:project_id>/agreement/report.html",
        api_agreement.AgreementReportHtmlApi.as_view(),
        name="agreement-html",
    ),
    path(
        "projects/<int:project_id>/agreement/reports/",
        api_agreement.StoredReportListApi.as_view(),
        name="agreement-reports",
    ),
    path(
        "projects/<int:project_id>/agreement/reports/<int:report_id>/",
        api_agreement.StoredReportDetailApi.as_view(),
        name="agreement-report-detail",
    ),
]
