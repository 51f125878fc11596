"""Projects, their members and their stance labels."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

DEFAULT_STANCE_LABELS = [
    # (value, name, key)
    ("favor", "Favor", "1"),
    ("against", "Against", "2"),
    ("neutral", "Neutral", "3"),
    ("unclear", "Unclear", "4"),
]


class Role(models.TextChoices):
    ANNOTATOR = "annotator", "Annotator"
    MANAGER = "manager", "Manager"
    ML_ENGINEER = "ml_engineer", "ML engineer"


class Project(models.Model):
    class TaskOrder(models.TextChoices):
        ARTICLE = "article", "Article order"
        UNCERTAINTY = "uncertainty", "Stance model uncertainty first"

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    corpora = models.ManyToManyField("corpora.Corpus", related_name="projects", blank=True)
    paragraph_kinds = models.JSONField(
        default=list, blank=True, help_text='Paragraph kinds that become tasks; empty means ["body"].'
    )
    languages = models.JSONField(default=list, blank=True, help_text="Only paragraphs in these languages; empty: all.")
    min_paragraph_chars = models.PositiveIntegerField(default=1)
    guidelines = models.TextField(blank=True, help_text="Markdown, rendered safely.")
    guidelines_version = models.PositiveIntegerField(default=1)
    annotators_per_task = models.PositiveSmallIntegerField(default=3)
    lease_minutes = models.PositiveIntegerField(default=30)
    task_order = models.CharField(max_length=16, choices=TaskOrder.choices, default=TaskOrder.ARTICLE)
    allow_reopen = models.BooleanField(
        default=True,
        help_text="Annotators may reopen and edit their submitted annotations (never once the task is adjudicated).",
    )
    # Pre-labelling settings.
    claim_threshold = models.FloatField(default=0.45)
    stance_retrain_every = models.PositiveIntegerField(default=50)
    stance_min_labels = models.PositiveIntegerField(default=30)
    transformer_model_path = models.CharField(
        max_length=500, blank=True, help_text="Optional local Hugging Face model directory."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ProjectMembership", related_name="standpoint_projects"
    )

    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(annotators_per_task__gte=1), name="project_k_at_least_one"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def task_kinds(self) -> list[str]:
        return self.paragraph_kinds or ["body"]


class ProjectMembership(models.Model):
    project = models.ForeignKey(Project, related_name="memberships", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="memberships", on_delete=models.CASCADE)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANNOTATOR)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "role", "user_id"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user")]

    def __str__(self) -> str:
        return f"{self.user} as {self.role} in {self.project}"


class StanceLabel(models.Model):
    project = models.ForeignKey(Project, related_name="stance_labels", on_delete=models.CASCADE)
    value = models.SlugField(max_length=32)
    name = models.CharField(max_length=64)
    key = models.CharField(max_length=1, help_text="Keyboard key that sets this stance.")
    order = models.PositiveSmallIntegerField(default=0)
    color = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["project_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "value"], name="stance_label_unique_value"),
            models.UniqueConstraint(fields=["project", "key"], name="stance_label_unique_key"),
        ]

    def __str__(self) -> str:
        return self.value
