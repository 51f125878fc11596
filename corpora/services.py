"""Writes of the corpora app: importing files, and managers' corrections of paragraph kinds.

Import path (the command, the API, the upload page and the benchmark all use ``corpus_import``):
read (``readers``) -> split (``splitting``) -> kinds (``kinds``) and languages (``languages``)
-> ``bulk_create`` in batches. Per file: one transaction, two or three queries per batch of
articles, none per paragraph.
"""

import hashlib
import logging
import multiprocessing
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from simple_history.utils import bulk_update_with_history

from . import kinds as kind_rules
from . import workers as workers_module
from .languages import article_language, paragraph_languages
from .models import Article, Corpus, Paragraph
from .readers import (Document, ReadError, Source, check_size, format_of, read_source, sources_in,
                      unsupported_reason, zip_members)
from .splitting import split_paragraphs

log = logging.getLogger(__name__)

ARTICLES_PER_BATCH = 200
PARAGRAPHS_PER_INSERT = 2000
HASHES_PER_QUERY = 2000


@dataclass
class FileResult:
    name: str
    status: str  # "imported" | "skipped" | "failed"
    reason: str = ""
    articles: int = 0
    duplicates: int = 0
    paragraphs: int = 0


@dataclass
class ImportProgress:
    files_done: int
    files_total: int
    articles: int
    paragraphs: int
    current: str


@dataclass
class ImportReport:
    corpus_id: int
    corpus_name: str
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def _with(self, status: str) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    @property
    def imported(self) -> list[FileResult]:
        return self._with("imported")

    @property
    def skipped(self) -> list[FileResult]:
        return self._with("skipped")

    @property
    def failed(self) -> list[FileResult]:
        return self._with("failed")

    @property
    def articles(self) -> int:
        return sum(f.articles for f in self.files)

    @property
    def paragraphs(self) -> int:
        return sum(f.paragraphs for f in self.files)

    def as_dict(self) -> dict:
        return {"corpus": {"id": self.corpus_id, "name": self.corpus_name},
                "imported": len(self.imported), "skipped": len(self.skipped), "failed": len(self.failed),
                "articles": self.articles, "paragraphs": self.paragraphs, "seconds": round(self.seconds, 3),
                "files": [asdict(f) for f in self.files]}

    def lines(self) -> list[str]:
        """The report as text, one line per file that was not simply imported."""
        out = [f"Corpus {self.corpus_name!r}: {len(self.imported)} file(s) imported, {len(self.skipped)} skipped, "
               f"{len(self.failed)} failed; {self.articles} article(s), {self.paragraphs} paragraph(s) "
               f"in {self.seconds:.1f} s."]
        for f in self.files:
            if f.status == "imported":
                extra = f", {f.duplicates} already in the corpus" if f.duplicates else ""
                out.append(f"  imported  {f.name}: {f.articles} article(s), {f.paragraphs} paragraph(s){extra}")
            else:
                out.append(f"  {f.status:8}  {f.name}: {f.reason}")
        return out


ProgressCallback = Callable[[ImportProgress], None]


# -- preparing one article (no database) ----------------------------------------------------------

def content_hash(text: str) -> str:
    """Whitespace-insensitive: the same article re-saved with other line endings is the same."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def _byline_author(text: str) -> str:
    head = text.split(",")[0].split("·")[0].split("|")[0]
    words = head.split()
    if words and words[0].lower() in ("by", "author:"):
        words = words[1:]
    elif "by" in [w.lower() for w in words[:4]]:
        words = words[[w.lower() for w in words].index("by") + 1:]
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


PARAGRAPH_COLUMNS = ["article_id", "position", "kind", "kind_source", "kind_reason", "text", "start", "end",
                     "text_hash", "language", "is_repeated"]


def article_prepare(*, corpus: Corpus | None, document: Document) -> tuple[Article, list[ParagraphRow]]:
    """An unsaved Article and its paragraph rows: offsets, kinds, languages, hashes."""
    text = document.text
    spans = split_paragraphs(text)
    if not spans:
        raise ReadError(document.source_name, "no text paragraphs")
    texts = [s.text for s in spans]
    decisions = kind_rules.detect_kinds(texts, title=document.title, author=document.author,
                                        headings=document.headings)
    language = article_language(text)
    article = Article(corpus=corpus, title=document.title, author=document.author, published=document.published,
                      source_url=document.url, source_name=document.source_name[:500], format=document.format,
                      text=text, content_hash=content_hash(text), language=language)
    paragraphs = []
    languages = paragraph_languages(texts, language)
    for position, (span, decision, (lang, differs)) in enumerate(zip(spans, decisions, languages, strict=True)):
        kind, reason = decision
        if differs and kind == kind_rules.BODY:
            kind, reason = kind_rules.FOOTER, f"in {lang}, not the article's language ({language})"
        if kind == kind_rules.TITLE and not article.title:
            article.title = span.text[:500]
        elif kind == kind_rules.META and reason.startswith(("byline", "republication byline")) and not article.author:
            article.author = _byline_author(span.text)
        elif kind == kind_rules.META and reason == "author name line" and not article.author:
            article.author = span.text[:300]
        elif kind == kind_rules.META and reason == "date line" and article.published is None:
            article.published = _date_of(span.text)
        paragraphs.append(ParagraphRow(position=position, kind=kind, kind_reason=reason[:200], text=span.text,
                                       start=span.start, end=span.end, language=lang,
                                       text_hash=hashlib.sha256(span.text.encode()).hexdigest()))
    return article, paragraphs


# -- storing ----------------------------------------------------------------------------------------

def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _hashes_in_corpus(corpus: Corpus, hashes: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(set(hashes)), HASHES_PER_QUERY):
        found.update(Paragraph.objects.filter(article__corpus=corpus, text_hash__in=chunk)
                     .values_list("text_hash", flat=True).distinct())
    return found


def _insert_paragraphs(rows: list[ParagraphRow], *, use_copy: bool | None = None) -> None:
    """PostgreSQL: one ``COPY ... FROM STDIN`` in the current transaction (no per-row SQL to build
    or parse). Other databases (the SQLite demo): ``bulk_create`` in batches."""
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    if use_copy:
        table = connection.ops.quote_name(Paragraph._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in PARAGRAPH_COLUMNS)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((r.article_id, r.position, r.kind, r.kind_source, r.kind_reason, r.text, r.start,
                                r.end, r.text_hash, r.language, r.is_repeated))
        return
    for chunk in _chunks(rows, PARAGRAPHS_PER_INSERT):
        Paragraph.objects.bulk_create([Paragraph(**{c: getattr(r, c) for c in PARAGRAPH_COLUMNS}) for r in chunk])


def _store_batch(corpus: Corpus, batch: list[tuple[Article, list[ParagraphRow]]]) -> int:
    """Insert a batch of new articles; flag paragraphs repeated across articles. Returns paragraphs."""
    Article.objects.bulk_create([article for article, _ in batch])
    rows: list[ParagraphRow] = []
    per_hash: Counter = Counter()
    for article, paragraphs in batch:
        for h in {p.text_hash for p in paragraphs}:
            per_hash[h] += 1
        for p in paragraphs:
            p.article_id = article.pk
            rows.append(p)
    earlier = _hashes_in_corpus(corpus, list(per_hash))
    for p in rows:
        p.is_repeated = p.text_hash in earlier or per_hash[p.text_hash] > 1
    _insert_paragraphs(rows)
    for chunk in _chunks(sorted(earlier), HASHES_PER_QUERY):
        (Paragraph.objects.filter(article__corpus=corpus, text_hash__in=chunk, is_repeated=False)
         .update(is_repeated=True))
    return len(rows)


def prepare_file(source: Source, max_bytes: int) -> tuple[list[tuple[Article, list[ParagraphRow]]] | None, str]:
    """Read and prepare one file, without the database: (articles with their rows, "") or (None, why).

    Runs in a worker process when the import has workers, so it must not touch the database.
    """
    try:
        documents = read_source(source.name, source.data, max_bytes=max_bytes)
        return [article_prepare(corpus=None, document=d) for d in documents], ""
    except ReadError as exc:
        return None, exc.reason
    except Exception as exc:  # a library choking on odd input must not end the whole import
        log.exception("Could not prepare %s", source.name)
        return None, f"could not be processed ({type(exc).__name__}: {str(exc)[:150]})"


def _import_prepared(corpus: Corpus, name: str, prepared: list[tuple[Article, list[ParagraphRow]]],
                     on_batch: Callable[[int, int], None]) -> FileResult:
    """All articles of one file in one transaction; duplicates (same content hash) are skipped."""
    result = FileResult(name=name, status="imported")
    seen: set[str] = set()
    try:
        with transaction.atomic():
            for chunk in _chunks(prepared, ARTICLES_PER_BATCH):
                hashes = [article.content_hash for article, _ in chunk]
                seen.update(Article.objects.filter(corpus=corpus, content_hash__in=hashes)
                            .values_list("content_hash", flat=True))
                batch = []
                for article, paragraphs in chunk:
                    if article.content_hash in seen:
                        result.duplicates += 1
                        continue
                    seen.add(article.content_hash)
                    article.corpus = corpus
                    batch.append((article, paragraphs))
                if batch:
                    count = _store_batch(corpus, batch)
                    result.articles += len(batch)
                    result.paragraphs += count
                    on_batch(len(batch), count)
    except IntegrityError:
        return FileResult(name, "failed", "another import wrote the same article at the same time; "
                                          "nothing from this file was kept, import it again")
    except DatabaseError as exc:
        return FileResult(name, "failed", f"the database refused it ({str(exc).strip()[:150]}); "
                                          f"nothing from this file was kept")
    if result.articles == 0:
        result.status = "skipped"
        result.reason = ("already in the corpus (same content)" if result.duplicates == 1
                         else f"all {result.duplicates} articles are already in the corpus (same content)")
    return result


def _unpack(name: str, data: bytes, max_bytes: int) -> tuple[list[Source], list[FileResult]]:
    """A source as files to import: a zip's members (validated first), or the file itself."""
    fmt = format_of(name)
    if fmt is None:
        return [], [FileResult(name, "skipped", unsupported_reason(name))]
    if fmt != "zip":
        return [Source(name, data)], []
    try:
        members, skipped = zip_members(name, data, max_bytes=max_bytes)
    except ReadError as exc:
        return [], [FileResult(name, "failed", exc.reason)]
    return members, [FileResult(member, "skipped", why) for member, why in skipped]


class _PlannerStatistics:
    """Refresh PostgreSQL's table statistics while a big import fills the tables.

    The duplicate and repeated-paragraph lookups use the text_hash index only if the planner
    knows the table is large; on a table analysed while nearly empty it picks sequential scans
    and an import slows down quadratically (measured: 85 s of server CPU for 100,000 paragraphs
    instead of ~10 s). Autovacuum reacts too late within one import, so ANALYZE runs between
    files each time the rows this import wrote have doubled (from 5,000): a handful of times.
    """

    def __init__(self):
        self.next_at = 5000

    def maybe_analyze(self, inserted: int) -> None:
        if inserted < self.next_at or connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Article._meta.db_table}, {Paragraph._meta.db_table}")
        self.next_at = inserted * 2


def corpus_get_or_create(*, name: str, user=None) -> Corpus:
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["A corpus needs a name."]})
    corpus, _ = Corpus.objects.get_or_create(name=name, defaults={"created_by": user if user and user.pk else None})
    return corpus


def corpus_import(*, path: str | Path | None = None, uploads: Iterable[tuple[str, bytes | Any]] = (),
                  corpus: Corpus | None = None, corpus_name: str | None = None, user=None,
                  progress: ProgressCallback | None = None, max_bytes: int | None = None,
                  workers: int = 0) -> ImportReport:
    """Import a file or a folder (``path``) and/or uploads into a corpus.

    ``uploads`` are ``(name, bytes)`` pairs, or ``(name, file)`` with a Django UploadedFile, whose
    size is checked before it is read.

    Side effects: creates the corpus named ``corpus_name`` if needed; writes each file's articles
    and paragraphs in its own transaction (a failing file leaves nothing behind); sets
    ``is_repeated`` on new and earlier paragraphs whose text appears in another article of the
    corpus. Idempotent: importing the same files again skips them (content hash per corpus).
    Never raises for bad input: every problem is a ``failed`` or ``skipped`` entry in the report.

    ``workers`` > 0 (the command's default for several files): that many worker processes read
    and prepare the next files (parsing, kinds, languages) while this process writes; at most
    ``workers + 1`` prepared files wait in memory. Writes stay in this process and in file order.
    """
    started = time.perf_counter()
    if corpus is None:
        corpus = corpus_get_or_create(name=corpus_name or "", user=user)
    limit = max_bytes if max_bytes is not None else settings.STANDPOINT_MAX_UPLOAD_BYTES
    report = ImportReport(corpus_id=corpus.pk, corpus_name=corpus.name)
    root = Path(path) if path is not None else None
    if root is not None and not root.exists():
        report.files.append(FileResult(str(root), "failed", "no such file or folder"))
        return report
    files = list(sources_in(root)) if root is not None else []
    uploads = list(uploads)
    totals = {"files": len(files) + len(uploads), "done": 0, "articles": 0, "paragraphs": 0}
    statistics = _PlannerStatistics()

    def tick(current: str) -> None:
        if progress:
            progress(ImportProgress(totals["done"], totals["files"], totals["articles"], totals["paragraphs"], current))

    def on_batch(articles: int, paragraphs: int) -> None:
        totals["articles"] += articles
        totals["paragraphs"] += paragraphs
        tick(current)

    def pending():
        for file in files:
            label = str(file.relative_to(root)) if root.is_dir() else file.name
            try:
                check_size(label, file.stat().st_size, limit)
            except ReadError as exc:
                yield label, None, exc.reason
                continue
            yield label, file.read_bytes(), ""
        for name, data in uploads:
            if not isinstance(data, bytes | bytearray):  # an uploaded file: check its size before reading it
                try:
                    check_size(name, data.size, limit)
                except ReadError as exc:
                    yield name, None, exc.reason
                    continue
                data = data.read()
            yield name, data, ""

    def items():
        """In order: FileResult notes, and Sources to import."""
        for name, data, problem in pending():
            if data is None:
                yield FileResult(name, "failed", problem)
                continue
            members, notes = _unpack(name, data, limit)
            yield from notes
            totals["files"] += max(len(members) - 1, 0)
            if not members:
                totals["done"] += 1
            yield from members

    def finish(entry) -> None:
        nonlocal current
        if isinstance(entry, FileResult):
            report.files.append(entry)
            tick(entry.name)
            return
        source, future = entry
        current = source.name
        prepared, reason = future.result()
        if prepared is None:
            report.files.append(FileResult(source.name, "failed", reason))
        else:
            report.files.append(_import_prepared(corpus, source.name, prepared, on_batch))
        totals["done"] += 1
        statistics.maybe_analyze(totals["paragraphs"])
        tick(current)

    current = ""
    pool = None
    if workers and totals["files"] > 1:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=workers_module.setup)
    try:
        queue: deque = deque()
        for item in items():
            if isinstance(item, FileResult):
                queue.append(item)
            elif pool is not None:  # read and prepare ahead in the workers while this process writes
                queue.append((item, pool.submit(workers_module.prepare_file, item, limit)))
            else:
                done: Future = Future()
                done.set_result(prepare_file(item, limit))
                queue.append((item, done))
            while len(queue) > (workers + 1 if pool else 0):
                finish(queue.popleft())
        while queue:
            finish(queue.popleft())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    report.seconds = time.perf_counter() - started
    return report


# -- managers' corrections ----------------------------------------------------------------------------

def _with_baseline_history(paragraphs: Sequence[Paragraph]) -> None:
    """Give paragraphs that have no history yet a first record holding their detected kind.

    Import writes no history rows (that would double its cost); the first manual change then
    still shows what the detector had said.
    """
    ids = [p.pk for p in paragraphs]
    known = set(Paragraph.history.filter(id__in=ids).values_list("id", flat=True).distinct())
    missing = [p for p in paragraphs if p.pk not in known]
    if missing:
        for p in missing:
            p._history_user = None  # the detector, not whoever is logged in now
        Paragraph.history.bulk_history_create(missing, default_change_reason="detected at import",
                                              default_date=missing[0].article.created_at)
        for p in missing:
            del p._history_user


def _check_kind(kind: str) -> None:
    if kind not in Paragraph.Kind.values:
        raise ValidationError({"kind": [f"Unknown kind {kind!r}; use one of {', '.join(Paragraph.Kind.values)}."]})


@transaction.atomic
def paragraph_kind_set(*, paragraph: Paragraph, kind: str, user) -> Paragraph:
    """Set one paragraph's kind by hand (kind_source=manual); the change is kept in its history."""
    _check_kind(kind)
    paragraph = Paragraph.objects.select_for_update().select_related("article").get(pk=paragraph.pk)
    _with_baseline_history([paragraph])
    if paragraph.kind == kind and paragraph.kind_source == Paragraph.KindSource.MANUAL:
        return paragraph
    paragraph.kind = kind
    paragraph.kind_source = Paragraph.KindSource.MANUAL
    paragraph.kind_reason = f"set by {user.get_username()}" if user else "set by hand"
    paragraph._history_user = user
    paragraph.save(update_fields=["kind", "kind_source", "kind_reason"])
    return paragraph


@transaction.atomic
def article_mark_comments_from(*, article: Article, position: int, user) -> int:
    """Every paragraph of ``article`` from ``position`` to the end becomes a comment.

    Returns how many paragraphs changed kind. History: one record per changed paragraph.
    """
    paragraphs = list(Paragraph.objects.select_for_update().select_related("article")
                      .filter(article=article, position__gte=position).order_by("position"))
    if not paragraphs:
        raise ValidationError({"position": [f"The article has no paragraph at position {position}."]})
    changed = [p for p in paragraphs if p.kind != Paragraph.Kind.COMMENT or p.kind_source != Paragraph.KindSource.MANUAL]
    if not changed:
        return 0
    _with_baseline_history(changed)
    reason = f"comments from paragraph {position} on, set by {user.get_username() if user else 'hand'}"
    for p in changed:
        p.kind, p.kind_source, p.kind_reason = Paragraph.Kind.COMMENT, Paragraph.KindSource.MANUAL, reason[:200]
    bulk_update_with_history(changed, Paragraph, ["kind", "kind_source", "kind_reason"], default_user=user,
                             default_change_reason="from here to the end are comments")
    return len(changed)
