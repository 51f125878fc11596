"""Who gets which paragraph: leasing tasks to annotators, safely under concurrency.

Invariants (checked by tests/annotation/test_assignment_concurrency.py):
  * a task never has more than k submitted annotations (k = project.annotators_per_task);
  * an annotator never works twice on a task (unique (task, annotator) on Assignment and Annotation);
  * Task.submitted_count equals the number of submitted annotations; it only changes while the
    task row is locked (annotation_submit in annotation.services.annotations);
  * active, unexpired leases count against k, so k annotators are not sent to the same paragraph
    while a (k+1)-th waits; an expired lease simply stops counting and the task is back in the pool.

Locks: claiming takes the candidate task's row lock with SELECT ... FOR UPDATE SKIP LOCKED (two
annotators never wait on each other; the second skips to the next task; only when every remaining
candidate is locked does it wait for one), then re-counts in a new statement, which under READ
COMMITTED sees every lease committed by whoever held that lock before; on PostgreSQL that same
statement inserts the lease and the draft.
Submit takes the same row lock without SKIP LOCKED, then the annotation's. On SQLite (the demo)
select_for_update is a no-op and IMMEDIATE transactions serialise writers instead.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Annotation, Assignment, Project, Task
from ..db import aware, cursor, instance

DONE_STATUSES = (Assignment.Status.SUBMITTED, Assignment.Status.SKIPPED)
MAX_CLAIM_ATTEMPTS = 50


def _live_leases(*, now, user) -> Subquery:
    """Number of other annotators' active, unexpired leases on the outer task."""
    rows = (Assignment.objects.filter(task=OuterRef("pk"), status=Assignment.Status.ACTIVE, expires_at__gt=now)
            .exclude(annotator=user).order_by().values("task").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _done_by(user) -> Exists:
    return Exists(Assignment.objects.filter(task=OuterRef("pk"), annotator=user, status__in=DONE_STATUSES))


_ACTIVE_SQL = """SELECT a.id, a.task_id, a.status, a.leased_at, a.expires_at, a.finished_at
    FROM {asg} a JOIN {task} t ON t.id = a.task_id
    WHERE a.annotator_id = %s AND t.project_id = %s AND a.status = 'active' AND a.expires_at > %s
    ORDER BY a.leased_at LIMIT 1"""


def assignment_active_for(*, user, project: Project, now=None) -> Assignment | None:
    """The annotator's live lease in the project, if any (plain SQL: every next-task asks this first)."""
    now = now or timezone.now()
    with cursor() as cur:
        cur.execute(_ACTIVE_SQL.format(asg=Assignment._meta.db_table, task=Task._meta.db_table),
                    [user.pk, project.pk, now])
        row = cur.fetchone()
    if row is None:
        return None
    return instance(Assignment, {"id": row[0], "task_id": row[1], "annotator_id": user.pk, "status": row[2],
                                 "leased_at": aware(row[3]), "expires_at": aware(row[4]),
                                 "finished_at": aware(row[5])})


def _candidate_ids(*, project: Project, user, now, exclude: list[int]):
    base = Task.objects.filter(project=project, is_complete=False)
    if exclude:
        base = base.exclude(pk__in=exclude)
    base = (base.alias(leases=_live_leases(now=now, user=user))
            .filter(submitted_count__lt=Value(project.annotators_per_task) - F("leases"))
            .filter(~_done_by(user)))
    if project.task_order == Project.TaskOrder.UNCERTAINTY:
        # Scored tasks, most uncertain first (index task_next_by_uncertainty), then the rest in article order.
        return [base.filter(uncertainty__isnull=False).order_by("-uncertainty", "order"),
                base.filter(uncertainty__isnull=True).order_by("order")]
    return [base.order_by("order")]


def _lock_next(*, project: Project, user, now, exclude: list[int]) -> int | None:
    if connection.vendor == "postgresql":
        return _lock_next_sql(project=project, user=user, now=now, exclude=exclude)
    for qs in _candidate_ids(project=project, user=user, now=now, exclude=exclude):
        task_id = (qs.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True).first())
        if task_id is not None:
            return task_id
    return None


def _recheck(*, task_id: int, user, now, k: int) -> tuple[bool, bool]:
    """(still has room for `user`, `user` already has an assignment row) - read in a fresh snapshot."""
    row = (Task.objects.filter(pk=task_id)
           .annotate(leases=_live_leases(now=now, user=user), done=_done_by(user),
                     mine=Exists(Assignment.objects.filter(task=OuterRef("pk"), annotator=user)))
           .values("submitted_count", "leases", "done", "mine").get())
    return (not row["done"] and row["submitted_count"] + row["leases"] < k), row["mine"]


# The same two reads as plain SQL on PostgreSQL: they run on every claim, and compiling the ORM
# expressions (subqueries, EXISTS, COALESCE) cost more CPU than PostgreSQL spends answering them.
_LIVE = """(SELECT count(*) FROM {asg} a WHERE a.task_id = t.id AND a.status = 'active'
              AND a.expires_at > %(now)s AND a.annotator_id <> %(user)s)"""
_DONE = """EXISTS (SELECT 1 FROM {asg} m WHERE m.task_id = t.id AND m.annotator_id = %(user)s
                   AND m.status IN ('submitted', 'skipped'))"""
_CANDIDATE = """SELECT t.id FROM {task} t
    WHERE t.project_id = %(project)s AND NOT t.is_complete {extra}
      AND t.submitted_count + {live} < %(k)s AND NOT {done} AND NOT (t.id = ANY(%(exclude)s::bigint[]))
    ORDER BY {order} LIMIT 1 FOR UPDATE OF t {wait}"""
_RECHECK = """SELECT (t.submitted_count + {live} < %(k)s) AND NOT {done} AS room,
                     EXISTS (SELECT 1 FROM {asg} x WHERE x.task_id = t.id AND x.annotator_id = %(user)s) AS mine
              FROM {task} t WHERE t.id = %(task)s"""


def _sql(template: str, **parts) -> str:
    tables = {"asg": Assignment._meta.db_table, "task": Task._meta.db_table}
    return template.format(live=_LIVE.format(**tables), done=_DONE.format(**tables), **tables, **parts)


def _lock_next_sql(*, project: Project, user, now, exclude: list[int]) -> int | None:
    params = {"project": project.pk, "now": now, "user": user.pk, "k": project.annotators_per_task,
              "exclude": exclude}
    if project.task_order == Project.TaskOrder.UNCERTAINTY:
        passes = [("AND t.uncertainty IS NOT NULL", 't.uncertainty DESC, t."order"'),
                  ("AND t.uncertainty IS NULL", 't."order"')]
    else:
        passes = [("", 't."order"')]
    with cursor() as cur:
        # SKIP LOCKED first, so annotators never queue behind each other. If that finds nothing, the
        # only tasks left may be locked for a moment by someone's claim or submit: wait for one rather
        # than telling the annotator that nothing is left.
        for wait in ("SKIP LOCKED", ""):
            for extra, order in passes:
                cur.execute(_sql(_CANDIDATE, extra=extra, order=order, wait=wait), params)
                row = cur.fetchone()
                if row is not None:
                    return row[0]
    return None


_RECHECK_AND_LEASE = """WITH chk AS ({recheck}),
    a AS (INSERT INTO {asg} (task_id, annotator_id, status, leased_at, expires_at)
          SELECT %(task)s, %(user)s, 'active', %(now)s, %(expires)s FROM chk WHERE chk.room AND NOT chk.mine
          RETURNING id),
    d AS (INSERT INTO {ann} (task_id, annotator_id, assignment_id, status, no_statement, time_spent_ms, revision,
                             created_at, updated_at)
          SELECT %(task)s, %(user)s, a.id, 'draft', false, 0, 0, %(now)s, %(now)s FROM a
          ON CONFLICT (task_id, annotator_id) DO NOTHING)
    SELECT chk.room, chk.mine, (SELECT id FROM a) FROM chk"""


def _recheck_and_lease_sql(*, task_id: int, user, now, expires, k: int) -> tuple[bool, bool, int | None]:
    """The re-count under the lock and, when there is room and no earlier row of ours, the new lease and
    its draft annotation: one round trip (this is the app's hottest write).
    Returns (has room, an earlier assignment row of ours exists, new assignment id or None)."""
    sql = _sql(_RECHECK_AND_LEASE, recheck=_sql(_RECHECK), ann=Annotation._meta.db_table)
    with cursor() as cur:
        cur.execute(sql, {"task": task_id, "now": now, "expires": expires, "user": user.pk, "k": k})
        room, mine, assignment_id = cur.fetchone()
    return bool(room), bool(mine), assignment_id


def assignment_claim_next(*, user, project: Project) -> Assignment | None:
    """The annotator's current lease, or a new one on the next task that still needs them; None if none.

    Resumes the annotator's own active, unexpired lease first. A new lease also creates (or re-links)
    the annotator's draft Annotation for the task. Each attempt is one short transaction holding one
    task row lock; see the module docstring.
    """
    now = timezone.now()
    current = assignment_active_for(user=user, project=project, now=now)
    if current is not None:
        return current
    k = project.annotators_per_task
    expires = now + timedelta(minutes=project.lease_minutes)
    tried: list[int] = []
    for _ in range(MAX_CLAIM_ATTEMPTS):
        with transaction.atomic():
            task_id = _lock_next(project=project, user=user, now=now, exclude=tried)
            if task_id is None:
                return None
            if connection.vendor == "postgresql":
                has_room, has_row, new_id = _recheck_and_lease_sql(task_id=task_id, user=user, now=now,
                                                                   expires=expires, k=k)
                if new_id is not None:
                    return instance(Assignment, {"id": new_id, "task_id": task_id, "annotator_id": user.pk,
                                                 "status": Assignment.Status.ACTIVE, "leased_at": now,
                                                 "expires_at": expires, "finished_at": None})
            else:
                has_room, has_row = _recheck(task_id=task_id, user=user, now=now, k=k)
            if not has_room:  # filled up between our snapshot and our lock
                tried.append(task_id)
                continue
            return _lease(task_id=task_id, user=user, now=now, expires=expires, reuse=has_row)
    return None


def _lease(*, task_id: int, user, now, expires, reuse: bool) -> Assignment:
    if reuse:  # an earlier lease of ours expired: take the same row again, keep the draft
        Assignment.objects.filter(task_id=task_id, annotator=user).update(
            status=Assignment.Status.ACTIVE, leased_at=now, expires_at=expires, finished_at=None)
        assignment = Assignment.objects.get(task_id=task_id, annotator=user)
        Annotation.objects.filter(task_id=task_id, annotator=user).update(assignment=assignment)
    else:
        assignment = Assignment.objects.create(task_id=task_id, annotator=user, leased_at=now, expires_at=expires)
    Annotation.objects.bulk_create([Annotation(task_id=task_id, annotator=user, assignment_id=assignment.pk)],
                                   ignore_conflicts=True)
    return assignment


def _insert_lease_and_draft(*, task_id: int, user, now, expires) -> Assignment:
    """The lease and the draft annotation in one round trip (this is the hottest write of the app)."""
    asg, ann = Assignment._meta.db_table, Annotation._meta.db_table
    with cursor() as cur:
        cur.execute(
            f"""WITH a AS (INSERT INTO {asg} (task_id, annotator_id, status, leased_at, expires_at)
                           VALUES (%s, %s, %s, %s, %s) RETURNING id),
                     d AS (INSERT INTO {ann} (task_id, annotator_id, assignment_id, status, no_statement,
                                              time_spent_ms, revision, created_at, updated_at)
                           SELECT %s, %s, a.id, %s, false, 0, 0, %s, %s FROM a
                           ON CONFLICT (task_id, annotator_id) DO NOTHING)
                SELECT id FROM a""",
            [task_id, user.pk, Assignment.Status.ACTIVE, now, expires,
             task_id, user.pk, Annotation.Status.DRAFT, now, now])
        (assignment_id,) = cur.fetchone()
    assignment = Assignment(id=assignment_id, task_id=task_id, annotator=user, status=Assignment.Status.ACTIVE,
                            leased_at=now, expires_at=expires)
    assignment._state.adding, assignment._state.db = False, "default"
    return assignment


def assignment_renew(*, assignment: Assignment) -> Assignment:
    """Extend a live lease (the page calls this while the annotator is still working).

    A lease that already ran out is not revived here: others may have taken its place, so the
    annotator goes through assignment_claim_next again, which re-checks the room under the row lock.
    """
    now = timezone.now()
    expires = now + timedelta(minutes=assignment.task.project.lease_minutes)
    if Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.ACTIVE, expires_at__gt=now).update(
            expires_at=expires):
        assignment.expires_at = expires
    return assignment


def leases_expire(*, now=None) -> int:
    """Mark active leases past their time as expired (bookkeeping only: claims ignore them already)."""
    now = now or timezone.now()
    return Assignment.objects.filter(status=Assignment.Status.ACTIVE, expires_at__lte=now).update(
        status=Assignment.Status.EXPIRED)

