"""Server-rendered pages of the exports app."""

from django.urls import path, re_path

from exports.views import agreement as views_agreement
from exports.views import datasets as export_views

app_name = "exports"
urlpatterns: list = [
    # dataset versions
    path("projects/<int:project_id>/datasets/", export_views.dataset_versions, name="list"),
    path("projects/<int:project_id>/datasets/compare/", export_views.dataset_version_compare, name="compare"),
    path("datasets/<int:version_id>/", export_views.dataset_version_detail, name="detail"),
    re_path(
        r"^datasets/(?P<version_id>[0-9]+)/(?P<action>cancel|retry)/$",
        export_views.dataset_version_action,
        name="action",
    ),
    path("datasets/<int:version_id>/download.zip", export_views.dataset_version_zip, name="zip"),
    path("datasets/<int:version_id>/files/<path:name>", export_views.dataset_version_download, name="download"),
    # agreement
    path("projects/<int:project_id>/agreement/", views_agreement.agreement, name="agreement"),
    path("projects/<int:project_id>/agreement/refresh/", views_agreement.agreement_refresh, name="agreement-refresh"),
]
