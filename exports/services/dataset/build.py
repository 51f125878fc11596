"""Building one dataset version (the Celery task `exports.build_dataset_version` calls this).

The build claims its version's lease (`lease.lease_claim`: a pending version, or a building one
whose worker's heartbeat went stale), removes what an earlier attempt left (its scratch folder
on this host, files half-published to the storage), streams the rows of one database snapshot
into a fresh scratch folder, writes manifest.json and README.md, publishes the folder to the
`datasets` storage, and only then marks the version complete, if it still holds the lease. On
any error the scratch folder is deleted and the version is marked failed with the error text;
nothing half-written is ever marked ready. The same data and parameters give byte-identical
files (no timestamps in any file; rows in a fixed order; sorted keys).
"""

import dataclasses
import hashlib
import logging
import shutil
from pathlib import Path

import orjson
from django.db import connection, transaction
from django.utils import timezone

from annotation.models import Project
from exports.builders import SPLITS, writer_for
from exports.models import DatasetVersion
from exports.splits import assign_splits

from .card import dataset_card
from .code_version import EXPORT_CODE_VERSION, EXPORT_SCHEMA_VERSION, code_version
from .files import publish, published_remove, scratch_folder, scratch_remove, sha256_of
from .lease import BuildLease, LeaseLost, held, lease_claim
from .rows import Stats, external_gold, registries_of, shape_row
from .split_check import empty_split_reasons, row_filters
from .stream import article_label_counts, stream_paragraph_rows

log = logging.getLogger(__name__)
Status = DatasetVersion.Status


def dataset_version_build(*, version_id: int) -> DatasetVersion | None:
    """Build a pending version, or take over one whose builder stopped (stale heartbeat).

    Idempotent: a version that is complete, failed, cancelled or held by a live builder is left as
    it is (see `lease_retry_in` for when to look again).
    """
    claim = lease_claim(version_id)
    version = claim.version
    log.info(
        "Dataset version %s: %s",
        version_id,
        f"lease claimed (attempt {claim.attempt})"
        if claim.attempt
        else f"not claimed ({getattr(version, 'status', 'no such version')})",
    )
    if claim.attempt is None:
        return version
    scratch_remove(version.project_id, version.number)  # an earlier attempt's, killed on this host
    folder = scratch_folder(version)
    try:
        with BuildLease(version.pk, claim.attempt) as lease:
            manifest = _build_into(version, folder, lease)
            lease.check()
            prefix = publish(version, folder)  # removes what an unfinished attempt published
    except LeaseLost:
        log.warning("Dataset version %s: the build was cancelled or taken over; stopping", version_id)
        shutil.rmtree(folder, ignore_errors=True)
        version.refresh_from_db()
        return version
    except Exception as exc:  # noqa: BLE001 - every failure must end as a visible failed version
        log.exception("Dataset version %s failed", version_id)
        shutil.rmtree(folder, ignore_errors=True)
        _published_remove_quietly(version)  # an upload that failed half-way
        held(version_id, claim.attempt).update(
            status=Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:5000], finished_at=timezone.now()
        )
        version.refresh_from_db()
        return version
    rows = manifest["counts"]["paragraphs"]
    completed = held(version_id, claim.attempt).update(
        status=Status.COMPLETE,
        manifest=manifest,
        sha256=hashlib.sha256(_manifest_bytes(manifest)).hexdigest(),
        folder=prefix,
        row_count=rows,
        progress_done=rows,
        progress_total=rows,
        finished_at=timezone.now(),
        code_version=code_version(),
    )
    if not completed:  # cancelled (or taken over) while publishing: the files are not ours to keep
        log.warning("Dataset version %s: lease lost while publishing", version_id)
        version.refresh_from_db()
        if version.status == Status.CANCELLED:
            _published_remove_quietly(version)
        return version
    version.refresh_from_db()
    return version


def _published_remove_quietly(version: DatasetVersion) -> None:
    try:
        published_remove(version)
    except Exception:  # noqa: BLE001 - the next attempt removes them too; the version's state matters more
        log.exception("Dataset version %s: removing its published files failed", version.pk)


def _manifest_bytes(manifest: dict) -> bytes:
    return orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)


def _build_into(version: DatasetVersion, folder: Path, lease: BuildLease) -> dict:
    """Write every file of the version into `folder`; returns the manifest. Over 60 lines: one
    snapshot transaction around the streamed rows reads best in one place."""
    project, params = version.project, version.params
    regs = registries_of(project)
    filters = row_filters(project, params)
    gold_lookup = external_gold(project, params["gold_strategy"])
    need_annotations = params["include_annotations"] or params["min_agreement"] is not None
    options = {
        "actors": [regs.actors[i] for i in sorted(regs.actors, key=lambda i: (regs.actors[i], i))],
        "claims": [regs.claims[i] for i in sorted(regs.claims, key=lambda i: (regs.claims[i], i))],
        "stances": regs.stance_order,
        "include_annotations": params["include_annotations"],
        "include_predictions": params["include_predictions"],
    }
    pseudonyms: dict[int, str] = {}
    stats = Stats()
    writers = []
    own_snapshot = not connection.in_atomic_block
    try:
        with transaction.atomic():
            # one consistent snapshot for the label counts and the rows
            if own_snapshot and connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            label_counts, units = article_label_counts(filters)
            split_of = assign_splits(label_counts, ratios=params["split_ratios"], seed=params["seed"])
            lease.total = units
            writers = [writer_for(fmt, folder, options) for fmt in params["formats"]]
            # the Label Studio hand-off with annotations carries paragraphs without gold too
            handoff = params["include_annotations"] and "label_studio" in params["formats"]
            raw_rows = stream_paragraph_rows(
                dataclasses.replace(filters, adjudicated_only=False) if handoff else filters,
                annotations=need_annotations,
                predictions=params["include_predictions"],
            )
            try:
                for raw in raw_rows:
                    row = shape_row(
                        raw,
                        regs=regs,
                        split_of=split_of,
                        project_id=project.pk,
                        pseudonyms=pseudonyms,
                        params=params,
                        gold_lookup=gold_lookup,
                        stats=stats,
                    )
                    stats.seen += 1
                    if row is not None and row["gold"]["method"] is None:
                        for w in writers:  # no gold: only the Label Studio hand-off carries its annotations
                            if w.takes_rows_without_gold:
                                w.write(row)
                    elif row is not None:
                        for w in writers:
                            w.write(row)
                        stats.add(row)
                    lease.done = stats.seen
                    lease.check()
            finally:
                raw_rows.close()  # end the COPY before a failure rolls the transaction back
    except BaseException:
        for w in writers:
            w.abort()
        raise
    results = [r for w in writers for r in w.close()]
    files = {}
    for r in sorted(results, key=lambda r: r.name):
        path = folder / r.name
        files[r.name] = {"sha256": sha256_of(path), "rows": r.rows, "unit": r.unit, "bytes": path.stat().st_size}
    manifest = {
        "schema_version": EXPORT_SCHEMA_VERSION,
        "code_version": EXPORT_CODE_VERSION,
        "project": {"id": project.pk, "name": project.name},
        "version": version.number,
        "params": params,
        "guidelines_version": project.guidelines_version,
        "files": files,
        "counts": {
            "paragraphs": stats.paragraphs,
            "statements": stats.statements,
            "articles": len(stats.articles),
            "annotators": len(pseudonyms),
            "skipped_without_gold": stats.skipped_without_gold,
            "skipped_below_min_agreement": stats.skipped_agreement,
            "gold_methods": dict(sorted(stats.methods.items())),
        },
        "splits": stats.split_summary(),
        "empty_splits": empty_split_reasons(
            params=params,
            n_articles=len(split_of),
            articles={s: sum(1 for v in split_of.values() if v == s) for s in SPLITS},
            paragraphs={s: v["paragraphs"] for s, v in stats.split_summary().items()},
        ),
        "label_distribution": {s: stats.split_summary()[s]["labels"] for s in SPLITS},
        "registries": {"actors": len(regs.actors), "claims": len(regs.claims), "stances": regs.stance_order},
        "agreement": _agreement_summary(project),
    }
    (folder / "manifest.json").write_bytes(_manifest_bytes(manifest))
    (folder / "README.md").write_text(dataset_card(manifest), encoding="utf-8")
    return manifest


def _agreement_summary(project: Project) -> dict:
    """The agreement issue's headline figures, minus when they were computed (files must not depend on time)."""
    from exports.services.agreement import agreement_summary

    try:
        summary = dict(agreement_summary(project=project))
        summary.pop("generated_at", None)
        return orjson.loads(
            orjson.dumps(
                summary, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY, default=str
            )
        )
    except Exception as exc:  # noqa: BLE001 - a missing summary must not sink the dataset
        log.exception("agreement summary failed for project %s", project.pk)
        return {"available": False, "note": f"The agreement summary failed: {type(exc).__name__}: {exc}"}
