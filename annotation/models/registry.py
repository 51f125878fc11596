"""The project's actor and claim registries (propose -> approve / rename / merge)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class RegistryStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    MERGED = "merged", "Merged"


class Actor(models.Model):
    class Type(models.TextChoices):
        PERSON = "person", "Person"
        STATE = "state", "State"
        ORGANISATION = "organisation", "Organisation"
        GROUP = "group", "Group"
        OTHER = "other", "Other"

    project = models.ForeignKey("annotation.Project", related_name="actors", on_delete=models.CASCADE)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.OTHER)
    external_id = models.CharField(max_length=64, blank=True, help_text="e.g. a Wikidata QID such as Q148.")
    status = models.CharField(max_length=16, choices=RegistryStatus.choices, default=RegistryStatus.APPROVED)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="actor_unique_name"),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="actor_merged_has_target"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActorAlias(models.Model):
    """Another surface form of an actor: "Beijing" for China, "the Kremlin" for Russia."""

    actor = models.ForeignKey(Actor, related_name="aliases", on_delete=models.CASCADE)
    alias = models.CharField(max_length=200)
    normalized = models.CharField(max_length=200, db_index=True, help_text="Lower-cased, for matching.")

    class Meta:
        ordering = ["actor_id", "alias"]
        verbose_name_plural = "actor aliases"
        constraints = [models.UniqueConstraint(fields=["actor", "normalized"], name="alias_unique_per_actor")]

    def __str__(self) -> str:
        return self.alias


class Claim(models.Model):
    project = models.ForeignKey("annotation.Project", related_name="claims", on_delete=models.CASCADE)
    text = models.CharField(max_length=300, help_text="A short normalised proposition.")
    normalized = models.CharField(max_length=300, help_text="Lower-cased, whitespace-collapsed text.")
    category_code = models.CharField(max_length=32, blank=True, help_text="Codebook category.")
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=RegistryStatus.choices, default=RegistryStatus.APPROVED)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["project_id", "text"]
        constraints = [
            models.UniqueConstraint(fields=["project", "normalized"], name="claim_unique_text"),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="claim_merged_has_target"
            ),
        ]

    def __str__(self) -> str:
        return self.text
