"""Invitations to a project: a link (optionally e-mailed) that lets someone make an account and join.

Only a SHA-256 of the link's token is stored; the token itself is shown (or mailed) once.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .project import Project, Role


def invitation_token_hash(token: str) -> str:
    """The stored form of a token: 256 random bits (secrets.token_urlsafe(32)), so one SHA-256 is enough."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Invitation(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        USED = "used", "Used up"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    project = models.ForeignKey(Project, related_name="invitations", on_delete=models.CASCADE)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANNOTATOR)
    email = models.EmailField(blank=True, help_text="Where the link was sent; empty for a link handed out by hand.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    max_uses = models.PositiveIntegerField(default=1)
    use_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_uses__gte=1), name="invitation_max_uses_positive"),
            models.CheckConstraint(condition=Q(use_count__lte=F("max_uses")), name="invitation_uses_within_max"),
        ]

    def __str__(self) -> str:
        return f"{self.email or 'link'} as {self.role} in {self.project}"

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.use_count >= self.max_uses:
            return self.State.USED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.PENDING
