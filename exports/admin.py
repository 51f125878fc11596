"""Admin for dataset versions: read-only (a complete version is never edited), with a rebuild action
that creates a new version from the same parameters."""

from django.contrib import admin, messages

from exports.models import DatasetVersion
from exports.services.export import dataset_version_create


@admin.register(DatasetVersion)
class DatasetVersionAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "project",
        "number",
        "status",
        "row_count",
        "progress_done",
        "progress_total",
        "attempt",
        "heartbeat_at",
        "created_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "project")
    search_fields = ("project__name", "sha256", "error")
    readonly_fields = [f.name for f in DatasetVersion._meta.fields]
    actions = ["rebuild_as_new_version"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Build a new version with the same parameters")
    def rebuild_as_new_version(self, request, queryset):
        for version in queryset:
            new = dataset_version_create(project=version.project, params=version.params, user=request.user)
            self.message_user(request, f"Queued {new}.", messages.SUCCESS)


# Agreement reports: stored results keyed by the hash of their inputs; read-only.
from exports.models import AgreementReport  # noqa: E402


@admin.register(AgreementReport)
class AgreementReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "project", "inputs_hash", "created_by", "created_at")
    list_filter = ("project",)
    search_fields = ("project__name", "inputs_hash")
    readonly_fields = [f.name for f in AgreementReport._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
