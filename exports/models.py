"""Versioned dataset exports and stored agreement reports."""

from django.conf import settings
from django.db import models


class DatasetVersion(models.Model):
    """A reproducible snapshot. Created before any work starts; a complete version is never edited."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        BUILDING = "building", "Building"
        COMPLETE = "complete", "Complete"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    project = models.ForeignKey("annotation.Project", related_name="dataset_versions", on_delete=models.CASCADE)
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    params = models.JSONField(default=dict, help_text="Filters, gold strategy, splits, seed, options.")
    schema_version = models.PositiveIntegerField(default=1)
    code_version = models.CharField(max_length=64, blank=True)
    manifest = models.JSONField(null=True, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, help_text="Hash of manifest.json.")
    folder = models.CharField(max_length=500, blank=True, help_text="Name prefix in the `datasets` storage.")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    attempt = models.PositiveIntegerField(default=0, help_text="Raised by every claim of the build: the lease's token.")
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=("Building: last sign of life of the worker holding the lease. Pending: when it was last queued."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="dataset_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.project} v{self.number} ({self.status})"


class AgreementReport(models.Model):
    project = models.ForeignKey("annotation.Project", related_name="agreement_reports", on_delete=models.CASCADE)
    dataset_version = models.ForeignKey(
        DatasetVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="agreement_reports"
    )
    params = models.JSONField(default=dict, blank=True)
    inputs_hash = models.CharField(max_length=64)
    result = models.JSONField()
    charts = models.JSONField(
        null=True, blank=True, help_text="The page's chart SVGs, rendered once from the result (None: not yet)."
    )
    page_html = models.TextField(
        null=True, blank=True, help_text="The page's report section, rendered once from the result (None: not yet)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "-created_at"]

    def __str__(self) -> str:
        return f"Agreement report {self.pk} for {self.project}"


class AgreementReportPending(models.Model):
    """A project whose stored agreement report is out of date: the row exists from the first submission
    after the last refresh until the refresh claims it (see exports.services.agreement_refresh)."""

    project = models.OneToOneField("annotation.Project", primary_key=True, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(help_text="The first submission the stored report does not include.")
    forced = models.BooleanField(default=False, help_text="A manager asked for it: refresh without waiting.")

    def __str__(self) -> str:
        return f"Agreement report of project {self.project_id} pending since {self.since}"
