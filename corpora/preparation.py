"""Preparing articles for import without the database: read, split, detect kinds and languages.

Import worker processes (``workers.py``) run ``prepare_file``; ``services.imports.corpus_import`` writes what
it returns. Nothing here queries or writes the database (models are only instantiated, unsaved).
"""

import hashlib
import logging
from dataclasses import dataclass

from . import kinds as kind_rules
from .kind_model import KindModel, ModelChoice, kinds_with_reasons
from .languages import article_language, paragraph_languages
from .models import Article, Corpus, Paragraph
from .readers import Document, ReadError, Source, read_source
from .splitting import split_paragraphs
from .titles import fallback_title

log = logging.getLogger(__name__)


def content_hash(text: str) -> str:
    """Whitespace-insensitive: the same article re-saved with other line endings is the same."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def _byline_author(text: str) -> str:
    head = text.split(",")[0].split("·")[0].split("|")[0]
    words = head.split()
    if words and words[0].lower() in ("by", "author:"):
        words = words[1:]
    elif "by" in [w.lower() for w in words[:4]]:
        words = words[[w.lower() for w in words].index("by") + 1 :]
    return " ".join(words)[:300]


def _date_of(text: str):
    from dateutil import parser as date_parser

    try:
        return date_parser.parse(text.strip(" ,.;"), fuzzy=True).date()
    except (ValueError, OverflowError):
        return None


@dataclass(slots=True)
class ParagraphRow:
    """A paragraph ready to insert: plain data, cheaper than a model instance by ~50 µs."""

    position: int
    kind: str
    kind_reason: str
    text: str
    start: int
    end: int
    text_hash: str
    language: str
    is_repeated: bool = False
    article_id: int | None = None
    kind_source: str = Paragraph.KindSource.AUTO


PARAGRAPH_COLUMNS = [
    "article_id",
    "position",
    "kind",
    "kind_source",
    "kind_reason",
    "text",
    "start",
    "end",
    "text_hash",
    "language",
    "is_repeated",
]


def article_prepare(
    *, corpus: Corpus | None, document: Document, model: KindModel | ModelChoice | None = None
) -> tuple[Article, list[ParagraphRow]]:
    """An unsaved Article and its paragraph rows: offsets, kinds, languages, hashes.

    ``model``: the learned kind model (``None``: the shipped one; a ``ModelChoice`` picks an
    installation's adapted model for the document's source).

    Kept as one function: the paragraph loop also fills the article's title, author and date from
    the paragraphs' kinds, so the article and its rows are built together.
    """
    text = document.text
    spans = split_paragraphs(text)
    if not spans:
        raise ReadError(document.source_name, "no text paragraphs")
    texts = [s.text for s in spans]
    language = article_language(text)
    languages = paragraph_languages(texts, language)
    chosen = (model if model is not None else ModelChoice.default()).for_source(
        source_name=document.source_name, url=document.url
    )
    decisions = kinds_with_reasons(
        chosen, texts, title=document.title, author=document.author, headings=document.headings, languages=languages
    )
    article = Article(
        corpus=corpus,
        title=document.title,
        author=document.author,
        published=document.published,
        source_url=document.url,
        source_name=document.source_name[:500],
        format=document.format,
        text=text,
        content_hash=content_hash(text),
        language=language,
        encoding=document.encoding,
    )
    paragraphs = []
    for position, (span, decision, (lang, differs)) in enumerate(zip(spans, decisions, languages, strict=True)):
        kind, reason = decision
        if differs and kind == kind_rules.BODY:
            kind, reason = kind_rules.FOOTER, f"in {lang}, not the article's language ({language})"
        if kind == kind_rules.TITLE and not article.title:
            article.title = span.text[:500]
        elif kind == kind_rules.META and reason.startswith(("byline", "republication byline")) and not article.author:
            article.author = _byline_author(span.text)
        elif kind == kind_rules.META and reason.startswith("author name line") and not article.author:
            article.author = span.text[:300]
        elif kind == kind_rules.META and reason.startswith("date line") and article.published is None:
            article.published = _date_of(span.text)
        paragraphs.append(
            ParagraphRow(
                position=position,
                kind=kind,
                kind_reason=reason[:200],
                text=span.text,
                start=span.start,
                end=span.end,
                language=lang,
                text_hash=hashlib.sha256(span.text.encode()).hexdigest(),
            )
        )
    if not article.title:  # no title line and no title-kind paragraph: the opening words, not "Untitled"
        article.title = fallback_title(paragraphs)
    return article, paragraphs


def prepare_file(
    source: Source, max_bytes: int, encoding: str | None = None, model: ModelChoice | None = None
) -> tuple[list[tuple[Article, list[ParagraphRow]]] | None, str]:
    """Read and prepare one file, without the database: (articles with their rows, "") or (None, why).

    ``encoding``: the one the user named (else detected). Runs in a worker process when the
    import has workers, so it must not touch the database.
    """
    try:
        documents = read_source(source.name, source.data, max_bytes=max_bytes, encoding=encoding)
        return [article_prepare(corpus=None, document=d, model=model) for d in documents], ""
    except ReadError as exc:
        return None, exc.reason
    except Exception as exc:  # a library choking on odd input must not end the whole import
        log.exception("Could not prepare %s", source.name)
        return None, f"could not be processed ({type(exc).__name__}: {str(exc)[:150]})"
