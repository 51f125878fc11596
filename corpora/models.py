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

    article = models.ForeignKey(Article, related_name="paragraphs", on_delete=models.CASCADE)
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BODY, db_index=True)
    kind_source = models.CharField(max_length=8, choices=KindSource.choices, default=KindSource.AUTO)
    kind_reason = models.CharField(max_length=200, blank=True, help_text="The detector rule that chose the kind.")
    text = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text_hash = models.CharField(max_length=64, db_index=True)
    language = models.CharField(max_length=8, blank=True)
    is_repeated = models.BooleanField(default=False, help_text="The same text appears in another article.")

    history = HistoricalRecords(excluded_fields=["text", "text_hash", "start", "end", "language", "position"])

    class Meta:
        ordering = ["article_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="paragraph_unique_position"),
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="paragraph_start_before_end"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.position} {self.text[:60]}"
