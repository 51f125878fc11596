"""Adjudicated gold, stored apart from annotations, with history."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Adjudication(models.Model):
    task = models.OneToOneField("annotation.Task", related_name="adjudication", on_delete=models.CASCADE)
    adjudicator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    no_statement = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Adjudication of task {self.task_id}"


class GoldStatement(models.Model):
    adjudication = models.ForeignKey(Adjudication, related_name="statements", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)
    actor_role = models.CharField(max_length=16, default="mention")
    actor = models.ForeignKey("annotation.Actor", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_start = models.PositiveIntegerField(null=True, blank=True)
    actor_end = models.PositiveIntegerField(null=True, blank=True)
    claim = models.ForeignKey("annotation.Claim", on_delete=models.PROTECT, related_name="+")
    stance = models.ForeignKey("annotation.StanceLabel", on_delete=models.PROTECT, related_name="+")
    evidence_start = models.PositiveIntegerField(null=True, blank=True)
    evidence_end = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    source_statement_ids = models.JSONField(
        default=list, blank=True, help_text="Annotator statements this gold statement was picked from."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["adjudication_id", "position", "id"]

    def __str__(self) -> str:
        return f"gold {self.actor_id or self.actor_role} / {self.claim_id} / {self.stance_id}"
