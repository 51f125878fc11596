"""Importing files into a corpus (the command, the API, the upload page and the benchmark all use
``corpus_import``): read (``readers``) -> split (``splitting``) -> kinds (``kinds``) and languages
(``languages``) -> ``storage`` writes it, in this process or from worker processes (``workers``)."""

import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from django.conf import settings

from .. import workers as workers_module
from ..import_report import FileResult, ImportProgress, ImportReport, ProgressCallback
from ..kind_adaptation import import_model_choice
from ..models import Corpus
from ..preparation import prepare_file
from ..readers import ReadError, Source, check_size, format_of, sources_in, unsupported_reason, zip_members
from .corpus import corpus_get_or_create
from .storage import PlannerStatistics, import_prepared


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
    statistics = PlannerStatistics()
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
            result = import_prepared(corpus, source.name, prepared, on_batch, on_file)
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
