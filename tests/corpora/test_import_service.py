"""corpus_import: whole files or nothing, dedup, repeated paragraphs, the report, progress."""

import io
import json
import zipfile

from django.db import connection

from corpora.models import Article, Corpus, Paragraph
from corpora.services.imports import corpus_import

PROSE = "Officials in Beijing said on Tuesday that the agreement would be signed before the end of the year."


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_shared_corpus_imports_with_exact_offsets_and_expected_body_counts(db, shared_corpus_dir):
    report = corpus_import(path=shared_corpus_dir, corpus_name="shared")
    assert [f.status for f in report.files] == ["imported"] * 4
    assert report.articles == 4 and report.paragraphs == 154
    body = {a.source_name: a.paragraphs.filter(kind="body").count() for a in Article.objects.all()}
    assert body == {
        "000_372915233d0c467e.txt": 14,
        "001_906daba6f3fdc6f9.txt": 31,
        "002_b8aa54d3edd41c2c.txt": 27,
        "003_02f75c1c77fcec06.txt": 8,
    }
    for article in Article.objects.prefetch_related("paragraphs"):
        assert article.language == "en"
        for p in article.paragraphs.all():
            assert article.text[p.start : p.end] == p.text
    article = Article.objects.get(source_name__startswith="001")
    assert article.title.startswith("Growing Russia-China entente") and article.author == "Sreemoy Talukdar"
    assert str(article.published) == "2023-03-16"


def test_sample_corpus_imports_cleanly(db, settings):
    report = corpus_import(path=settings.BASE_DIR / "corpora" / "sample_corpus", corpus_name="sample")
    assert not report.failed and not report.skipped
    assert report.articles == 5
    html = Article.objects.get(format="html")
    assert (html.title, html.author, str(html.published)) == (
        "At the summit, Delhi walks a tightrope",
        "Priya Raman",
        "2026-09-01",
    )
    wire = Article.objects.filter(format="jsonl").order_by("id")
    assert [a.source_name for a in wire] == ["04_wire.jsonl:1", "04_wire.jsonl:2"]
    assert wire[0].source_url == "https://example.org/wire/nato-divided"


def test_reimporting_the_same_articles_skips_them(db, shared_corpus_dir):
    corpus_import(path=shared_corpus_dir, corpus_name="c")
    again = corpus_import(path=shared_corpus_dir, corpus_name="c")
    assert [f.status for f in again.files] == ["skipped"] * 4
    assert all("already in the corpus" in f.reason for f in again.files)
    assert Article.objects.count() == 4 and Paragraph.objects.count() == 154
    # Other line endings and trailing spaces are the same article.
    text = (shared_corpus_dir / "000_372915233d0c467e.txt").read_text().replace("\n", "\r\n") + "  \r\n"
    third = corpus_import(uploads=[("copy.txt", text.encode())], corpus_name="c")
    assert third.files[0].status == "skipped"
    # Another corpus is another collection: the same file is imported there.
    assert corpus_import(path=shared_corpus_dir, corpus_name="other").articles == 4


def test_duplicate_lines_inside_one_jsonl_file_are_counted_not_stored(db):
    line = json.dumps({"text": PROSE})
    report = corpus_import(uploads=[("w.jsonl", f"{line}\n{line}\n".encode())], corpus_name="c")
    assert report.files[0].articles == 1 and report.files[0].duplicates == 1


def test_a_paragraph_repeated_across_articles_is_flagged_in_both(db):
    shared = "Subscribe to our newsletter for the weekly briefing on Eurasian energy politics."
    corpus_import(uploads=[("a.txt", f"{PROSE}\n\n{shared}".encode())], corpus_name="c")
    first = Paragraph.objects.get(text=shared)
    assert first.is_repeated is False
    corpus_import(
        uploads=[("b.txt", f"Another story entirely, about Delhi and the summit.\n\n{shared}".encode())],
        corpus_name="c",
    )
    assert Paragraph.objects.filter(text=shared).count() == 2
    assert set(Paragraph.objects.filter(text=shared).values_list("is_repeated", flat=True)) == {True}
    assert Paragraph.objects.get(text=PROSE).is_repeated is False


def test_repeats_are_found_per_corpus_and_the_lookup_sees_unflagged_copies_only(db, monkeypatch):
    """The hash lookup (one EXISTS probe per hash on PostgreSQL, ORM queries elsewhere) gives
    the same sets both ways, keeps corpora apart, and updates only copies not yet flagged."""
    from corpora.services import storage

    shared = "Subscribe to our newsletter for the weekly briefing on Eurasian energy politics."
    corpus_import(uploads=[("a.txt", f"{PROSE}\n\n{shared}".encode())], corpus_name="c")
    corpus_import(uploads=[("x.txt", f"A story in the other corpus.\n\n{shared}".encode())], corpus_name="o")
    assert Paragraph.objects.get(text=shared, article__corpus__name="o").is_repeated is False
    c = Corpus.objects.get(name="c")
    hashes = list(Paragraph.objects.values_list("text_hash", flat=True).distinct()) + ["0" * 64]
    shared_hash = Paragraph.objects.filter(text=shared).values_list("text_hash", flat=True).first()
    found, unflagged = storage._hashes_in_corpus(c, hashes)
    assert shared_hash in found and shared_hash in unflagged and "0" * 64 not in found
    assert found == set(Paragraph.objects.filter(article__corpus=c).values_list("text_hash", flat=True))
    monkeypatch.setattr(connection, "vendor", "sqlite")  # the portable ORM path answers the same
    assert storage._hashes_in_corpus(c, hashes) == (found, unflagged)
    monkeypatch.undo()
    corpus_import(uploads=[("b.txt", f"Another story, about Delhi.\n\n{shared}".encode())], corpus_name="c")
    assert set(Paragraph.objects.filter(text=shared, article__corpus=c).values_list("is_repeated", flat=True)) == {True}
    assert Paragraph.objects.get(text=shared, article__corpus__name="o").is_repeated is False
    found, unflagged = storage._hashes_in_corpus(c, [shared_hash])
    assert found == {shared_hash} and unflagged == set()  # every copy flagged: nothing left to update


def test_paragraphs_repeated_between_articles_of_the_same_file_are_flagged(db):
    rows = [json.dumps({"text": f"Story {i} begins here.\n\n{PROSE}"}) for i in range(2)]
    corpus_import(uploads=[("w.jsonl", "\n".join(rows).encode())], corpus_name="c")
    assert list(Paragraph.objects.filter(text=PROSE).values_list("is_repeated", flat=True)) == [True, True]


def test_a_failing_file_leaves_no_rows_and_the_others_are_imported(db):
    good = json.dumps({"text": PROSE})
    bad_jsonl = f"{good}\n{json.dumps({'text': 'Second article.'})}\n{{broken\n".encode()
    report = corpus_import(
        uploads=[
            ("ok.txt", PROSE.encode()),
            ("bad.jsonl", bad_jsonl),
            ("empty.txt", b""),
            ("image.txt", b"\x00\x01\x02" * 100),
        ],
        corpus_name="c",
    )
    status = {f.name: (f.status, f.reason) for f in report.files}
    assert status["ok.txt"][0] == "imported"
    assert status["bad.jsonl"] == (
        "failed",
        "line 3 is not valid JSON (Expecting property name enclosed in double quotes at column 2)",
    )
    assert status["empty.txt"][0] == "failed" and "empty" in status["empty.txt"][1]
    assert status["image.txt"][0] == "failed" and "binary" in status["image.txt"][1]
    assert Article.objects.count() == 1 and Paragraph.objects.count() == 1


def test_a_database_error_midway_rolls_back_the_whole_file(db, monkeypatch):
    """Lines 1 and 2 are stored before line 3's paragraphs fail: nothing of the file may remain."""
    import corpora.services.storage as storage

    rows = [json.dumps({"text": f"Article {i}.\n\n{PROSE} {i}"}) for i in range(3)]
    real = storage._store_batch
    calls = []

    def store_then_break(corpus, batch):
        calls.append(len(batch))
        count = real(corpus, batch)
        if len(calls) == 2:
            with connection.cursor() as cursor:  # a real database error inside the file's transaction
                cursor.execute("SELECT 1/0")
        return count

    monkeypatch.setattr(storage, "ARTICLES_PER_BATCH", 1)
    monkeypatch.setattr(storage, "_store_batch", store_then_break)
    report = corpus_import(uploads=[("three.jsonl", "\n".join(rows).encode())], corpus_name="c")
    assert report.files[0].status == "failed" and "nothing from this file was kept" in report.files[0].reason
    assert Article.objects.count() == 0 and Paragraph.objects.count() == 0


def test_zip_upload_imports_members_and_reports_skipped_ones(db, settings):
    sample = settings.BASE_DIR / "corpora" / "sample_corpus"
    data = zipped(
        {
            "x/01.txt": (sample / "01_pipeline_talks.txt").read_bytes(),
            "x/04.jsonl": (sample / "04_wire.jsonl").read_bytes(),
            "x/readme.pdf": b"%PDF",
        }
    )
    report = corpus_import(uploads=[("batch.zip", data)], corpus_name="z")
    status = {f.name: f.status for f in report.files}
    assert status == {
        "batch.zip/x/01.txt": "imported",
        "batch.zip/x/04.jsonl": "imported",
        "batch.zip/x/readme.pdf": "skipped",
    }
    assert report.articles == 3


def test_a_zip_slip_archive_imports_nothing(db):
    data = zipped({"good.txt": PROSE.encode(), "../../escape.txt": b"Escaped."})
    report = corpus_import(uploads=[("slip.zip", data)], corpus_name="z")
    assert [(f.name, f.status) for f in report.files] == [("slip.zip", "failed")]
    assert "zip slip" in report.files[0].reason
    assert Article.objects.count() == 0


def test_size_limit_comes_from_settings(db, tmp_path, settings):
    settings.STANDPOINT_MAX_UPLOAD_BYTES = 100
    (tmp_path / "big.txt").write_text(PROSE * 3)
    (tmp_path / "small.txt").write_text("Short and fine.")
    report = corpus_import(path=tmp_path, corpus_name="c")
    status = {f.name: (f.status, f.reason) for f in report.files}
    assert status["big.txt"][0] == "failed" and "over the 100 bytes limit" in status["big.txt"][1]
    assert status["small.txt"][0] == "imported"


def test_progress_is_reported_per_file_and_ends_complete(db, shared_corpus_dir):
    events = []
    corpus_import(path=shared_corpus_dir, corpus_name="c", progress=events.append)
    assert events[-1].files_done == events[-1].files_total == 4
    assert events[-1].paragraphs == 154
    assert [e.files_done for e in events] == sorted(e.files_done for e in events)


def test_a_missing_path_is_a_failed_entry_not_an_exception(db, tmp_path):
    report = corpus_import(path=tmp_path / "nope", corpus_name="c")
    assert report.files[0].status == "failed" and report.files[0].reason == "no such file or folder"
    assert Corpus.objects.filter(name="c").exists()


def test_import_writes_no_per_paragraph_queries(db, django_assert_max_num_queries, shared_corpus_dir):
    corpus = Corpus.objects.create(name="q")
    data = (shared_corpus_dir / "002_b8aa54d3edd41c2c.txt").read_bytes()  # 95 paragraphs
    with django_assert_max_num_queries(12):
        corpus_import(uploads=[("002.txt", data)], corpus=corpus)


def test_copy_and_bulk_create_store_the_same_paragraph_rows(db, shared_corpus_dir, monkeypatch):
    """PostgreSQL imports with COPY; other databases (the SQLite demo) with bulk_create."""
    import corpora.services.storage as storage

    fields = [
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
    corpus_import(path=shared_corpus_dir, corpus_name="copy")
    real = storage._insert_paragraphs
    monkeypatch.setattr(storage, "_insert_paragraphs", lambda rows: real(rows, use_copy=False))
    corpus_import(path=shared_corpus_dir, corpus_name="orm")
    rows = {
        name: list(
            Paragraph.objects.filter(article__corpus__name=name)
            .order_by("article__source_name", "position")
            .values_list(*fields)
        )
        for name in ("copy", "orm")
    }
    assert len(rows["copy"]) == 154 and rows["copy"] == rows["orm"]


def test_planner_statistics_are_refreshed_as_a_big_import_grows(db, monkeypatch):
    import corpora.services.storage as storage

    analysed = []
    stats = storage.PlannerStatistics()
    monkeypatch.setattr(stats, "next_at", 5000)
    for inserted in (100, 4999, 5000, 6000, 9999, 10_000, 25_000):
        before = stats.next_at
        stats.maybe_analyze(inserted)
        if stats.next_at != before:
            analysed.append(inserted)
    assert analysed == [5000, 10_000, 25_000]


def test_worker_processes_give_the_same_rows_and_report_in_file_order(db, shared_corpus_dir, tmp_path):
    for path in sorted(shared_corpus_dir.iterdir()):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "001b_bad.jsonl").write_text('{"text": "fine"}\n{oops\n')
    fields = ["position", "kind", "kind_reason", "text", "start", "end", "text_hash", "language", "is_repeated"]
    events = []
    with_workers = corpus_import(path=tmp_path, corpus_name="workers", workers=1, progress=events.append)
    in_process = corpus_import(path=tmp_path, corpus_name="inline", workers=0)
    assert [(f.name, f.status, f.reason) for f in with_workers.files] == [
        (f.name, f.status, f.reason) for f in in_process.files
    ]
    assert [f.name for f in with_workers.files][:3] == [
        "000_372915233d0c467e.txt",
        "001_906daba6f3fdc6f9.txt",
        "001b_bad.jsonl",
    ]
    assert with_workers.files[2].status == "failed" and "line 2 is not valid JSON" in with_workers.files[2].reason
    rows = {
        name: list(
            Paragraph.objects.filter(article__corpus__name=name)
            .order_by("article__source_name", "position")
            .values_list(*fields)
        )
        for name in ("workers", "inline")
    }
    assert len(rows["workers"]) == 154 and rows["workers"] == rows["inline"]
    assert events[-1].files_done == events[-1].files_total == 5
