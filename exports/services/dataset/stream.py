"""Streaming the rows of a dataset export out of PostgreSQL.

One SQL statement yields one row per paragraph (task), sorted by (article, position, task), with
its gold statements, submitted annotations and pre-labels aggregated as compact JSON arrays, so
Python handles ~1 row per paragraph rather than per statement. It is streamed out with
`COPY (...) TO STDOUT` (PostgreSQL's fastest path out, and no per-fetch round trips of a
server-side cursor): memory stays bounded by the copy block size whatever the project's size.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import orjson
from django.db import connection

STATEMENT_JSON = (
    "json_build_array({a}.actor_role, {a}.actor_id, {a}.actor_start, {a}.actor_end, {a}.claim_id, "
    "{a}.stance_id, {a}.evidence_start, {a}.evidence_end{extra})"
)


@dataclass
class RowFilters:
    project_id: int
    article_ids: list[int] | None = None
    published_from: str | None = None
    published_to: str | None = None
    adjudicated_only: bool = False


def _where(f: RowFilters) -> tuple[str, list]:
    sql = ["t.project_id = %s"]
    params: list = [f.project_id]
    if f.article_ids:
        sql.append("p.article_id = ANY(%s)")
        params.append(list(f.article_ids))
    if f.published_from:
        sql.append("a.published >= %s")
        params.append(f.published_from)
    if f.published_to:
        sql.append("a.published <= %s")
        params.append(f.published_to)
    if f.adjudicated_only:
        sql.append("adj.id IS NOT NULL")
    else:
        sql.append(
            "(adj.id IS NOT NULL OR EXISTS (SELECT 1 FROM annotation_annotation x "
            "WHERE x.task_id = t.id AND x.status = 'submitted'))"
        )
    return " AND ".join(sql), params


FROM = (
    "FROM annotation_task t JOIN corpora_paragraph p ON p.id = t.paragraph_id "
    "JOIN corpora_article a ON a.id = p.article_id "
    "LEFT JOIN annotation_adjudication adj ON adj.task_id = t.id"
)


def paragraph_rows_sql(f: RowFilters, *, annotations: bool, predictions: bool) -> tuple[str, list]:
    gold = (
        "(SELECT json_agg(" + STATEMENT_JSON.format(a="g", extra="") + " ORDER BY g.position, g.id) "
        "FROM annotation_goldstatement g WHERE g.adjudication_id = adj.id)"
    )
    anns = (
        (
            "(SELECT json_agg(json_build_array(an.annotator_id, an.no_statement, "
            "(SELECT json_agg(" + STATEMENT_JSON.format(a="s", extra=", s.note") + " ORDER BY s.position, s.id) "
            "FROM annotation_statement s WHERE s.annotation_id = an.id)) ORDER BY an.annotator_id) "
            "FROM annotation_annotation an WHERE an.task_id = t.id AND an.status = 'submitted')"
        )
        if annotations
        else "NULL"
    )
    preds = (
        (
            "(SELECT json_agg(json_build_array(r.kind, r.model_name, r.model_version, r.score, r.actor_id, r.start, "
            'r."end", r.surface, r.claim_id, r.stance_id) '
            "ORDER BY r.kind, r.model_name, r.model_version, r.start, r.id) "
            "FROM annotation_prediction r WHERE r.task_id = t.id)"
        )
        if predictions
        else "NULL"
    )
    where, params = _where(f)
    sql = (
        f"SELECT t.id, p.id, p.position, p.text, p.start, p.\"end\", a.id, a.title, a.author, a.published, "
        f"a.source_url, a.source_name, a.language, adj.id IS NOT NULL, COALESCE(adj.no_statement, false), "
        f"{gold}, {anns}, {preds} {FROM} WHERE {where} ORDER BY p.article_id, p.position, t.id"
    )
    return sql, params


def article_label_counts(f: RowFilters) -> tuple[dict[int, dict[str, float]], int]:
    """Per article: stance label -> count (gold where adjudicated, else the annotators' statements
    weighted 1/number of annotators), plus "none" for paragraphs without a statement. Used only
    to stratify the split, so an estimate for non-adjudicated paragraphs is enough. Three
    grouped scans rather than per-row subqueries. Also returns the number of paragraphs (units)."""
    if connection.vendor != "postgresql":
        return _orm_label_counts(f)
    where, params = _where(f)
    gold_sql = (
        f"SELECT p.article_id, sl.value, count(*)::float {FROM} "
        "JOIN annotation_goldstatement g ON g.adjudication_id = adj.id "
        f"JOIN annotation_stancelabel sl ON sl.id = g.stance_id WHERE {where} GROUP BY 1, 2"
    )
    raw_sql = (
        f"WITH n AS (SELECT x.task_id, count(*)::float AS c FROM annotation_annotation x "
        "JOIN annotation_task tx ON tx.id = x.task_id WHERE tx.project_id = %s AND x.status = 'submitted' "
        f"GROUP BY 1) SELECT p.article_id, sl.value, sum(1.0 / n.c) {FROM} JOIN n ON n.task_id = t.id "
        "JOIN annotation_annotation an ON an.task_id = t.id AND an.status = 'submitted' "
        "JOIN annotation_statement s ON s.annotation_id = an.id "
        f"JOIN annotation_stancelabel sl ON sl.id = s.stance_id WHERE adj.id IS NULL AND {where} GROUP BY 1, 2"
    )
    none_sql = (
        f"SELECT p.article_id, 'none', count(*) FILTER (WHERE CASE WHEN adj.id IS NOT NULL "
        "THEN NOT EXISTS (SELECT 1 FROM annotation_goldstatement g WHERE g.adjudication_id = adj.id) "
        "ELSE NOT EXISTS (SELECT 1 FROM annotation_annotation an JOIN annotation_statement s "
        "ON s.annotation_id = an.id WHERE an.task_id = t.id AND an.status = 'submitted') END)::float, "
        f"count(*) {FROM} WHERE {where} GROUP BY 1"
    )
    out: dict[int, dict[str, float]] = {}
    units = 0
    queries = [(gold_sql, params), (none_sql, params)]
    if not f.adjudicated_only:
        queries.append((raw_sql, [f.project_id, *params]))
    with connection.cursor() as cur:
        for sql, args in queries:
            cur.execute(sql, args)
            for aid, label, n, *total in cur.fetchall():
                counts = out.setdefault(aid, {})
                if n:
                    counts[label] = counts.get(label, 0.0) + float(n)
                units += total[0] if total else 0
    return {aid: dict(sorted(c.items())) for aid, c in sorted(out.items())}, units


def stream_paragraph_rows(f: RowFilters, *, annotations: bool, predictions: bool) -> Iterator[list]:
    """Yield one list per paragraph (columns of paragraph_rows_sql), streamed with COPY ... TO STDOUT.

    PostgreSQL renders each row as one JSON array (json text never holds a raw newline, and the
    CSV quote and delimiter are control characters JSON escapes), so each output line is one
    row: no per-row protocol round trips, one orjson parse per paragraph, memory bounded by
    the copy block size. Call it inside a transaction to read one snapshot.
    """
    if connection.vendor != "postgresql":
        yield from _orm_rows(f, annotations=annotations, predictions=predictions)
        return
    sql, params = paragraph_rows_sql(f, annotations=annotations, predictions=predictions)
    select = sql[len("SELECT ") : sql.index(" FROM annotation_task t")]
    rest = sql[sql.index(" FROM annotation_task t") :]
    json_sql = f"SELECT json_build_array({select}){rest}"
    connection.ensure_connection()
    loads = orjson.loads
    with connection.connection.cursor() as cur:
        copy_sql = f"COPY ({json_sql}) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')"
        cur.execute("SET LOCAL jit = off")  # compiling this per-row query costs seconds and saves none
        with cur.copy(copy_sql, params) as cp:
            tail = b""
            for block in cp:
                # libpq hands over one row per block; the buffered path below covers any other split.
                if not tail:
                    try:
                        yield loads(block)
                        continue
                    except orjson.JSONDecodeError:
                        pass
                lines = (tail + bytes(block)).split(b"\n")
                tail = lines.pop()
                for line in lines:
                    yield loads(line)
            if tail:
                yield loads(tail)


# ------------------------------------------------------------------------------------------------
# Portable path (the SQLite demo): the same rows through the ORM, a chunk of tasks at a time.

ORM_CHUNK = 500


def _orm_tasks(f: RowFilters):
    from django.db.models import Exists, OuterRef

    from annotation.models import Adjudication, Annotation, Task

    qs = Task.objects.filter(project_id=f.project_id)
    if f.article_ids:
        qs = qs.filter(paragraph__article_id__in=f.article_ids)
    if f.published_from:
        qs = qs.filter(paragraph__article__published__gte=f.published_from)
    if f.published_to:
        qs = qs.filter(paragraph__article__published__lte=f.published_to)
    adjudicated = Exists(Adjudication.objects.filter(task=OuterRef("pk")))
    if f.adjudicated_only:
        qs = qs.filter(adjudicated)
    else:
        qs = qs.filter(adjudicated | Exists(Annotation.objects.filter(task=OuterRef("pk"), status="submitted")))
    return qs.select_related("paragraph__article").order_by("paragraph__article_id", "paragraph__position", "pk")


def _orm_rows(f: RowFilters, *, annotations: bool, predictions: bool) -> Iterator[list]:
    """The SQL statement's rows, in its column order, read through the ORM ORM_CHUNK tasks at a time
    (databases other than PostgreSQL).

    Kept as one function: ``st`` and ``flush`` are closures over the two flags, and the yielded list
    has to spell out the 18 columns in the SQL's order in one place, which is most of its length."""
    from annotation.models import Adjudication, Annotation, GoldStatement, Prediction, Statement

    def st(s, note=False):
        out = [
            s.actor_role,
            s.actor_id,
            s.actor_start,
            s.actor_end,
            s.claim_id,
            s.stance_id,
            s.evidence_start,
            s.evidence_end,
        ]
        return out + [s.note] if note else out

    chunk: list = []

    def flush(tasks):
        ids = [t.pk for t in tasks]
        adjs = {a.task_id: a for a in Adjudication.objects.filter(task_id__in=ids)}
        gold: dict[int, list] = {}
        for g in GoldStatement.objects.filter(adjudication__task_id__in=ids).order_by("position", "id"):
            gold.setdefault(g.adjudication_id, []).append(st(g))
        anns: dict[int, list] = {}
        if annotations:
            stmts: dict[int, list] = {}
            for s in Statement.objects.filter(annotation__task_id__in=ids, annotation__status="submitted").order_by(
                "position", "id"
            ):
                stmts.setdefault(s.annotation_id, []).append(st(s, note=True))
            for a in Annotation.objects.filter(task_id__in=ids, status="submitted").order_by("annotator_id"):
                anns.setdefault(a.task_id, []).append([a.annotator_id, a.no_statement, stmts.get(a.pk)])
        preds: dict[int, list] = {}
        if predictions:
            for p in Prediction.objects.filter(task_id__in=ids).order_by(
                "kind", "model_name", "model_version", "start", "id"
            ):
                preds.setdefault(p.task_id, []).append(
                    [
                        p.kind,
                        p.model_name,
                        p.model_version,
                        p.score,
                        p.actor_id,
                        p.start,
                        p.end,
                        p.surface,
                        p.claim_id,
                        p.stance_id,
                    ]
                )
        for t in tasks:
            par, art, adj = t.paragraph, t.paragraph.article, adjs.get(t.pk)
            yield [
                t.pk,
                par.pk,
                par.position,
                par.text,
                par.start,
                par.end,
                art.pk,
                art.title,
                art.author,
                art.published.isoformat() if art.published else None,
                art.source_url,
                art.source_name,
                art.language,
                adj is not None,
                bool(adj and adj.no_statement),
                gold.get(adj.pk) if adj else None,
                anns.get(t.pk) if annotations else None,
                preds.get(t.pk) if predictions else None,
            ]

    for task in _orm_tasks(f).iterator(chunk_size=ORM_CHUNK):
        chunk.append(task)
        if len(chunk) >= ORM_CHUNK:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def _orm_label_counts(f: RowFilters) -> tuple[dict[int, dict[str, float]], int]:
    from annotation.models import StanceLabel

    values = dict(StanceLabel.objects.filter(project_id=f.project_id).values_list("id", "value"))
    out: dict[int, dict[str, float]] = {}
    units = 0
    for row in _orm_rows(f, annotations=not f.adjudicated_only, predictions=False):
        units += 1
        counts = out.setdefault(row[6], {})
        if row[13]:
            stances = [values[s[5]] for s in row[15] or ()]
            weight = 1.0
        else:
            anns = row[16] or []
            stances = [values[s[5]] for a in anns for s in a[2] or ()]
            weight = 1.0 / max(1, len(anns))
        for v in stances:
            counts[v] = counts.get(v, 0.0) + weight
        if not stances:
            counts["none"] = counts.get("none", 0.0) + 1.0
    return {aid: dict(sorted(c.items())) for aid, c in sorted(out.items())}, units
