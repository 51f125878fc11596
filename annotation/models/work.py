"""Tasks, assignments (leases), annotations and their statements.

Invariants kept by the database: one task per (project, paragraph); one assignment and one
annotation per (task, annotator). `Task.submitted_count` never exceeds the project's k: it is only
changed under a row lock in annotation.services.assignment (see that module's docstring).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Task(models.Model):
    project = models.ForeignKey("annotation.Project", related_name="tasks", on_delete=models.CASCADE)
    paragraph = models.ForeignKey("corpora.Paragraph", related_name="tasks", on_delete=models.CASCADE)
    order = models.BigIntegerField(help_text="Rank in article order (article id, paragraph position).")
    submitted_count = models.PositiveSmallIntegerField(default=0)
    is_complete = models.BooleanField(default=False, help_text="submitted_count has reached the project's k.")
    uncertainty = models.FloatField(null=True, blank=True, help_text="Stance model uncertainty, 0..1; higher first.")
    adjudication_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="A manager sent the task to adjudication (the task browser's bulk action)."
    )
    target_annotators = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="This task's k (submitted annotations wanted); empty: the project's k."
    )
    closed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Its paragraph no longer matches the project (a kind correction): kept for its work, offered to "
        "nobody; a sync reopens it when the paragraph matches again.",
    )
    disagreement = models.FloatField(
        null=True,
        blank=True,
        help_text="1 - mean pairwise Jaccard of the submitted annotations' statement sets; empty below two.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "paragraph"], name="task_unique_paragraph"),
            models.CheckConstraint(
                condition=models.Q(target_annotators__isnull=True) | models.Q(target_annotators__gte=1),
                name="task_k_at_least_one",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "is_complete", "order"], name="task_next_by_order"),
            models.Index(fields=["project", "is_complete", "-uncertainty"], name="task_next_by_uncertainty"),
            # the task browser's keyset sorts (annotation.selectors.task_browser)
            models.Index(fields=["project", "order", "id"], name="task_browse_by_order"),
            models.Index(fields=["project", "submitted_count", "id"], name="task_browse_by_submitted"),
            models.Index(fields=["project", "id"], name="task_browse_by_id"),
            models.Index(fields=["project", "disagreement", "id"], name="task_browse_by_disagreement"),
        ]

    def __str__(self) -> str:
        return f"Task {self.pk} (paragraph {self.paragraph_id})"


class Assignment(models.Model):
    """A lease of a task to one annotator. Expired leases return the task to the pool.

    `reopened`: the annotator reopened their submitted annotation; a lease that next-task resumes but
    that never counts against k (the submission already does) and, like submitted, keeps the task out
    of their queue. Resubmitting (or the lease running out) makes it `submitted` again.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUBMITTED = "submitted", "Submitted"
        SKIPPED = "skipped", "Skipped"
        EXPIRED = "expired", "Expired"
        REOPENED = "reopened", "Reopened after submission"

    task = models.ForeignKey(Task, related_name="assignments", on_delete=models.CASCADE)
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="assignments", on_delete=models.CASCADE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    leased_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-leased_at"]
        constraints = [models.UniqueConstraint(fields=["task", "annotator"], name="assignment_unique_annotator")]
        indexes = [models.Index(fields=["annotator", "status"], name="assignment_by_annotator")]

    def __str__(self) -> str:
        return f"{self.annotator} on task {self.task_id} ({self.status})"


class Annotation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SKIPPED = "skipped", "Skipped"

    task = models.ForeignKey(Task, related_name="annotations", on_delete=models.CASCADE)
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="annotations", on_delete=models.CASCADE)
    assignment = models.OneToOneField(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="annotation"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    no_statement = models.BooleanField(default=False, help_text="The annotator found no stance-bearing statement.")
    time_spent_ms = models.PositiveBigIntegerField(default=0)
    revision = models.PositiveIntegerField(
        default=0, help_text="Bumped on every save; clients send it back so a stale edit is refused, not applied."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["task_id", "annotator_id"]
        constraints = [models.UniqueConstraint(fields=["task", "annotator"], name="annotation_unique_annotator")]
        indexes = [models.Index(fields=["task", "status"], name="annotation_by_task_status")]

    def __str__(self) -> str:
        return f"Annotation {self.pk} by {self.annotator_id} on task {self.task_id}"


class Statement(models.Model):
    """Actor + claim + stance. The actor is a span of the paragraph, the article's author, or implied."""

    class ActorRole(models.TextChoices):
        MENTION = "mention", "Mentioned in the text"
        AUTHOR = "author", "The article's author"
        IMPLIED = "implied", "Implied, not named"

    annotation = models.ForeignKey(Annotation, related_name="statements", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)
    actor_role = models.CharField(max_length=16, choices=ActorRole.choices, default=ActorRole.MENTION)
    actor = models.ForeignKey(
        "annotation.Actor", null=True, blank=True, on_delete=models.PROTECT, related_name="statements"
    )
    actor_start = models.PositiveIntegerField(null=True, blank=True)
    actor_end = models.PositiveIntegerField(null=True, blank=True)
    claim = models.ForeignKey("annotation.Claim", on_delete=models.PROTECT, related_name="statements")
    stance = models.ForeignKey("annotation.StanceLabel", on_delete=models.PROTECT, related_name="statements")
    evidence_start = models.PositiveIntegerField(null=True, blank=True)
    evidence_end = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    from_prediction = models.ForeignKey(
        "annotation.Prediction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The suggestion this statement was accepted from.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["annotation_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(actor_start__isnull=True, actor_end__isnull=True)
                | Q(actor_start__isnull=False, actor_end__isnull=False, actor_start__lt=F("actor_end")),
                name="statement_actor_span_valid",
            ),
            models.CheckConstraint(
                condition=Q(evidence_start__isnull=True, evidence_end__isnull=True)
                | Q(evidence_start__isnull=False, evidence_end__isnull=False, evidence_start__lt=F("evidence_end")),
                name="statement_evidence_span_valid",
            ),
            models.CheckConstraint(
                condition=~Q(actor_role="mention") | Q(actor_start__isnull=False, actor__isnull=False),
                name="statement_mention_has_span_and_actor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id or self.actor_role} / {self.claim_id} / {self.stance_id}"


class AnnotationRevision(models.Model):
    """History of submitted annotations: who changed what, when, with a before/after snapshot."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted"
        EDIT = "edit", "Edited after submission"
        SKIP = "skip", "Skipped"
        REPOINT = "repoint", "Registry merge re-pointed a statement"
        REQUEUE = "requeue", "Skip undone by a manager's re-queue"
        REOPEN = "reopen", "Reopened by its annotator"
        UNSKIP = "unskip", "Skip undone by its annotator"

    annotation = models.ForeignKey(Annotation, related_name="revisions", on_delete=models.CASCADE)
    action = models.CharField(max_length=16, choices=Action.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["annotation_id", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} of annotation {self.annotation_id} at {self.changed_at:%Y-%m-%d %H:%M}"
