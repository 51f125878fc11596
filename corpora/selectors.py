"""Reads of the corpora app used by the API, the pages and other apps."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .access import corpora_readable_by
from .models import Article, Corpus, ImportJob, Paragraph

KIND_ORDER = list(Paragraph.Kind.values)


def corpus_list(*, user) -> QuerySet[Corpus]:
    """The corpora `user` may read (corpora/access.py), with their article counts."""
    return (
        corpora_readable_by(user=user)
        .annotate(
            article_count=Count("articles", distinct=True),
        )
        .select_related("created_by")
        .order_by("name")
    )


def corpus_paragraph_counts(*, corpus: Corpus) -> dict:
    """{"total": n, "body": n, ...} in the order of Paragraph.Kind, plus repeated and manual counts."""
    rows = Paragraph.objects.filter(article__corpus=corpus).aggregate(
        total=Count("id"),
        repeated=Count("id", filter=Q(is_repeated=True)),
        manual=Count("id", filter=Q(kind_source=Paragraph.KindSource.MANUAL)),
        **{kind: Count("id", filter=Q(kind=kind)) for kind in KIND_ORDER},
    )
    return rows


def article_list(*, corpus: Corpus, search: str = "", language: str = "", fmt: str = "") -> QuerySet[Article]:
    articles = (
        Article.objects.filter(corpus=corpus)
        .annotate(
            paragraph_count=Count("paragraphs"),
            body_count=Count("paragraphs", filter=Q(paragraphs__kind=Paragraph.Kind.BODY)),
        )
        .defer("text")
        .order_by("id")
    )
    if search:
        articles = articles.filter(
            Q(title__icontains=search) | Q(author__icontains=search) | Q(source_name__icontains=search)
        )
    if language:
        articles = articles.filter(language=language)
    if fmt:
        articles = articles.filter(format=fmt)
    return articles


def corpus_languages(*, corpus: Corpus) -> list[str]:
    return list(
        Article.objects.filter(corpus=corpus)
        .exclude(language="")
        .order_by("language")
        .values_list("language", flat=True)
        .distinct()
    )


def paragraph_history(*, paragraph: Paragraph) -> list[dict]:
    """Kind changes of one paragraph, newest first: {date, kind, kind_source, user, reason}."""
    records = paragraph.history.select_related("history_user").order_by("-history_date", "-history_id")
    return [
        {
            "date": r.history_date,
            "kind": r.kind,
            "kind_source": r.kind_source,
            "user": r.history_user.get_username() if r.history_user else None,
            "reason": r.history_change_reason or r.kind_reason,
        }
        for r in records
    ]


def article_paragraphs_with_history(*, article: Article) -> list[Paragraph]:
    """The article's paragraphs in order, each with ``changes`` (its history, newest first)."""
    paragraphs = list(article.paragraphs.order_by("position"))
    by_id = {p.pk: p for p in paragraphs}
    for p in paragraphs:
        p.changes = []
    history = (
        Paragraph.history.filter(id__in=list(by_id))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    for record in history:
        by_id[record.id].changes.append(
            {
                "date": record.history_date,
                "kind": record.kind,
                "user": record.history_user.get_username() if record.history_user else None,
                "reason": record.history_change_reason or record.kind_reason,
            }
        )
    return paragraphs


def import_job_progress(*, job: ImportJob, now: datetime | None = None) -> dict:
    """Files and paragraphs done, the rate (files/s and paragraphs/s since the job started) and an ETA."""
    now = now or timezone.now()
    elapsed = ((job.finished_at or now) - job.started_at).total_seconds() if job.started_at else 0.0
    total = max(job.files_total, job.files_done)
    rate = job.files_done / elapsed if elapsed > 0 and job.files_done else None
    remaining = total - job.files_done
    eta = None
    if job.is_active and rate:
        eta = round(remaining / rate, 1)
    elif not job.is_active:
        eta = 0.0 if job.status == ImportJob.Status.COMPLETE else None
    return {
        "files_done": job.files_done,
        "files_total": total,
        "articles": job.articles,
        "paragraphs": job.paragraphs,
        "percent": round(100.0 * job.files_done / total, 1) if total else 100.0,
        "files_per_second": round(rate, 2) if rate else None,
        "paragraphs_per_second": round(job.paragraphs / elapsed, 1) if elapsed > 0 and job.paragraphs else None,
        "eta_seconds": eta,
        "current": job.current,
        "elapsed_seconds": round(elapsed, 1),
    }


def import_job_list(*, corpus: Corpus) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(corpus=corpus).order_by("-created_at", "-id")
