"""Corpus -> Article -> Paragraph.

Offsets are character offsets into Article.text: article.text[p.start:p.end] == p.text.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class Corpus(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    # Access (corpora/access.py): the owner, users it was shared with, managers of projects using it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_corpora"
    )
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="shared_corpora",
        help_text="Users who may read and change this corpus besides its owner.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "corpora"

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Format(models.TextChoices):
        TXT = "txt", "Plain text"
        MD = "md", "Markdown"
        HTML = "html", "HTML"
        JSONL = "jsonl", "JSON lines"

    corpus = models.ForeignKey(Corpus, related_name="articles", on_delete=models.CASCADE)
    title = models.CharField(max_length=500, blank=True)
    author = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    source_url = models.URLField(max_length=2000, blank=True)
    source_name = models.CharField(max_length=500, blank=True, help_text="File (and line) it came from.")
    format = models.CharField(max_length=8, choices=Format.choices, default=Format.TXT)
    text = models.TextField(help_text="The article's text after extraction; paragraph offsets point into it.")
    content_hash = models.CharField(max_length=64, db_index=True)
    language = models.CharField(max_length=8, blank=True)
    encoding = models.CharField(
        max_length=32, blank=True, help_text="The file's encoding, as detected (or named by the user) at import."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["corpus", "content_hash"], name="article_unique_content_per_corpus"),
        ]

    def __str__(self) -> str:
        return self.title or self.source_name or f"Article {self.pk}"


class Paragraph(models.Model):
    class Kind(models.TextChoices):
        BODY = "body", "Body"
        TITLE = "title", "Title"
        BYLINE_OR_META = "byline_or_meta", "Byline or meta"
        EDITOR_NOTE = "editor_note", "Editor's note"
        COMMENT = "comment", "Reader comment"
        NOISE = "noise", "Noise"
        FOOTER = "footer", "Footer"

    class KindSource(models.TextChoices):
        AUTO = "auto", "Detected"
        MANUAL = "manual", "Set by a manager"

    # No index of its own: the unique (article, position) index serves every lookup by article.
    article = models.ForeignKey(Article, related_name="paragraphs", on_delete=models.CASCADE, db_index=False)
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BODY)
    kind_source = models.CharField(max_length=8, choices=KindSource.choices, default=KindSource.AUTO)
    kind_reason = models.CharField(max_length=200, blank=True, help_text="The detector rule that chose the kind.")
    text = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=8, blank=True)
    is_repeated = models.BooleanField(default=False, help_text="The same text appears in another article.")

    history = HistoricalRecords(excluded_fields=["text", "text_hash", "start", "end", "language", "position"])

    class Meta:
        ordering = ["article_id", "position"]
        # Plain b-tree indexes (``db_index=True`` on a CharField adds a second, LIKE-prefix one on
        # PostgreSQL, which nothing here uses and every import would maintain). The partial one
        # finds a text's paragraphs not yet flagged as repeated (import) without reading its copies.
        indexes = [
            models.Index(fields=["kind"], name="paragraph_kind"),
            models.Index(fields=["text_hash"], name="paragraph_text_hash"),
            models.Index(fields=["text_hash"], condition=Q(is_repeated=False), name="paragraph_unflagged_hash"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="paragraph_unique_position"),
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="paragraph_start_before_end"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.position} {self.text[:60]}"


class KindModelVersion(models.Model):
    """An installation's adapted paragraph-kind model, retrained with managers' kind corrections.

    The active one (at most one) decides the kinds of future imports whose source (site or file
    pattern, ``corpora.kind_model.source_key``) is in ``sources``; other imports use the model that
    ships with the code. Earlier versions stay for the record.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    model_json = models.TextField(help_text="The weights, as corpora.kind_model.KindModel.to_json writes them.")
    corrections = models.PositiveIntegerField(help_text="Paragraphs set by hand that it learned from.")
    articles = models.PositiveIntegerField(help_text="Corrected articles it learned from.")
    sources = models.JSONField(default=list, help_text="Source keys (site or file pattern) it is used for.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="kind_model_one_active")
        ]

    def __str__(self) -> str:
        return f"Kind model {self.pk} ({self.corrections} corrections{', active' if self.active else ''})"


class ImportJob(models.Model):
    """Uploaded files waiting for, or imported by, the ``corpora.import_upload`` task.

    The files live in ``STORAGES["uploads"]`` (``files``: name, storage path, size) until the job
    is complete; ``results`` holds one entry per file done so far (written in the same transaction
    as that file's articles, so a killed worker never leaves a file half-reported), ``report`` the
    final report.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Importing"
        COMPLETE = "complete", "Complete"
        FAILED = "failed", "Failed"

    corpus = models.ForeignKey(Corpus, related_name="import_jobs", on_delete=models.CASCADE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    encoding = models.CharField(max_length=32, blank=True, help_text="The encoding the user named; blank: detect.")
    files = models.JSONField(default=list, help_text="[{name, path, size}]: the stored uploads.")
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    articles = models.PositiveIntegerField(default=0)
    paragraphs = models.PositiveIntegerField(default=0)
    current = models.CharField(max_length=500, blank=True)
    results = models.JSONField(default=list, blank=True, help_text="One entry per file done so far.")
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times a worker started this job.")
    in_process = models.BooleanField(default=False, help_text="Run inside the web process (no broker).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.pk} into {self.corpus_id} ({self.status}, {self.files_done}/{self.files_total})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)
