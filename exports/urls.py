"""Server-rendered pages of the exports app."""

from django.urls import path

from exports import views as export_views
from exports import views_agreement

app_name = "exports"
urlpatterns: list = [
    # dataset versions (H6)
    path("projects/<int:project_id>/datasets/", export_views.dataset_versions, name="list"),
    path("projects/<int:project_id>/datasets/compare/", export_views.dataset_version_compare, name="compare"),
    path("datasets/<int:version_id>/", export_views.dataset_version_detail, name="detail"),
    path("datasets/<int:version_id>/files/<path:name>", export_views.dataset_version_download, name="download"),
    # agreement (H5)
    path("projects/<int:project_id>/agreement/", views_agreement.agreement, name="agreement"),
]
