"""Storing what ``preparation`` made: one transaction per file, batches of articles, paragraphs by COPY
(PostgreSQL) or ``bulk_create``; duplicate articles skipped and repeated paragraphs flagged with two or
three queries per batch, none per paragraph."""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from django.db import DatabaseError, IntegrityError, connection, transaction

from ..import_report import FileResult
from ..models import Article, Corpus, Paragraph
from ..preparation import PARAGRAPH_COLUMNS, ParagraphRow

ARTICLES_PER_BATCH = 200
PARAGRAPHS_PER_INSERT = 2000
HASHES_PER_QUERY = 2000


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


def import_prepared(
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


class PlannerStatistics:
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
