"""Streaming the rows of a dataset export out of PostgreSQL.

One SQL statement yields one row per paragraph (task), sorted by (article, position, task), with
its gold statements, submitted annotations and pre-labels aggregated as compact JSON arrays, so
Python handles ~1 row per paragraph rather than per statement. It runs on a server-side cursor
(`itersize` rows per round trip): memory stays bounded whatever the project's size.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import orjson
from django.db import connection
from psycopg.types.json import set_json_loads

FETCH_ROWS = 2000

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


def article_label_counts_sql(f: RowFilters) -> tuple[str, list]:
    """Per article: stance label -> count (gold where adjudicated, else annotators' statements
    divided by the number of annotators), plus "none" for paragraphs without a statement.
    Used only to stratify the split, so an estimate for non-adjudicated paragraphs is enough."""
    where, params = _where(f)
    sql = f"""
    WITH units AS (
      SELECT t.id AS task_id, p.article_id, adj.id AS adj_id {FROM} WHERE {where}
    ), gold AS (
      SELECT u.article_id, sl.value AS label, count(*)::float AS n
      FROM units u JOIN annotation_goldstatement g ON g.adjudication_id = u.adj_id
      JOIN annotation_stancelabel sl ON sl.id = g.stance_id GROUP BY 1, 2
    ), raw AS (
      SELECT u.article_id, sl.value AS label,
             sum(1.0 / (SELECT count(*) FROM annotation_annotation y WHERE y.task_id = u.task_id
                        AND y.status = 'submitted')) AS n
      FROM units u JOIN annotation_annotation an ON an.task_id = u.task_id AND an.status = 'submitted'
      JOIN annotation_statement s ON s.annotation_id = an.id JOIN annotation_stancelabel sl ON sl.id = s.stance_id
      WHERE u.adj_id IS NULL GROUP BY 1, 2
    ), empty AS (
      SELECT u.article_id, 'none' AS label, count(*)::float AS n FROM units u
      WHERE (u.adj_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM annotation_goldstatement g WHERE g.adjudication_id = u.adj_id))
         OR (u.adj_id IS NULL AND NOT EXISTS (SELECT 1 FROM annotation_annotation an JOIN annotation_statement s
             ON s.annotation_id = an.id WHERE an.task_id = u.task_id AND an.status = 'submitted'))
      GROUP BY 1
    )
    SELECT article_id, label, sum(n) FROM (SELECT * FROM gold UNION ALL SELECT * FROM raw UNION ALL SELECT * FROM empty) z
    GROUP BY 1, 2 ORDER BY 1, 2
    """
    return sql, params


def article_label_counts(f: RowFilters) -> dict[int, dict[str, float]]:
    sql, params = article_label_counts_sql(f)
    out: dict[int, dict[str, float]] = {}
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for aid, label, n in cur.fetchall():
            out.setdefault(aid, {})[label] = float(n)
    # Articles with units but no label rows cannot happen ("none" covers them); keep ids of all units anyway.
    return out


def stream_paragraph_rows(f: RowFilters, *, annotations: bool, predictions: bool) -> Iterator[tuple]:
    """Yield raw tuples (see paragraph_rows_sql) from a server-side cursor.

    Must run inside a transaction (a named cursor lives in one); the caller opens it so the whole
    export reads one snapshot.
    """
    sql, params = paragraph_rows_sql(f, annotations=annotations, predictions=predictions)
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor(name="standpoint_export_rows") as cur:
        set_json_loads(orjson.loads, cur)
        cur.itersize = FETCH_ROWS
        cur.execute(sql, params)
        yield from cur
