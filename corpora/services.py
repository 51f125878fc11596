"""Writes of the corpora app: importing files, and managers' corrections of paragraph kinds.

Import path (the command, the API, the upload page and the benchmark all use ``corpus_import``):
read (``readers``) -> split (``splitting``) -> kinds (``kinds``) and languages (``languages``)
-> ``bulk_create`` in batches. Per file: one transaction, two or three queries per batch of
articles, none per paragraph.
"""

import logging
import multiprocessing
import time
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from simple_history.utils import bulk_update_with_history

from . import workers as workers_module
from .access import corpora_readable_by
from .import_report import FileResult, ImportProgress, ImportReport, ProgressCallback
from .kind_adaptation import import_model_choice
from .models import Article, Corpus, Paragraph
from .preparation import PARAGRAPH_COLUMNS, ParagraphRow, prepare_file
from .readers import ReadError, Source, check_size, format_of, sources_in, unsupported_reason, zip_members
from .titles import article_title_from

log = logging.getLogger(__name__)

ARTICLES_PER_BATCH = 200
PARAGRAPHS_PER_INSERT = 2000
HASHES_PER_QUERY = 2000


# -- storing ----------------------------------------------------------------------------------------


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _hashes_in_corpus(corpus: Corpus, hashes: Sequence[str]) -> tuple[set[str], set[str]]:
    """(hashes some paragraph of ``corpus`` has, those of them some paragraph has unflagged).

    PostgreSQL: one probe per hash that stops at the first matching paragraph (``EXISTS`` over the
    ``text_hash`` index), so a text repeated in thousands of articles costs one index step, not a
    read of every copy. Elsewhere (the SQLite demo) the same sets from two ORM queries.
    """
    found: set[str] = set()
    unflagged: set[str] = set()
    for chunk in _chunks(sorted(set(hashes)), HASHES_PER_QUERY):
        if connection.vendor == "postgresql":
            paragraph = connection.ops.quote_name(Paragraph._meta.db_table)
            article = connection.ops.quote_name(Article._meta.db_table)
            probe = (
                f"SELECT 1 FROM {paragraph} p JOIN {article} a ON a.id = p.article_id "
                "WHERE p.text_hash = h AND a.corpus_id = %s{extra}"
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT h, EXISTS ({probe.format(extra=' AND NOT p.is_repeated')}) FROM unnest(%s::text[]) h "
                    f"WHERE EXISTS ({probe.format(extra='')})",
                    [corpus.pk, list(chunk), corpus.pk],
                )
                for text_hash, has_unflagged in cursor.fetchall():
                    found.add(text_hash)
                    if has_unflagged:
                        unflagged.add(text_hash)
            continue
        in_corpus = Paragraph.objects.filter(article__corpus=corpus, text_hash__in=chunk).order_by()
        found.update(in_corpus.values_list("text_hash", flat=True).distinct())
        unflagged.update(in_corpus.filter(is_repeated=False).values_list("text_hash", flat=True).distinct())
    return found, unflagged


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
                copy.write_row(
                    (
                        r.article_id,
                        r.position,
                        r.kind,
                        r.kind_source,
                        r.kind_reason,
                        r.text,
                        r.start,
                        r.end,
                        r.text_hash,
                        r.language,
                        r.is_repeated,
                    )
                )
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
    earlier, unflagged = _hashes_in_corpus(corpus, list(per_hash))
    for p in rows:
        p.is_repeated = p.text_hash in earlier or per_hash[p.text_hash] > 1
    _insert_paragraphs(rows)
    for chunk in _chunks(sorted(unflagged), HASHES_PER_QUERY):  # earlier paragraphs not yet flagged
        (
            Paragraph.objects.filter(article__corpus=corpus, text_hash__in=chunk, is_repeated=False).update(
                is_repeated=True
            )
        )
    return len(rows)


def _import_prepared(
    corpus: Corpus,
    name: str,
    prepared: list[tuple[Article, list[ParagraphRow]]],
    on_batch: Callable[[int, int], None],
    on_file: Callable[[FileResult], None] | None = None,
) -> FileResult:
    """All articles of one file in one transaction; duplicates (same content hash) are skipped.

    ``on_file`` sees the result of a file that wrote articles inside that file's transaction
    (so what it records commits with the rows, or not at all).
    """
    result = FileResult(name=name, status="imported")
    seen: set[str] = set()
    try:
        with transaction.atomic():
            for chunk in _chunks(prepared, ARTICLES_PER_BATCH):
                hashes = [article.content_hash for article, _ in chunk]
                seen.update(
                    Article.objects.filter(corpus=corpus, content_hash__in=hashes).values_list(
                        "content_hash", flat=True
                    )
                )
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
            if result.articles and on_file is not None:
                on_file(result)
    except IntegrityError:
        return FileResult(
            name,
            "failed",
            "another import wrote the same article at the same time; nothing from this file was kept, import it again",
        )
    except DatabaseError as exc:
        return FileResult(
            name, "failed", f"the database refused it ({str(exc).strip()[:150]}); nothing from this file was kept"
        )
    if result.articles == 0:
        result.status = "skipped"
        result.reason = (
            "already in the corpus (same content)"
            if result.duplicates == 1
            else f"all {result.duplicates} articles are already in the corpus (same content)"
        )
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


def _inputs(files: list[Path], root: Path | None, uploads: list, limit: int):
    """(name, bytes or None, problem) for each file under ``root`` and each upload, in order; a file
    over ``limit`` is not read."""
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


def _import_items(inputs, limit: int, totals: dict, done: Collection[str] = ()):
    """In order: FileResult notes, and Sources to import (a zip's members counted into ``totals``),
    leaving out the names in ``done``."""
    for name, data, problem in inputs:
        if data is None:
            if name not in done:
                yield FileResult(name, "failed", problem)
            continue
        members, notes = _unpack(name, data, limit)
        totals["files"] += max(len(members) - 1, 0)
        if not members:
            totals["done"] += 1
        for item in (*notes, *members):
            if item.name in done:  # finished by an earlier run of this import
                totals["files"] -= isinstance(item, Source)
                continue
            yield item


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
    creator = user if user and user.pk else None
    corpus, _ = Corpus.objects.get_or_create(name=name, defaults={"created_by": creator, "owner": creator})
    return corpus


def corpus_open_or_create(*, name: str, user) -> Corpus:
    """The corpus named ``name`` if ``user`` may read it, else a new one they own.

    A name taken by a corpus the user may not read is refused, without opening that corpus.
    """
    existing = Corpus.objects.filter(name=name.strip()).first()
    if existing is not None and not corpora_readable_by(user=user).filter(pk=existing.pk).exists():
        raise ValidationError({"name": ["A corpus with this name exists already."]})
    return corpus_get_or_create(name=name, user=user)


def corpus_import(
    *,
    path: str | Path | None = None,
    uploads: Iterable[tuple[str, bytes | Any]] = (),
    corpus: Corpus | None = None,
    corpus_name: str | None = None,
    user=None,
    progress: ProgressCallback | None = None,
    max_bytes: int | None = None,
    workers: int = 0,
    encoding: str | None = None,
    done: Collection[str] = (),
    on_file: Callable[[FileResult], None] | None = None,
) -> ImportReport:
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

    ``encoding``: the encoding the user named for every file (else each is detected). ``done``:
    names of files (or zip members) a previous run of the same import finished; they are left out.
    ``on_file(result)`` is called once per file, inside the file's transaction when it wrote rows.

    (Longer than most: its closures share one import's running totals and report; reading and
    unpacking the inputs are _inputs and _import_items.)
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
    kind_model = import_model_choice()  # the installation's adapted kind model, for the sources it learned

    def tick(current: str) -> None:
        if progress:
            progress(ImportProgress(totals["done"], totals["files"], totals["articles"], totals["paragraphs"], current))

    def on_batch(articles: int, paragraphs: int) -> None:
        totals["articles"] += articles
        totals["paragraphs"] += paragraphs
        tick(current)

    def finish(entry) -> None:
        nonlocal current
        if isinstance(entry, FileResult):
            report.files.append(entry)
            if on_file is not None:
                on_file(entry)
            tick(entry.name)
            return
        source, future = entry
        current = source.name
        prepared, reason = future.result()
        if prepared is None:
            result = FileResult(source.name, "failed", reason)
        else:
            result = _import_prepared(corpus, source.name, prepared, on_batch, on_file)
        report.files.append(result)
        if on_file is not None and not (result.status == "imported" and result.articles):
            on_file(result)
        totals["done"] += 1
        statistics.maybe_analyze(totals["paragraphs"])
        tick(current)

    current = ""
    pool = None
    if workers and totals["files"] > 1:
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=workers_module.setup
        )
    try:
        queue: deque = deque()
        for item in _import_items(_inputs(files, root, uploads, limit), limit, totals, done):
            if isinstance(item, FileResult):
                queue.append(item)
            elif pool is not None:  # read and prepare ahead in the workers while this process writes
                queue.append((item, pool.submit(workers_module.prepare_file, item, limit, encoding, kind_model)))
            else:
                ready: Future = Future()
                ready.set_result(prepare_file(item, limit, encoding, kind_model))
                queue.append((item, ready))
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
        Paragraph.history.bulk_history_create(
            missing, default_change_reason="detected at import", default_date=missing[0].article.created_at
        )
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
    if kind == Paragraph.Kind.TITLE:
        paragraph.article = article_title_from(paragraph)
    return paragraph


def article_mark_comments_from(*, article: Article, position: int, user) -> int:
    """Every paragraph of ``article`` from ``position`` to the end becomes a comment; how many changed."""
    return len(article_mark_comments(article=article, position=position, user=user))


@transaction.atomic
def article_mark_comments(*, article: Article, position: int, user) -> list[dict]:
    """Every paragraph of ``article`` from ``position`` to the end becomes a comment.

    Returns what each changed paragraph was before ({id, kind, kind_source, kind_reason}): the undo
    (corpora.kind_undo.article_kinds_restore) puts exactly that back. History: one record per changed
    paragraph.
    """
    paragraphs = list(
        Paragraph.objects.select_for_update()
        .select_related("article")
        .filter(article=article, position__gte=position)
        .order_by("position")
    )
    if not paragraphs:
        raise ValidationError({"position": [f"The article has no paragraph at position {position}."]})
    changed = [
        p for p in paragraphs if p.kind != Paragraph.Kind.COMMENT or p.kind_source != Paragraph.KindSource.MANUAL
    ]
    if not changed:
        return []
    before = [{"id": p.pk, "kind": p.kind, "kind_source": p.kind_source, "kind_reason": p.kind_reason} for p in changed]
    _with_baseline_history(changed)
    reason = f"comments from paragraph {position} on, set by {user.get_username() if user else 'hand'}"
    for p in changed:
        p.kind, p.kind_source, p.kind_reason = Paragraph.Kind.COMMENT, Paragraph.KindSource.MANUAL, reason[:200]
    bulk_update_with_history(
        changed,
        Paragraph,
        ["kind", "kind_source", "kind_reason"],
        default_user=user,
        default_change_reason="from here to the end are comments",
    )
    return before
