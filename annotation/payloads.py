"""The annotator's hot reads as API-shaped plain dicts, each in one plain SQL query.

Next task, submit and the workspace page's reloads return these directly (annotation.api.lean
renders them with orjson): the shapes are the API contract's Workspace, Annotation, Statement and
Prediction, the same as the DRF serializers in annotation.api.serializers produce (a test holds the
two together). Portable SQL (PostgreSQL and the demo's SQLite); datetimes come back timezone-aware.
"""

from django.core.cache import cache

from corpora.models import Article, Paragraph

from .db import aware, cursor
from .models import Actor, Annotation, Assignment, Claim, Prediction, PredictionDecision, StanceLabel, Statement, Task
from .shapes import ANNOTATION_ATTRS, PREDICTION_KEYS, STATEMENT_FIELDS, STATEMENT_OUT_KEYS

OPEN_TASKS_CACHE_SECONDS = 30


def _tables() -> dict[str, str]:
    return {
        "task": Task._meta.db_table,
        "par": Paragraph._meta.db_table,
        "art": Article._meta.db_table,
        "ann": Annotation._meta.db_table,
        "pred": Prediction._meta.db_table,
        "asg": Assignment._meta.db_table,
        "stmt": Statement._meta.db_table,
        "actor": Actor._meta.db_table,
        "claim": Claim._meta.db_table,
        "stance": StanceLabel._meta.db_table,
        "dec": PredictionDecision._meta.db_table,
    }


# ------------------------------------------------------------------------------------------ statements

# The select list follows the API's Statement keys: labels from their registries, the stance by value.
_STATEMENT_SQL_EXPR = {
    "actor_name": "a.name",
    "claim_text": "c.text",
    "stance": "st.value",
    "annotation": "s.annotation_id",
    **{name: f"s.{Statement._meta.get_field(name).column}" for name in STATEMENT_FIELDS if name != "stance"},
}
_STATEMENTS_SQL = """
SELECT {columns}
FROM {{stmt}} s
LEFT JOIN {{actor}} a ON a.id = s.actor_id
JOIN {{claim}} c ON c.id = s.claim_id
JOIN {{stance}} st ON st.id = s.stance_id
WHERE s.annotation_id = %s
ORDER BY s.position, s.id""".format(
    columns=", ".join(_STATEMENT_SQL_EXPR.get(key, f"s.{key}") for key in STATEMENT_OUT_KEYS)
)


def statements_payload(annotation_id: int) -> list[dict]:
    """The annotation's statements in the API's Statement shape, in order."""
    with cursor() as cur:
        cur.execute(_STATEMENTS_SQL.format(**_tables()), [annotation_id])
        return [dict(zip(STATEMENT_OUT_KEYS, row, strict=True)) for row in cur.fetchall()]


def annotation_payload(row: dict, statements: list[dict]) -> dict:
    """The API's Annotation shape from the annotation's fields (by model attribute name)."""
    out = {key: row[attr] for key, attr in ANNOTATION_ATTRS.items()}
    out.update(
        no_statement=bool(row["no_statement"]),
        created_at=aware(row["created_at"]),
        updated_at=aware(row["updated_at"]),
        submitted_at=aware(row["submitted_at"]),
        statements=statements,
    )
    return out


# ------------------------------------------------------------------------------------------ predictions

_PREDICTIONS_SQL = """
SELECT p.id, p.kind, p.model_name, p.model_version, p.score, p.actor_id, a.name, p.start, p."end", p.surface,
       p.claim_id, c.text, st.value,
       (SELECT d.decision FROM {dec} d WHERE d.prediction_id = p.id AND d.annotator_id = %s)
FROM {pred} p
LEFT JOIN {actor} a ON a.id = p.actor_id
LEFT JOIN {claim} c ON c.id = p.claim_id
LEFT JOIN {stance} st ON st.id = p.stance_id
WHERE p.task_id = %s
ORDER BY p.kind, p.score DESC, p.id"""


def predictions_payload(*, task_id: int, user) -> list[dict]:
    """The task's suggestions in the API's Prediction shape, with this user's own decision only."""
    with cursor() as cur:
        cur.execute(_PREDICTIONS_SQL.format(**_tables()), [user.pk, task_id])
        return [dict(zip(PREDICTION_KEYS, row, strict=True)) for row in cur.fetchall()]


# ------------------------------------------------------------------------------------------ workspace

# The annotator's own figures (also annotation.selectors.annotations.progress_for_annotator): done counts
# submissions only (a reopened task is a submitted one being edited); skips are counted apart, and
# like submissions they leave "remaining", since a skipped task is not offered to its annotator again.
PROGRESS_SQL = """SELECT sum(CASE WHEN d.status = 'skipped' THEN 0 ELSE 1 END) AS done,
       sum(CASE WHEN d.status = 'skipped' THEN 1 ELSE 0 END) AS skipped,
       sum(CASE WHEN dt.is_complete OR dt.closed_at IS NOT NULL THEN 0 ELSE 1 END) AS finished_open
FROM {asg} d JOIN {task} dt ON dt.id = d.task_id
WHERE d.annotator_id = %s AND d.status IN ('submitted', 'skipped', 'reopened') AND dt.project_id = {project}"""


_WORKSPACE_SQL = """
SELECT t.id, t."order", t.uncertainty, t.project_id,
       p.id, p.text, p.position, p.kind,
       ar.id, ar.title, ar.author, ar.published, ar.source_url,
       (SELECT x.text FROM {par} x WHERE x.article_id = p.article_id AND x.position = p.position - 1),
       (SELECT x.text FROM {par} x WHERE x.article_id = p.article_id AND x.position = p.position + 1),
       an.id, an.status, an.no_statement, an.time_spent_ms, an.revision, an.created_at, an.updated_at,
       an.submitted_at,
       EXISTS (SELECT 1 FROM {pred} pr WHERE pr.task_id = t.id),
       progress.done, progress.skipped, progress.finished_open
FROM {task} t
JOIN {par} p ON p.id = t.paragraph_id
JOIN {art} ar ON ar.id = p.article_id
LEFT JOIN {ann} an ON an.task_id = t.id AND an.annotator_id = %s
CROSS JOIN ({progress}) progress
WHERE t.id = %s""".replace(
    "{progress}", PROGRESS_SQL.replace("{project}", "(SELECT project_id FROM {task} WHERE id = %s)")
)


def progress_figures(done, skipped, finished_open, project_id: int) -> dict:
    """{done, skipped, remaining} from PROGRESS_SQL's row (sums are NULL when nothing is finished)."""
    return {
        "done": done or 0,
        "skipped": skipped or 0,
        "remaining": max(open_tasks(project_id) - (finished_open or 0), 0),
    }


def open_tasks(project_id: int) -> int:
    """Open tasks in the project. Counting 100,000 of them (~20 ms) on every next-task would cost more
    than the claim itself; the 'remaining' figure is an upper bound anyway, so it may lag 30 s
    (per-process cache)."""
    return cache.get_or_set(
        f"standpoint:open-tasks:{project_id}",
        lambda: Task.objects.filter(project_id=project_id, is_complete=False, closed_at__isnull=True).count(),
        OPEN_TASKS_CACHE_SECONDS,
    )


def workspace_payload(*, assignment: Assignment, user) -> dict:
    """Everything the annotator's page needs for one leased task, in the API's Workspace shape.

    One query for task, paragraph, article, neighbouring paragraphs, the draft and the progress
    counts; statements and suggestions are read only when there are any.
    """
    with cursor() as cur:
        cur.execute(
            _WORKSPACE_SQL.format(**_tables()),
            [assignment.annotator_id, user.pk, assignment.task_id, assignment.task_id],
        )
        (
            task_id,
            order,
            uncertainty,
            project_id,
            pid,
            text,
            position,
            kind,
            aid,
            title,
            author,
            published,
            url,
            previous,
            following,
            ann_id,
            status,
            no_statement,
            spent,
            revision,
            created,
            updated,
            submitted,
            has_predictions,
            done,
            skipped,
            finished_open,
        ) = cur.fetchone()
    annotation = None
    if ann_id is not None:
        # Every write bumps the revision, so a revision-0 draft has no statements: no query needed.
        annotation = annotation_payload(
            {
                "id": ann_id,
                "task_id": task_id,
                "annotator_id": assignment.annotator_id,
                "status": status,
                "no_statement": no_statement,
                "time_spent_ms": spent,
                "revision": revision,
                "created_at": created,
                "updated_at": updated,
                "submitted_at": submitted,
            },
            statements_payload(ann_id) if revision else [],
        )
    return {
        "assignment": {
            "id": assignment.pk,
            "status": assignment.status,
            "leased_at": aware(assignment.leased_at),
            "expires_at": aware(assignment.expires_at),
        },
        "task": {"id": task_id, "order": order, "uncertainty": uncertainty},
        "project": project_id,
        "article": {
            "id": aid,
            "title": title,
            "author": author,
            "published": published.isoformat() if hasattr(published, "isoformat") else published,
            "source_url": url,
        },
        "paragraph": {"id": pid, "text": text, "position": position, "kind": kind},
        "context": {"previous": previous, "next": following},
        "annotation": annotation,
        "predictions": predictions_payload(task_id=task_id, user=user) if has_predictions else [],
        "progress": progress_figures(done, skipped, finished_open, project_id),
    }
