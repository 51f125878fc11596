"""The writes of a Label Studio import, a batch of tasks per transaction (see label_studio_import).

On PostgreSQL a batch is a handful of statements whatever its size: the task rows are locked (the
submitted counts change under that lock, as in annotation_submit), new annotations go in with one
INSERT ... SELECT FROM unnest(...), statements, history entries and predictions with COPY. The
annotations were checked one by one beforehand; should the database still refuse the batch (a
concurrent change), it is rolled back and redone one annotation at a time through annotation_submit,
each in its own savepoint, so the report names the one at fault. Elsewhere (the SQLite demo) the
one-at-a-time path is the only one.
"""

from collections import defaultdict

import orjson
from django.db import DatabaseError, IntegrityError, connection, transaction
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
from ..signals import annotation_submitted
from .annotations import annotation_submit
from .disagreement import project_disagreement_refresh
from .exceptions import ConflictError, StatementsInvalid
from .label_studio_report import Refused
from .snapshots import statements_snapshot

SUBMITTED = Annotation.Status.SUBMITTED
_SNAP_KEYS = (
    "actor_role",
    "actor",
    "actor_start",
    "actor_end",
    "claim",
    "stance",
    "evidence_start",
    "evidence_end",
    "note",
)
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


def _snapshot(statements: list[dict]) -> list[dict]:
    return [
        {
            "actor_role": s["actor_role"],
            "actor": s["actor_id"],
            "actor_start": s["actor_start"],
            "actor_end": s["actor_end"],
            "claim": s["claim_id"],
            "stance": s["stance"],
            "evidence_start": s["evidence_start"],
            "evidence_end": s["evidence_end"],
            "note": s["note"],
            "from_prediction": None,
        }
        for s in statements
    ]


def _same(old: list[dict], new: list[dict]) -> bool:
    """Same statements, order aside (Label Studio does not keep ours); which suggestion a statement was
    accepted from does not travel through Label Studio, so it does not count as a change."""

    def key(s):
        return tuple(str(s[k]) for k in _SNAP_KEYS)

    return sorted(map(key, old)) == sorted(map(key, new))


def _copy(cur, model, columns, rows) -> None:
    if not rows:
        return
    cols = ", ".join(f'"{c}"' for c in columns)
    with cur.cursor.copy(f"COPY {_t(model)} ({cols}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


class _Batch:
    """Counters of one batch, added to the report only once its transaction has committed."""

    def __init__(self):
        self.annotations = self.unchanged = self.statements = self.over_k = 0
        self.predictions = self.prediction_sets = 0
        self.refused: list = []


def write_batch(*, project, planned, predictions, users, changed_by, ls_project_id, summary) -> None:
    batch = _Batch()
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                _fast(project, planned, predictions, users, changed_by, ls_project_id, batch)
        except (IntegrityError, DatabaseError):
            batch = _Batch()
            _slow(project, planned, predictions, users, changed_by, ls_project_id, batch)
    else:
        _slow(project, planned, predictions, users, changed_by, ls_project_id, batch)
    for name in ("annotations", "unchanged", "statements", "over_k", "predictions", "prediction_sets"):
        setattr(summary, name, getattr(summary, name) + getattr(batch, name))
    summary.refused.extend(batch.refused)


def _over_k(p, k, batch):
    batch.over_k += 1
    batch.refused.append(
        Refused(
            p.where,
            "completed_by",
            f"this paragraph already has its {k} submitted annotations; this one was not imported",
        )
    )


def _fast(project, planned, predictions, users, changed_by, ls_project_id, batch) -> None:
    now, k = timezone.now(), project.annotators_per_task
    task_ids = sorted({p.task_id for p in planned} | {p.task_id for p in predictions})
    with connection.cursor() as cur:
        # Each batch commits durably (one WAL flush per 1,000 tasks): imported annotations are reported
        # as imported, so a database crash must not take back what the report counted.
        cur.execute(
            f"""SELECT id, submitted_count, COALESCE(target_annotators, %s) FROM {_t(Task)}
                WHERE id = ANY(%s) ORDER BY id FOR UPDATE""",
            [k, task_ids],
        )
        rows = cur.fetchall()
        counts = {task: count for task, count, _ in rows}
        wanted = {task: task_k for task, _, task_k in rows}  # each task's k (the task browser may set one)
        start_counts = dict(counts)
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
        inserts, updates, revisions, writes, links = [], [], [], [], []
        for p in planned:
            uid = users[p.who]
            new = _snapshot(p.statements)
            old = existing.get((p.task_id, uid))
            if (
                old is not None
                and old[3] == SUBMITTED
                and old[4] == p.no_statement
                and _same(old_statements[old[0]], new)
            ):
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
        if inserts:
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
        if updates:
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
        if ls_project_id is not None:
            links += [(pk, p.ls_id) for pk, p in writes if p.ls_id is not None]
            _link(cur, ls_project_id, links, now)
        _write_predictions(cur, predictions, now, batch)


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


def _slow(project, planned, predictions, users, changed_by, ls_project_id, batch) -> None:
    """One annotation per savepoint through the workspace's own submit (the fallback path)."""
    k = project.annotators_per_task
    for p in planned:
        uid = users[p.who]
        inputs = [
            {
                "actor_role": s["actor_role"],
                "actor": s["actor_id"],
                "actor_start": s["actor_start"],
                "actor_end": s["actor_end"],
                "claim": s["claim_id"],
                "stance": s["stance"],
                "evidence_start": s["evidence_start"],
                "evidence_end": s["evidence_end"],
                "note": s["note"],
            }
            for s in p.statements
        ]
        try:
            with transaction.atomic():
                annotation, _ = Annotation.objects.get_or_create(task_id=p.task_id, annotator_id=uid)
                if (
                    annotation.status == SUBMITTED
                    and annotation.no_statement == p.no_statement
                    and _same(statements_snapshot(annotation.pk), _snapshot(p.statements))
                ):
                    batch.unchanged += 1
                else:
                    annotation_submit(
                        annotation=annotation,
                        user=changed_by or annotation.annotator,
                        revision=None,
                        statements=inputs,
                        no_statement=p.no_statement,
                    )
                    batch.annotations += 1
                    batch.statements += len(p.statements)
                if ls_project_id is not None and p.ls_id is not None:
                    LabelStudioLink.objects.filter(ls_project_id=ls_project_id, annotation=annotation).delete()
                    LabelStudioLink.objects.update_or_create(
                        ls_project_id=ls_project_id, ls_annotation_id=p.ls_id, defaults={"annotation": annotation}
                    )
        except ConflictError as exc:
            if "submitted annotations" in str(exc):
                own = Task.objects.filter(pk=p.task_id).values_list("target_annotators", flat=True).first()
                _over_k(p, own or k, batch)
            else:
                batch.refused.append(Refused(p.where, "annotation", str(exc)))
        except StatementsInvalid as exc:
            batch.refused.append(Refused(p.where, "result", "; ".join(exc.messages)))
        except (IntegrityError, DatabaseError) as exc:
            batch.refused.append(Refused(p.where, "annotation", f"the database refused it: {exc}".strip()))
    for p in predictions:
        with transaction.atomic():
            ps, created = PredictionSet.objects.get_or_create(
                task_id=p.task_id, model_name=p.model_name, model_version=p.model_version
            )
            if created:
                Prediction.objects.bulk_create(
                    Prediction(
                        prediction_set=ps,
                        task_id=p.task_id,
                        kind=s["kind"],
                        model_name=p.model_name,
                        model_version=p.model_version,
                        score=s["score"],
                        actor_id=s["actor_id"],
                        start=s["start"],
                        end=s["end"],
                        surface=s["surface"][:300],
                        claim_id=s["claim_id"],
                        stance_id=s["stance_id"],
                    )
                    for s in p.rows
                )
                batch.prediction_sets += 1
                batch.predictions += len(p.rows)


@transaction.atomic
def delete_unlinked(*, project, ls_project_id: int, keep: set[int]) -> int:
    """Delete the annotations linked to this Label Studio project whose Label Studio annotation is gone
    (not in `keep`); the task's submitted count goes down with each submitted one. Returns how many."""
    gone = list(
        LabelStudioLink.objects.filter(ls_project_id=ls_project_id, annotation__task__project=project)
        .exclude(ls_annotation_id__in=keep)
        .values_list("annotation_id", flat=True)
    )
    if not gone:
        return 0
    k = project.annotators_per_task
    per_task: dict[int, int] = defaultdict(int)
    for task_id in Annotation.objects.filter(pk__in=gone, status=SUBMITTED).values_list("task_id", flat=True):
        per_task[task_id] += 1
    for task in Task.objects.select_for_update().filter(pk__in=per_task).order_by("pk"):
        count = max(task.submitted_count - per_task[task.pk], 0)
        Task.objects.filter(pk=task.pk).update(
            submitted_count=count, is_complete=count >= (task.target_annotators or k)
        )
    Annotation.objects.filter(pk__in=gone).delete()
    return len(gone)


def announce(project) -> None:
    """Tell higher apps (agreement reports) that submitted annotations changed, once per import."""
    project_disagreement_refresh(project_id=project.pk)
    annotation_submitted.send(sender=Annotation, project_id=project.pk, task_id=None)
