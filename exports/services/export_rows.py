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

STATEMENT_JSON = ("json_build_array({a}.actor_role, {a}.actor_id, {a}.actor_start, {a}.actor_end, {a}.claim_id, "
                  "{a}.stance_id, {a}.evidence_start, {a}.evidence_end{extra})")


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
        sql.append("(adj.id IS NOT NULL OR EXISTS (SELECT 1 FROM annotation_annotation x "
                   "WHERE x.task_id = t.id AND x.status = 'submitted'))")
    return " AND ".join(sql), params


FROM = ("FROM annotation_task t JOIN corpora_paragraph p ON p.id = t.paragraph_id "
        "JOIN corpora_article a ON a.id = p.article_id "
        "LEFT JOIN annotation_adjudication adj ON adj.task_id = t.id")


def paragraph_rows_sql(f: RowFilters, *, annotations: bool, predictions: bool) -> tuple[str, list]:
    gold = ("(SELECT json_agg(" + STATEMENT_JSON.format(a="g", extra="") + " ORDER BY g.position, g.id) "
            "FROM annotation_goldstatement g WHERE g.adjudication_id = adj.id)")
    anns = ("(SELECT json_agg(json_build_array(an.annotator_id, an.no_statement, "
            "(SELECT json_agg(" + STATEMENT_JSON.format(a="s", extra=", s.note") + " ORDER BY s.position, s.id) "
            "FROM annotation_statement s WHERE s.annotation_id = an.id)) ORDER BY an.annotator_id) "
            "FROM annotation_annotation an WHERE an.task_id = t.id AND an.status = 'submitted')") if annotations else "NULL"
    preds = ("(SELECT json_agg(json_build_array(r.kind, r.model_name, r.model_version, r.score, r.actor_id, r.start, "
             'r."end", r.surface, r.claim_id, r.stance_id) ORDER BY r.kind, r.model_name, r.model_version, r.start, r.id) '
             "FROM annotation_prediction r WHERE r.task_id = t.id)") if predictions else "NULL"
    where, params = _where(f)
    sql = (f"SELECT t.id, p.id, p.position, p.text, p.start, p.\"end\", a.id, a.title, a.author, a.published, "
           f"a.source_url, a.source_name, a.language, adj.id IS NOT NULL, COALESCE(adj.no_statement, false), "
           f"{gold}, {anns}, {preds} {FROM} WHERE {where} ORDER BY p.article_id, p.position, t.id")
    return sql, params


def article_label_counts(f: RowFilters) -> tuple[dict[int, dict[str, float]], int]:
    """Per article: stance label -> count (gold where adjudicated, else the annotators' statements
    weighted 1/number of annotators), plus "none" for paragraphs without a statement. Used only
    to stratify the split, so an estimate for non-adjudicated paragraphs is enough. Three
    grouped scans rather than per-row subqueries. Also returns the number of paragraphs (units)."""
    where, params = _where(f)
    gold_sql = (f"SELECT p.article_id, sl.value, count(*)::float {FROM} "
                "JOIN annotation_goldstatement g ON g.adjudication_id = adj.id "
                f"JOIN annotation_stancelabel sl ON sl.id = g.stance_id WHERE {where} GROUP BY 1, 2")
    raw_sql = (f"WITH n AS (SELECT x.task_id, count(*)::float AS c FROM annotation_annotation x "
               "JOIN annotation_task tx ON tx.id = x.task_id WHERE tx.project_id = %s AND x.status = 'submitted' "
               f"GROUP BY 1) SELECT p.article_id, sl.value, sum(1.0 / n.c) {FROM} JOIN n ON n.task_id = t.id "
               "JOIN annotation_annotation an ON an.task_id = t.id AND an.status = 'submitted' "
               "JOIN annotation_statement s ON s.annotation_id = an.id "
               f"JOIN annotation_stancelabel sl ON sl.id = s.stance_id WHERE adj.id IS NULL AND {where} GROUP BY 1, 2")
    none_sql = (f"SELECT p.article_id, 'none', count(*) FILTER (WHERE CASE WHEN adj.id IS NOT NULL "
                "THEN NOT EXISTS (SELECT 1 FROM annotation_goldstatement g WHERE g.adjudication_id = adj.id) "
                "ELSE NOT EXISTS (SELECT 1 FROM annotation_annotation an JOIN annotation_statement s "
                "ON s.annotation_id = an.id WHERE an.task_id = t.id AND an.status = 'submitted') END)::float, "
                f"count(*) {FROM} WHERE {where} GROUP BY 1")
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
    sql, params = paragraph_rows_sql(f, annotations=annotations, predictions=predictions)
    select = sql[len("SELECT "):sql.index(" FROM annotation_task t")]
    rest = sql[sql.index(" FROM annotation_task t"):]
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
