"""Pre-labels: model suggestions, the annotators' decisions on them, jobs and stance model versions.

Idempotency: a PredictionSet is unique per (task, model_name, model_version); the prelabel service
writes a task's set and its predictions in one transaction and skips tasks that already have one, so
a retried or redelivered batch never duplicates predictions.
"""

from django.conf import settings
from django.db import models


class PredictionSet(models.Model):
    task = models.ForeignKey("annotation.Task", related_name="prediction_sets", on_delete=models.CASCADE)
    model_name = models.CharField(max_length=100)
    model_version = models.CharField(max_length=100)
    job = models.ForeignKey(
        "annotation.PrelabelJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="prediction_sets"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task_id", "model_name"]
        constraints = [
            models.UniqueConstraint(fields=["task", "model_name", "model_version"], name="prediction_set_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model_name}@{self.model_version} on task {self.task_id}"


class Prediction(models.Model):
    class Kind(models.TextChoices):
        ACTOR = "actor", "Actor mention"
        ACTOR_CANDIDATE = "actor_candidate", "New actor candidate"
        CLAIM = "claim", "Claim"
        STANCE = "stance", "Stance for actor and claim"
        STATEMENT = "statement", "Whole statement"

    prediction_set = models.ForeignKey(PredictionSet, related_name="predictions", on_delete=models.CASCADE)
    task = models.ForeignKey("annotation.Task", related_name="predictions", on_delete=models.CASCADE)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    model_name = models.CharField(max_length=100)
    model_version = models.CharField(max_length=100)
    score = models.FloatField()
    actor = models.ForeignKey("annotation.Actor", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    surface = models.CharField(max_length=300, blank=True, help_text="Matched text, or the candidate's name.")
    claim = models.ForeignKey("annotation.Claim", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    stance = models.ForeignKey(
        "annotation.StanceLabel", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task_id", "kind", "-score", "id"]
        indexes = [models.Index(fields=["task", "kind"], name="prediction_by_task_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.surface or self.claim_id} ({self.score:.2f})"


class PredictionDecision(models.Model):
    """An annotator accepted or rejected a suggestion; feeds per-model-version precision."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    prediction = models.ForeignKey(Prediction, related_name="decisions", on_delete=models.CASCADE)
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prediction", "annotator"], name="decision_unique_annotator")]

    def __str__(self) -> str:
        return f"{self.annotator_id} {self.decision} prediction {self.prediction_id}"


class PrelabelJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        COMPLETE = "complete", "Complete"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    project = models.ForeignKey("annotation.Project", related_name="prelabel_jobs", on_delete=models.CASCADE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    models_used = models.JSONField(default=list, blank=True)
    task_ids = models.JSONField(null=True, blank=True, help_text="A selection; null means the whole project.")
    batch_size = models.PositiveIntegerField(default=64)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "Last sign of life of a worker on this job (a batch started, is running or finished), or of the reaper's "
            "last re-queue."
        ),
    )
    requeues = models.PositiveIntegerField(default=0, help_text="Times the reaper re-queued work lost with a worker.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Pre-labelling job {self.pk} ({self.status}, {self.done}/{self.total})"


class StanceModelVersion(models.Model):
    """One trained stance classifier for a project, with its cross-validated quality."""

    project = models.ForeignKey("annotation.Project", related_name="stance_models", on_delete=models.CASCADE)
    version = models.PositiveIntegerField()
    n_labels = models.PositiveIntegerField()
    cv_accuracy = models.FloatField(null=True, blank=True)
    per_label_f1 = models.JSONField(default=dict, blank=True)
    params = models.JSONField(default=dict, blank=True)
    artifact = models.BinaryField(help_text="The fitted classifier, serialised with joblib.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["project", "version"], name="stance_model_unique_version")]

    def __str__(self) -> str:
        return f"stance model v{self.version} of project {self.project_id}"


class PrelabelEvaluation(models.Model):
    """One run of the article-grouped evaluation of the pre-labelling models against the project's
    adjudicated or submitted statements. The report is the JSON the evaluation returns."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        COMPLETE = "complete", "Complete"
        FAILED = "failed", "Failed"

    project = models.ForeignKey("annotation.Project", related_name="prelabel_evaluations", on_delete=models.CASCADE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Pre-label evaluation {self.pk} of project {self.project_id} ({self.status})"
