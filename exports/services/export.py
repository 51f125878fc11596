"""Building versioned dataset exports, and comparing two of them.

A DatasetVersion row exists before any work starts (`dataset_version_create`). The build
(`dataset_version_build`, run by the Celery task) claims it with a conditional update
(pending -> building; a second run is a no-op), streams the rows of one database snapshot into
a temporary folder beside the final one, writes manifest.json and README.md, then renames the
folder into place and only then marks the version complete. On any error the temporary folder
is deleted and the version is marked failed with the error text: nothing half-written is ever
marked ready. The same data and parameters give byte-identical files (no timestamps in any
file; rows in a fixed order; sorted keys).
"""

import hashlib
import hmac
import itertools
import logging
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import orjson
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from annotation.models import Actor, Claim, Project, StanceLabel
from exports.builders import FORMATS, SPLITS, writer_for
from exports.models import DatasetVersion
from exports.splits import assign_splits, normalise_ratios

from . import export_card
from .export_rows import RowFilters, article_label_counts, stream_paragraph_rows

log = logging.getLogger(__name__)

EXPORT_SCHEMA_VERSION = 1
EXPORT_CODE_VERSION = "standpoint-export-1"
GOLD_STRATEGIES = ("adjudicated", "majority", "model")
DEFAULT_PARAMS = {
    "formats": ["jsonl", "csv", "parquet", "spacy", "label_studio", "graphml"],
    "gold_strategy": "majority",
    "include_annotations": False,
    "include_predictions": False,
    "article_ids": None,
    "published_from": None,
    "published_to": None,
    "min_agreement": None,
    "split_ratios": [0.8, 0.1, 0.1],
    "seed": 13,
}


# ---------------------------------------------------------------------------------------------
# Parameters and creation

def normalise_params(raw: dict | None) -> dict:
    """Fill defaults and validate; raises ValidationError naming the field. Output is canonical."""
    raw = dict(raw or {})
    unknown = set(raw) - set(DEFAULT_PARAMS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: ["Unknown export parameter."]})
    p = {**DEFAULT_PARAMS, **{k: v for k, v in raw.items() if v is not None}}
    formats = p["formats"]
    if isinstance(formats, str):
        formats = [x.strip() for x in formats.split(",") if x.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValidationError({"formats": [f"Choose from {', '.join(FORMATS)}; got {bad or 'nothing'}."]})
    # JSONL is always written: diffs between versions and the dataset card read it.
    p["formats"] = sorted(set(formats) | {"jsonl"}, key=FORMATS.index)
    if p["gold_strategy"] not in GOLD_STRATEGIES:
        raise ValidationError({"gold_strategy": [f"Choose from {', '.join(GOLD_STRATEGIES)}."]})
    try:
        p["split_ratios"] = [round(r, 6) for r in normalise_ratios(p["split_ratios"])]
    except (TypeError, ValueError) as exc:
        raise ValidationError({"split_ratios": [str(exc)]}) from None
    try:
        p["seed"] = int(p["seed"])
        if p["min_agreement"] is not None:
            p["min_agreement"] = float(p["min_agreement"])
            if not 0 <= p["min_agreement"] <= 1:
                raise ValueError
    except (TypeError, ValueError):
        raise ValidationError({"min_agreement": ["A number between 0 and 1."]}) from None
    if p["article_ids"] is not None:
        try:
            p["article_ids"] = sorted({int(a) for a in p["article_ids"]})
        except (TypeError, ValueError):
            raise ValidationError({"article_ids": ["A list of article ids."]}) from None
    for key in ("published_from", "published_to"):
        if p[key] is not None:
            try:
                p[key] = timezone.datetime.fromisoformat(str(p[key])).date().isoformat()
            except ValueError:
                raise ValidationError({key: ["A date as YYYY-MM-DD."]}) from None
    p["include_annotations"] = bool(p["include_annotations"])
    p["include_predictions"] = bool(p["include_predictions"])
    return dict(sorted(p.items()))


@transaction.atomic
def dataset_version_create(*, project: Project, params: dict | None, user=None, enqueue: bool = True) -> DatasetVersion:
    """Create the next pending version of the project and (after commit) queue its build.

    Locks the project row so two concurrent requests get consecutive numbers.
    """
    clean = normalise_params(params)
    Project.objects.select_for_update().filter(pk=project.pk).first()
    number = (DatasetVersion.objects.filter(project=project).aggregate(m=Max("number"))["m"] or 0) + 1
    version = DatasetVersion.objects.create(project=project, number=number, params=clean, created_by=user,
                                            schema_version=EXPORT_SCHEMA_VERSION, code_version=code_version())
    if enqueue:
        from exports.tasks import build_dataset_version_task

        transaction.on_commit(partial(build_dataset_version_task.delay, version.pk))
    return version


@lru_cache(maxsize=1)
def code_version() -> str:
    """`git describe` of the running code when available, else the export code constant."""
    try:
        out = subprocess.run(["git", "describe", "--always", "--tags", "--dirty"], cwd=settings.BASE_DIR,
                             capture_output=True, text=True, timeout=5, check=True).stdout.strip()
        return f"{EXPORT_CODE_VERSION}+{out}"[:64] if out else EXPORT_CODE_VERSION
    except (OSError, subprocess.SubprocessError):
        return EXPORT_CODE_VERSION


# ---------------------------------------------------------------------------------------------
# Building

def version_dir(version: DatasetVersion) -> Path:
    return Path(settings.EXPORT_ROOT) / f"project-{version.project_id}" / f"v{version.number:04d}"


def annotator_pseudonym(project_id: int, user_id: int) -> str:
    """A stable pseudonym: keyed hash of (project, user). Never a username or email."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"standpoint-annotator:{project_id}:{user_id}".encode(),
                      hashlib.sha256).hexdigest()
    return f"annotator-{digest[:10]}"


class _Progress:
    """Writes progress through its own connection so pages see it while the snapshot transaction
    is still open. Throttled to one write per second."""

    def __init__(self, version_id: int, total: int):
        import psycopg

        self.version_id, self.total, self.last = version_id, total, 0.0
        self.conn = None
        if connection.vendor != "postgresql":  # the SQLite demo runs builds in-process; no live progress
            return
        try:
            self.conn = psycopg.connect(**_psycopg_params(), autocommit=True)
        except Exception:  # noqa: BLE001 - progress is a nicety; never fail a build over it
            self.conn = None
        self.update(0, force=True)

    def update(self, done: int, force: bool = False):
        if self.conn is None:
            return
        now = time.monotonic()
        if self.conn is None or (not force and now - self.last < 1.0):
            return
        self.last = now
        self.conn.execute("UPDATE exports_datasetversion SET progress_done = %s, progress_total = %s WHERE id = %s",
                          (min(done, self.total), self.total, self.version_id))

    def close(self):
        if self.conn is not None:
            self.conn.close()


def _psycopg_params() -> dict:
    params = dict(connection.get_connection_params())
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("server_side_binding", None)
    params.pop("prepare_threshold", None)
    return params


@dataclass
class _Registries:
    actors: dict[int, str]
    claims: dict[int, str]
    stances: dict[int, str]
    stance_order: list[str]


def _registries(project: Project) -> _Registries:
    labels = list(StanceLabel.objects.filter(project=project).order_by("order", "id").values_list("id", "value"))
    return _Registries(
        actors=dict(Actor.objects.filter(project=project).order_by("id").values_list("id", "name")),
        claims=dict(Claim.objects.filter(project=project).order_by("id").values_list("id", "text")),
        stances=dict(labels), stance_order=[v for _, v in labels])


def dataset_version_build(*, version_id: int, fail_after_rows: int | None = None) -> DatasetVersion | None:
    """Build a pending version. Idempotent: a version that is not pending is left as it is.

    `fail_after_rows` exists for the failure-path test and the admin's "simulate" nothing else.
    """
    claimed = DatasetVersion.objects.filter(pk=version_id, status=DatasetVersion.Status.PENDING).update(
        status=DatasetVersion.Status.BUILDING, error="", progress_done=0)
    version = DatasetVersion.objects.select_related("project").filter(pk=version_id).first()
    if not claimed or version is None:
        return version
    final = version_dir(version)
    tmp = final.parent / f".tmp-v{version.number:04d}-{uuid.uuid4().hex[:8]}"
    try:
        tmp.mkdir(parents=True)
        manifest = _build_into(version, tmp, fail_after_rows=fail_after_rows)
        if final.exists():  # a failed earlier attempt never leaves one; a manual copy might
            raise FileExistsError(f"{final} already exists; refusing to overwrite a version's files.")
        tmp.rename(final)  # atomic on one file system: the folder appears whole or not at all
    except Exception as exc:  # noqa: BLE001 - every failure must end as a visible failed version
        log.exception("Dataset version %s failed", version_id)
        shutil.rmtree(tmp, ignore_errors=True)
        DatasetVersion.objects.filter(pk=version_id).update(
            status=DatasetVersion.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:5000],
            finished_at=timezone.now())
        version.refresh_from_db()
        return version
    manifest_bytes = (final / "manifest.json").read_bytes()
    DatasetVersion.objects.filter(pk=version_id).update(
        status=DatasetVersion.Status.COMPLETE, manifest=manifest, sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        folder=str(final.relative_to(settings.EXPORT_ROOT)), row_count=manifest["counts"]["paragraphs"],
        progress_done=manifest["counts"]["paragraphs"], progress_total=manifest["counts"]["paragraphs"],
        finished_at=timezone.now(), code_version=code_version())
    version.refresh_from_db()
    return version


def _build_into(version: DatasetVersion, folder: Path, *, fail_after_rows: int | None) -> dict:
    project, params = version.project, version.params
    regs = _registries(project)
    filters = RowFilters(project_id=project.pk, article_ids=params["article_ids"],
                         published_from=params["published_from"], published_to=params["published_to"],
                         adjudicated_only=params["gold_strategy"] == "adjudicated")
    gold_lookup = _external_gold(project, params["gold_strategy"])
    need_annotations = params["include_annotations"] or params["min_agreement"] is not None
    options = {
        "actors": [regs.actors[i] for i in sorted(regs.actors, key=lambda i: (regs.actors[i], i))],
        "claims": [regs.claims[i] for i in sorted(regs.claims, key=lambda i: (regs.claims[i], i))],
        "stances": regs.stance_order,
        "include_annotations": params["include_annotations"],
        "include_predictions": params["include_predictions"],
    }
    pseudonyms: dict[int, str] = {}
    stats = _Stats()
    writers = []
    own_snapshot = not connection.in_atomic_block
    progress = None
    try:
        with transaction.atomic():
            if own_snapshot and connection.vendor == "postgresql":  # one consistent snapshot for the label counts and the rows
                with connection.cursor() as cur:
                    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            label_counts, units = article_label_counts(filters)
            split_of = assign_splits(label_counts, ratios=params["split_ratios"], seed=params["seed"])
            progress = _Progress(version.pk, units)
            writers = [writer_for(fmt, folder, options) for fmt in params["formats"]]
            raw_rows = stream_paragraph_rows(filters, annotations=need_annotations,
                                             predictions=params["include_predictions"])
            try:
                for raw in raw_rows:
                    row = _row(raw, regs=regs, split_of=split_of, project_id=project.pk, pseudonyms=pseudonyms,
                               params=params, gold_lookup=gold_lookup, stats=stats)
                    stats.seen += 1
                    if row is not None:
                        for w in writers:
                            w.write(row)
                        stats.add(row)
                        if fail_after_rows is not None and stats.paragraphs >= fail_after_rows:
                            raise RuntimeError(f"simulated failure after {stats.paragraphs} rows")
                    progress.update(stats.seen)
            finally:
                raw_rows.close()  # end the COPY before a failure rolls the transaction back
    except BaseException:
        for w in writers:
            w.abort()
        raise
    finally:
        if progress is not None:
            progress.close()
    results = [r for w in writers for r in w.close()]
    files = {}
    for r in sorted(results, key=lambda r: r.name):
        path = folder / r.name
        files[r.name] = {"sha256": _sha256(path), "rows": r.rows, "unit": r.unit, "bytes": path.stat().st_size}
    manifest = {
        "schema_version": EXPORT_SCHEMA_VERSION,
        "code_version": EXPORT_CODE_VERSION,
        "project": {"id": project.pk, "name": project.name},
        "version": version.number,
        "params": params,
        "guidelines_version": project.guidelines_version,
        "files": files,
        "counts": {"paragraphs": stats.paragraphs, "statements": stats.statements,
                   "articles": len(stats.articles), "annotators": len(pseudonyms),
                   "skipped_without_gold": stats.skipped_without_gold,
                   "skipped_below_min_agreement": stats.skipped_agreement,
                   "gold_methods": dict(sorted(stats.methods.items()))},
        "splits": stats.split_summary(),
        "label_distribution": {s: stats.split_summary()[s]["labels"] for s in SPLITS},
        "registries": {"actors": len(regs.actors), "claims": len(regs.claims), "stances": regs.stance_order},
        "agreement": _agreement_summary(project),
    }
    (folder / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2))
    (folder / "README.md").write_text(export_card.dataset_card(manifest), encoding="utf-8")
    return manifest


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(partial(f.read, 1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class _Stats:
    def __init__(self):
        self.seen = self.paragraphs = self.statements = self.skipped_without_gold = self.skipped_agreement = 0
        self.articles: set[int] = set()
        self.methods: dict[str, int] = {}
        self.per_split = {s: {"paragraphs": 0, "statements": 0, "articles": set(), "labels": {}} for s in SPLITS}

    def add(self, row):
        sp = self.per_split[row["split"]]
        self.paragraphs += 1
        self.statements += len(row["statements"])
        self.articles.add(row["article"]["id"])
        self.methods[row["gold"]["method"]] = self.methods.get(row["gold"]["method"], 0) + 1
        sp["paragraphs"] += 1
        sp["statements"] += len(row["statements"])
        sp["articles"].add(row["article"]["id"])
        labels = sp["labels"]
        if not row["statements"]:
            labels["none"] = labels.get("none", 0) + 1
        for s in row["statements"]:
            labels[s["stance"]] = labels.get(s["stance"], 0) + 1

    def split_summary(self):
        return {s: {"paragraphs": v["paragraphs"], "statements": v["statements"], "articles": len(v["articles"]),
                    "labels": dict(sorted(v["labels"].items()))} for s, v in self.per_split.items()}


# ---------------------------------------------------------------------------------------------
# One row

_STATEMENT_KEYS = ("actor_role", "actor_id", "actor", "actor_start", "actor_end", "actor_text", "claim_id", "claim",
                   "stance", "evidence_start", "evidence_end")


def _statement(t, regs: _Registries, text: str, with_note: bool = False) -> dict:
    role, actor_id, a_start, a_end, claim_id, stance_id, e_start, e_end = t[:8]
    out = dict(zip(_STATEMENT_KEYS, (
        role, actor_id, regs.actors.get(actor_id), a_start, a_end,
        text[a_start:a_end] if a_start is not None else None, claim_id, regs.claims.get(claim_id),
        regs.stances.get(stance_id), e_start, e_end)))
    if with_note:
        out["note"] = t[8] or ""
    return out


def _row(raw, *, regs, split_of, project_id, pseudonyms, params, gold_lookup, stats) -> dict | None:
    (task_id, par_id, position, text, start, end, art_id, title, author, published, url, source_name, language,
     adjudicated, adj_no_statement, gold, anns, preds) = raw
    annotations = []
    for annotator_id, no_statement, statements in anns or ():
        name = pseudonyms.get(annotator_id)
        if name is None:
            name = pseudonyms[annotator_id] = annotator_pseudonym(project_id, annotator_id)
        annotations.append({"annotator": name, "no_statement": no_statement,
                            "statements": [_statement(s, regs, text, with_note=True) for s in statements or ()]})
    annotations.sort(key=lambda a: a["annotator"])
    agreement = paragraph_agreement(annotations) if anns is not None else None
    unresolved = 0
    if adjudicated:
        method, no_statement = "adjudicated", adj_no_statement
        statements = [_statement(s, regs, text) for s in gold or ()]
    elif gold_lookup is not None:
        found = gold_lookup.get(task_id)
        if found is None or (found["unresolved"] and not found["statements"]):
            stats.skipped_without_gold += 1  # no aggregation, or only ties
            return None
        method, no_statement, statements = found["method"], found["no_statement"], [
            _statement(s, regs, text) for s in found["statements"]]
        unresolved = found["unresolved"]
    else:  # the adjudicated-only strategy: paragraphs without an adjudication have no gold
        stats.skipped_without_gold += 1
        return None
    if params["min_agreement"] is not None and not adjudicated and (agreement is None or agreement < params["min_agreement"]):
        stats.skipped_agreement += 1
        return None
    row = {
        "id": par_id, "task_id": task_id, "split": split_of.get(art_id, "train"), "text": text,
        "position": position, "start": start, "end": end,
        "article": {"id": art_id, "title": title, "author": author,
                    "published": published or None, "source_url": url,
                    "source_name": source_name, "language": language},
        "gold": {"method": method, "no_statement": bool(no_statement and not statements), "unresolved": unresolved},
        "agreement": agreement, "n_annotators": len(annotations), "statements": statements,
    }
    if params["include_annotations"]:
        row["annotations"] = annotations
    if params["include_predictions"]:
        row["predictions"] = [{
            "kind": k, "model": m, "model_version": mv, "score": sc, "actor_id": a,
            "actor": regs.actors.get(a) if a else None, "start": s, "end": e, "surface": surf, "claim_id": c,
            "claim": regs.claims.get(c) if c else None, "stance": regs.stances.get(st) if st else None,
        } for k, m, mv, sc, a, s, e, surf, c, st in preds or ()]
    return row


def _key(s: dict) -> tuple:
    return (s["actor_role"], s["actor_id"], s["claim_id"], s["stance"])


def paragraph_agreement(annotations: list[dict]) -> float | None:
    """Mean pairwise Jaccard similarity of the annotators' (actor, claim, stance) sets; two empty
    sets agree fully. None with fewer than two annotators."""
    sets = [frozenset(_key(s) for s in a["statements"]) for a in annotations]
    if len(sets) < 2:
        return None
    scores = [1.0 if not (a | b) else len(a & b) / len(a | b) for a, b in itertools.combinations(sets, 2)]
    return round(sum(scores) / len(scores), 6)


def _external_gold(project: Project, strategy: str) -> dict | None:
    """Aggregated gold (exports.gold: majority vote, or Dawid-Skene for "model") for the paragraphs
    without an adjudication, as {task_id: {"method", "no_statement", "unresolved", "statements":
    [8-tuples like the SQL rows]}}. None for the adjudicated-only strategy.

    Adjudicated paragraphs are taken from the streamed rows themselves (adjudicated first). The
    aggregation needs every vote at once, so it is held in memory (one small tuple per statement).
    """
    if strategy == "adjudicated":
        return None
    from exports.gold import gold_for_project

    stance_ids = dict(StanceLabel.objects.filter(project=project).values_list("value", "id"))
    out = {}
    for task_id, result in gold_for_project(project=project, strategy=strategy).items():
        out[int(task_id)] = {
            "method": result.method, "no_statement": result.no_statement, "unresolved": len(result.unresolved),
            "statements": [(s.actor_role, s.actor_id, s.actor_start, s.actor_end, s.claim_id, stance_ids.get(s.stance),
                            s.evidence_start, s.evidence_end) for s in result.statements]}
    return out


def _agreement_summary(project: Project) -> dict:
    """The agreement issue's headline figures, minus when they were computed (files must not depend on time)."""
    from exports.services.agreement import agreement_summary

    try:
        summary = dict(agreement_summary(project=project))
        summary.pop("generated_at", None)
        return orjson.loads(orjson.dumps(summary, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
                                         | orjson.OPT_SERIALIZE_NUMPY, default=str))
    except Exception as exc:  # noqa: BLE001 - a missing summary must not sink the dataset
        log.exception("agreement summary failed for project %s", project.pk)
        return {"available": False, "note": f"The agreement summary failed: {type(exc).__name__}: {exc}"}


# ---------------------------------------------------------------------------------------------
# Comparing versions

def version_files_path(version: DatasetVersion, name: str) -> Path:
    """The path of one file of a complete version; refuses names outside its manifest."""
    if version.status != DatasetVersion.Status.COMPLETE or not version.manifest:
        raise ValidationError({"version": ["This version is not complete."]})
    allowed = set(version.manifest.get("files", {})) | {"manifest.json", "README.md"}
    if name not in allowed:
        raise ValidationError({"file": [f"No file {name!r} in this version."]})
    return Path(settings.EXPORT_ROOT) / version.folder / name


def _gold_index(version: DatasetVersion) -> dict[int, frozenset]:
    index = {}
    for split in SPLITS:
        with open(version_files_path(version, f"{split}.jsonl"), "rb") as f:
            for line in f:
                row = orjson.loads(line)
                index[row["id"]] = frozenset((s["actor_role"], s["actor_id"], s["actor"], s["claim_id"], s["claim"],
                                              s["stance"]) for s in row["statements"])
    return index


def diff_versions(*, old: DatasetVersion, new: DatasetVersion, limit: int = 50) -> dict:
    """What changed from `old` to `new`: paragraphs added / removed, and paragraphs whose gold
    changed, split into relabelled statements (same actor and claim, another stance) and statements
    added / removed. Examples are capped at `limit` per kind; counts are complete."""
    if old.project_id != new.project_id:
        raise ValidationError({"other": ["Both versions must belong to the same project."]})
    a, b = _gold_index(old), _gold_index(new)
    added = sorted(set(b) - set(a))
    removed = sorted(set(a) - set(b))
    relabelled, st_added, st_removed, changed = [], [], [], 0
    for pid in sorted(set(a) & set(b)):
        if a[pid] == b[pid]:
            continue
        changed += 1
        old_by_pair = {(s[0], s[1], s[3]): s for s in a[pid]}
        new_by_pair = {(s[0], s[1], s[3]): s for s in b[pid]}
        for pair in sorted(set(old_by_pair) | set(new_by_pair), key=str):
            o, n = old_by_pair.get(pair), new_by_pair.get(pair)
            if o and n and o[5] != n[5]:
                relabelled.append({"paragraph_id": pid, "actor": o[2] or o[0], "claim": o[4], "from": o[5], "to": n[5]})
            elif n and not o:
                st_added.append({"paragraph_id": pid, "actor": n[2] or n[0], "claim": n[4], "stance": n[5]})
            elif o and not n:
                st_removed.append({"paragraph_id": pid, "actor": o[2] or o[0], "claim": o[4], "stance": o[5]})
    return {
        "old": {"id": old.pk, "number": old.number}, "new": {"id": new.pk, "number": new.number},
        "counts": {"paragraphs_added": len(added), "paragraphs_removed": len(removed),
                   "paragraphs_changed": changed, "statements_relabelled": len(relabelled),
                   "statements_added": len(st_added), "statements_removed": len(st_removed)},
        "paragraphs_added": added[:limit], "paragraphs_removed": removed[:limit],
        "relabelled": relabelled[:limit], "statements_added": st_added[:limit],
        "statements_removed": st_removed[:limit],
    }
