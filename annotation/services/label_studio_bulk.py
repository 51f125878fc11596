"""The PostgreSQL path of a Label Studio import batch: a handful of statements whatever its size.

The task rows are locked (the submitted counts change under that lock, as in annotation_submit), new
annotations go in with one INSERT ... SELECT FROM unnest(...), statements, history entries and
predictions with COPY. label_studio_write runs it in a transaction and falls back to one annotation at
a time should the database refuse it.
"""

from collections import defaultdict

import orjson
from django.db import connection
from django.utils import timezone

from ..models import (
    Annotation,
    AnnotationRevision,
    Assignment,
    LabelStudioLink,
    Prediction,
    PredictionSet,
    StanceLabel,
    Statement,
    Task,
)
from .label_studio_batch import _SNAP_KEYS, SUBMITTED, _over_k, _same, _snapshot

_STATEMENT_COLUMNS = (
    "annotation_id",
    "position",
    "actor_role",
    "actor_id",
    "actor_start",
    "actor_end",
    "claim_id",
    "stance_id",
    "evidence_start",
    "evidence_end",
    "note",
    "created_at",
)
_PREDICTION_COLUMNS = (
    "prediction_set_id",
    "task_id",
    "kind",
    "model_name",
    "model_version",
    "score",
    "actor_id",
    "start",
    "end",
    "surface",
    "claim_id",
    "stance_id",
    "created_at",
)


def _t(model) -> str:
    return model._meta.db_table


def _copy(cur, model, columns, rows) -> None:
    if not rows:
        return
    cols = ", ".join(f'"{c}"' for c in columns)
    with cur.cursor.copy(f"COPY {_t(model)} ({cols}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def _fast(project, planned, predictions, users, changed_by, ls_project_id, batch) -> None:
    """One batch in a handful of statements. Each phase below is one call per batch, so the split
    adds no function call per row: the rows are looped over inside the phases."""
    now, k = timezone.now(), project.annotators_per_task
    task_ids = sorted({p.task_id for p in planned} | {p.task_id for p in predictions})
    with connection.cursor() as cur:
        # Each batch commits durably (one WAL flush per 1,000 tasks): imported annotations are reported
        # as imported, so a database crash must not take back what the report counted.
        counts, wanted, existing, old_statements = _lock(cur, k, task_ids)
        start_counts = dict(counts)
        inserts, updates, revisions, writes, links = _decide(
            planned, users, counts, wanted, existing, old_statements, batch
        )
        if inserts:
            _insert_annotations(cur, inserts, users, now, revisions, writes)
        if updates:
            _update_annotations(cur, updates, now)
        _copy_statements_and_revisions(cur, writes, revisions, changed_by, now)
        _update_tasks_and_assignments(cur, k, counts, start_counts, inserts, updates, users, now)
        if ls_project_id is not None:
            links += [(pk, p.ls_id) for pk, p in writes if p.ls_id is not None]
            _link(cur, ls_project_id, links, now)
        _write_predictions(cur, predictions, now, batch)


def _lock(cur, k, task_ids):
    """Lock the batch's tasks and their annotations; returns each task's submitted count and k, the
    existing annotations by (task, annotator), and their statements as snapshots."""
    cur.execute(
        f"""SELECT id, submitted_count, COALESCE(target_annotators, %s) FROM {_t(Task)}
            WHERE id = ANY(%s) ORDER BY id FOR UPDATE""",
        [k, task_ids],
    )
    rows = cur.fetchall()
    counts = {task: count for task, count, _ in rows}
    wanted = {task: task_k for task, _, task_k in rows}  # each task's k (the task browser may set one)
    cur.execute(
        f"""SELECT id, task_id, annotator_id, status, no_statement, time_spent_ms, revision
                    FROM {_t(Annotation)} WHERE task_id = ANY(%s) ORDER BY id FOR UPDATE""",
        [task_ids],
    )
    existing = {(r[1], r[2]): r for r in cur.fetchall()}
    old_statements: dict[int, list] = defaultdict(list)
    if existing:
        cur.execute(
            f"""SELECT s.annotation_id, s.actor_role, s.actor_id, s.actor_start, s.actor_end, s.claim_id,
                               st.value, s.evidence_start, s.evidence_end, s.note, s.from_prediction_id
                        FROM {_t(Statement)} s JOIN {_t(StanceLabel)} st ON st.id = s.stance_id
                        WHERE s.annotation_id = ANY(%s) ORDER BY s.annotation_id, s.position, s.id""",
            [[r[0] for r in existing.values()]],
        )
        for row in cur.fetchall():
            old_statements[row[0]].append(dict(zip((*_SNAP_KEYS, "from_prediction"), row[1:], strict=True)))
    return counts, wanted, existing, old_statements


def _decide(planned, users, counts, wanted, existing, old_statements, batch):
    """Decide each planned annotation against what exists (counting submissions in ``counts``):
    unchanged (only linked), over k (refused), new (inserts) or changed (updates, with their revisions
    and statement writes); returns (inserts, updates, revisions, writes, links)."""
    inserts, updates, revisions, writes, links = [], [], [], [], []
    for p in planned:
        uid = users[p.who]
        new = _snapshot(p.statements)
        old = existing.get((p.task_id, uid))
        if old is not None and old[3] == SUBMITTED and old[4] == p.no_statement and _same(old_statements[old[0]], new):
            batch.unchanged += 1
            if p.ls_id is not None:
                links.append((old[0], p.ls_id))
            continue
        submitting = old is None or old[3] != SUBMITTED
        if submitting and counts[p.task_id] >= wanted[p.task_id]:
            _over_k(p, wanted[p.task_id], batch)
            continue
        if submitting:
            counts[p.task_id] += 1
        after = {
            "status": SUBMITTED,
            "no_statement": p.no_statement,
            "time_spent_ms": old[5] if old else 0,
            "revision": (old[6] if old else 0) + 1,
            "statements": new,
        }
        action = AnnotationRevision.Action.SUBMIT if submitting else AnnotationRevision.Action.EDIT
        if old is None:
            inserts.append((p, after))
        else:
            before = {
                "status": old[3],
                "no_statement": old[4],
                "time_spent_ms": old[5],
                "revision": old[6],
                "statements": old_statements[old[0]],
            }
            updates.append((old[0], p, submitting, after["revision"]))
            revisions.append((old[0], action, before, after))
            writes.append((old[0], p))
        batch.annotations += 1
        batch.statements += len(p.statements)
    return inserts, updates, revisions, writes, links


def _insert_annotations(cur, inserts, users, now, revisions, writes) -> None:
    """INSERT the new annotations in one statement; their revisions and statement writes join the lists."""
    cur.execute(
        f"""INSERT INTO {_t(Annotation)} (task_id, annotator_id, status, no_statement, time_spent_ms,
                        revision, created_at, updated_at, submitted_at)
                    SELECT t, u, %s, ns, 0, 1, %s, %s, %s FROM unnest(%s::bigint[], %s::bigint[], %s::boolean[])
                    AS v(t, u, ns) RETURNING id, task_id, annotator_id""",
        [
            SUBMITTED,
            now,
            now,
            now,
            [p.task_id for p, _ in inserts],
            [users[p.who] for p, _ in inserts],
            [p.no_statement for p, _ in inserts],
        ],
    )
    new_ids = {(t, u): pk for pk, t, u in cur.fetchall()}
    for p, after in inserts:
        pk = new_ids[(p.task_id, users[p.who])]
        revisions.append((pk, AnnotationRevision.Action.SUBMIT, None, after))
        writes.append((pk, p))


def _update_annotations(cur, updates, now) -> None:
    """UPDATE the changed annotations in one statement and delete their statements (rewritten by COPY)."""
    cur.execute(
        f"""UPDATE {_t(Annotation)} a SET status = %s, no_statement = v.ns, revision = v.rev,
                        updated_at = %s, submitted_at = COALESCE(a.submitted_at, %s)
                    FROM unnest(%s::bigint[], %s::boolean[], %s::int[]) AS v(id, ns, rev) WHERE a.id = v.id""",
        [
            SUBMITTED,
            now,
            now,
            [u[0] for u in updates],
            [u[1].no_statement for u in updates],
            [u[3] for u in updates],
        ],
    )
    cur.execute(f"DELETE FROM {_t(Statement)} WHERE annotation_id = ANY(%s)", [[u[0] for u in updates]])


def _copy_statements_and_revisions(cur, writes, revisions, changed_by, now) -> None:
    """COPY the written annotations' statements and every revision entry."""
    _copy(
        cur,
        Statement,
        _STATEMENT_COLUMNS,
        [
            (
                pk,
                i,
                s["actor_role"],
                s["actor_id"],
                s["actor_start"],
                s["actor_end"],
                s["claim_id"],
                s["stance_id"],
                s["evidence_start"],
                s["evidence_end"],
                s["note"],
                now,
            )
            for pk, p in writes
            for i, s in enumerate(p.statements)
        ],
    )
    _copy(
        cur,
        AnnotationRevision,
        ("annotation_id", "action", "changed_by_id", "changed_at", "before", "after"),
        [
            (
                pk,
                action,
                changed_by.pk if changed_by is not None else None,
                now,
                None if before is None else orjson.dumps(before).decode(),
                orjson.dumps(after).decode(),
            )
            for pk, action, before, after in revisions
        ],
    )


def _update_tasks_and_assignments(cur, k, counts, start_counts, inserts, updates, users, now) -> None:
    """The tasks' new submitted counts (and completeness), and the submitted annotations' assignments."""
    changed = [(t, c) for t, c in counts.items() if c != start_counts[t]]
    if changed:
        cur.execute(
            f"""UPDATE {_t(Task)} t SET submitted_count = v.c,
                           is_complete = v.c >= COALESCE(t.target_annotators, %s)
                        FROM unnest(%s::bigint[], %s::int[]) AS v(id, c) WHERE t.id = v.id""",
            [k, [t for t, _ in changed], [c for _, c in changed]],
        )
    submitted_now = [(p.task_id, users[p.who]) for p, _ in inserts] + [
        (u[1].task_id, users[u[1].who]) for u in updates if u[2]
    ]
    if submitted_now:
        cur.execute(
            f"""UPDATE {_t(Assignment)} a SET status = %s, finished_at = %s
                        FROM unnest(%s::bigint[], %s::bigint[]) AS v(t, u)
                        WHERE a.task_id = v.t AND a.annotator_id = v.u""",
            [Assignment.Status.SUBMITTED, now, [t for t, _ in submitted_now], [u for _, u in submitted_now]],
        )


def _link(cur, ls_project_id, links, now) -> None:
    if not links:
        return
    cur.execute(
        f"DELETE FROM {_t(LabelStudioLink)} WHERE ls_project_id = %s AND (annotation_id = ANY(%s) "
        "OR ls_annotation_id = ANY(%s))",
        [ls_project_id, [a for a, _ in links], [b for _, b in links]],
    )
    cur.execute(
        f"""INSERT INTO {_t(LabelStudioLink)} (annotation_id, ls_project_id, ls_annotation_id, linked_at)
                    SELECT a, %s, b, %s FROM unnest(%s::bigint[], %s::bigint[]) AS v(a, b)""",
        [ls_project_id, now, [a for a, _ in links], [b for _, b in links]],
    )


def _write_predictions(cur, predictions, now, batch) -> None:
    """One prediction set per (task, model, version), as the prelabel service stores them; a task that
    already has that set is left alone (importing the same file twice adds nothing)."""
    sets: dict[tuple, list] = {}
    for p in predictions:
        sets.setdefault((p.task_id, p.model_name, p.model_version), p.rows)
    if not sets:
        return
    keys = list(sets)
    cur.execute(
        f"""INSERT INTO {_t(PredictionSet)} (task_id, model_name, model_version, created_at)
                    SELECT t, m, v, %s FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS x(t, m, v)
                    ON CONFLICT (task_id, model_name, model_version) DO NOTHING
                    RETURNING id, task_id, model_name, model_version""",
        [now, [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]],
    )
    created = {(t, m, v): pk for pk, t, m, v in cur.fetchall()}
    rows = [
        (
            pk,
            key[0],
            s["kind"],
            key[1],
            key[2],
            s["score"],
            s["actor_id"],
            s["start"],
            s["end"],
            s["surface"][:300],
            s["claim_id"],
            s["stance_id"],
            now,
        )
        for key, pk in created.items()
        for s in sets[key]
    ]
    _copy(cur, Prediction, _PREDICTION_COLUMNS, rows)
    batch.prediction_sets += len(created)
    batch.predictions += len(rows)
