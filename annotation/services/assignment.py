"""Who gets which paragraph: leasing tasks to annotators, safely under concurrency.

Invariants (checked by tests/annotation/test_assignment_concurrency.py):
  * a task never has more than k submitted annotations (k = Task.target_annotators when a manager set
    one in the task browser, else project.annotators_per_task);
  * an annotator never works twice on a task (unique (task, annotator) on Assignment and Annotation);
  * Task.submitted_count equals the number of submitted annotations; it only changes while the
    task row is locked (annotation_submit in annotation.services.annotations);
  * active, unexpired leases count against k, so k annotators are not sent to the same paragraph
    while a (k+1)-th waits; an expired lease simply stops counting and the task is back in the pool.

Locks: claiming takes the candidate task's row lock with SELECT ... FOR UPDATE SKIP LOCKED (two
annotators never wait on each other; the second skips to the next task; only when every remaining
candidate is locked does it wait for one), then re-counts in a new statement, which under READ
COMMITTED sees every lease committed by whoever held that lock before, then leases.
On PostgreSQL all of that is one call of the function standpoint_claim_task (migration 0002, with the
task's own k since 0010: one round trip instead of four on the app's most frequent call); the Python
below is the same claim for SQLite (the demo), where select_for_update is a no-op and IMMEDIATE
transactions serialise writers.
Submit takes the same row lock without SKIP LOCKED, then the annotation's.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..db import aware, cursor, instance
from ..models import Annotation, Assignment, Project, Task

# Statuses that keep a task out of its annotator's queue (a reopened lease is a submitted task being edited).
DONE_STATUSES = (Assignment.Status.SUBMITTED, Assignment.Status.SKIPPED, Assignment.Status.REOPENED)
# Leases that next-task resumes, the newest first (a task the annotator reopened or took back).
LIVE_STATUSES = (Assignment.Status.ACTIVE, Assignment.Status.REOPENED)
MAX_CLAIM_ATTEMPTS = 50


def _live_leases(*, now, user) -> Subquery:
    """Number of other annotators' active, unexpired leases on the outer task."""
    rows = (
        Assignment.objects.filter(task=OuterRef("pk"), status=Assignment.Status.ACTIVE, expires_at__gt=now)
        .exclude(annotator=user)
        .order_by()
        .values("task")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _done_by(user) -> Exists:
    return Exists(Assignment.objects.filter(task=OuterRef("pk"), annotator=user, status__in=DONE_STATUSES))


_ACTIVE_SQL = """SELECT a.id, a.task_id, a.status, a.leased_at, a.expires_at, a.finished_at
    FROM {asg} a JOIN {task} t ON t.id = a.task_id
    WHERE a.annotator_id = %s AND t.project_id = %s AND a.status IN ('active', 'reopened') AND a.expires_at > %s
    ORDER BY a.leased_at DESC LIMIT 1"""


def assignment_active_for(*, user, project: Project, now=None) -> Assignment | None:
    """The annotator's live lease in the project, if any, the newest first (plain SQL: every next-task
    asks this first). A reopened lease counts: the annotator went back to that task."""
    now = now or timezone.now()
    with cursor() as cur:
        cur.execute(
            _ACTIVE_SQL.format(asg=Assignment._meta.db_table, task=Task._meta.db_table), [user.pk, project.pk, now]
        )
        row = cur.fetchone()
    if row is None:
        return None
    return instance(
        Assignment,
        {
            "id": row[0],
            "task_id": row[1],
            "annotator_id": user.pk,
            "status": row[2],
            "leased_at": aware(row[3]),
            "expires_at": aware(row[4]),
            "finished_at": aware(row[5]),
        },
    )


def _candidate_ids(*, project: Project, user, now, exclude: list[int]):
    base = Task.objects.filter(project=project, is_complete=False, closed_at__isnull=True)
    if exclude:
        base = base.exclude(pk__in=exclude)
    base = (
        base.alias(leases=_live_leases(now=now, user=user))
        .filter(submitted_count__lt=Coalesce(F("target_annotators"), Value(project.annotators_per_task)) - F("leases"))
        .filter(~_done_by(user))
    )
    if project.task_order == Project.TaskOrder.UNCERTAINTY:
        # Scored tasks, most uncertain first (index task_next_by_uncertainty), then the rest in article order.
        return [
            base.filter(uncertainty__isnull=False).order_by("-uncertainty", "order"),
            base.filter(uncertainty__isnull=True).order_by("order"),
        ]
    return [base.order_by("order")]


def _lock_next(*, project: Project, user, now, exclude: list[int]) -> int | None:
    """SKIP LOCKED first; only if that finds none, wait for a locked candidate (as the SQL function does)
    rather than report that nothing is left while another annotator holds the last rows."""
    for qs in _candidate_ids(project=project, user=user, now=now, exclude=exclude):
        task_id = qs.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True).first()
        if task_id is not None:
            return task_id
    # Waiting: pick the candidate without a lock, then wait for that row by id. A FOR UPDATE that waits
    # re-checks its WHERE on the row's new version against its old snapshot of the leases, so a submit
    # committed meanwhile would count twice and the last task with room be missed. _recheck decides.
    for qs in _candidate_ids(project=project, user=user, now=now, exclude=exclude):
        task_id = qs.values_list("pk", flat=True).first()
        if task_id is not None:
            Task.objects.select_for_update().filter(pk=task_id).values_list("pk", flat=True).first()
            return task_id
    return None


def _recheck(*, task_id: int, user, now, k: int) -> tuple[bool, bool]:
    """(still has room for `user`, `user` already has an assignment row) - read in a fresh snapshot."""
    row = (
        Task.objects.filter(pk=task_id)
        .annotate(
            leases=_live_leases(now=now, user=user),
            done=_done_by(user),
            mine=Exists(Assignment.objects.filter(task=OuterRef("pk"), annotator=user)),
        )
        .values("submitted_count", "leases", "done", "mine", "target_annotators")
        .first()
    )
    if row is None:  # removed (a kind correction) while we waited for its lock
        return False, False
    k = row["target_annotators"] or k  # the task's own k, when a manager set one
    return (not row["done"] and row["submitted_count"] + row["leases"] < k), row["mine"]


_CLAIM_SQL = (
    "SELECT task_id, assignment_id, leased_at, expires_at FROM standpoint_claim_task(%s::bigint, "
    "%s::bigint, %s::integer, %s::timestamptz, %s::timestamptz, %s::boolean, %s::integer)"
)


def _claim_sql(*, project: Project, user, now, expires) -> Assignment | None:
    """The whole claim in one round trip: the PostgreSQL function from migration 0002, which follows
    the same rules as the Python path below (see that migration's docstring)."""
    with cursor() as cur:
        cur.execute(
            _CLAIM_SQL,
            [
                project.pk,
                user.pk,
                project.annotators_per_task,
                now,
                expires,
                project.task_order == Project.TaskOrder.UNCERTAINTY,
                MAX_CLAIM_ATTEMPTS,
            ],
        )
        row = cur.fetchone()
    if row is None:
        return None
    return instance(
        Assignment,
        {
            "id": row[1],
            "task_id": row[0],
            "annotator_id": user.pk,
            "status": Assignment.Status.ACTIVE,
            "leased_at": row[2],
            "expires_at": row[3],
            "finished_at": None,
        },
    )


def assignment_claim_next(*, user, project: Project) -> Assignment | None:
    """The annotator's current lease, or a new one on the next task that still needs them; None if none.

    Resumes the annotator's own active, unexpired lease first. A new lease also creates (or re-links)
    the annotator's draft Annotation for the task. Each attempt is one short transaction holding one
    task row lock; see the module docstring.
    """
    now = timezone.now()
    expires = now + timedelta(minutes=project.lease_minutes)
    return _claim_path()(project=project, user=user, now=now, expires=expires)


def _claim_path():
    """PostgreSQL: the function of migration 0002; elsewhere (the SQLite demo) the ORM path. Both
    follow the same rules, and the concurrency test runs both on PostgreSQL."""
    return _claim_sql if connection.vendor == "postgresql" else _claim_orm


def _claim_orm(*, project: Project, user, now, expires) -> Assignment | None:
    current = assignment_active_for(user=user, project=project, now=now)
    if current is not None:
        return current
    k = project.annotators_per_task
    tried: list[int] = []
    for _ in range(MAX_CLAIM_ATTEMPTS):
        with transaction.atomic():
            task_id = _lock_next(project=project, user=user, now=now, exclude=tried)
            if task_id is None:
                return None
            has_room, has_row = _recheck(task_id=task_id, user=user, now=now, k=k)
            if not has_room:  # filled up between our snapshot and our lock
                tried.append(task_id)
                continue
            return _lease(task_id=task_id, user=user, now=now, expires=expires, reuse=has_row)
    return None


def _lease(*, task_id: int, user, now, expires, reuse: bool) -> Assignment:
    if reuse:  # an earlier lease of ours expired: take the same row again, keep the draft
        Assignment.objects.filter(task_id=task_id, annotator=user).update(
            status=Assignment.Status.ACTIVE, leased_at=now, expires_at=expires, finished_at=None
        )
        assignment = Assignment.objects.get(task_id=task_id, annotator=user)
        Annotation.objects.filter(task_id=task_id, annotator=user).update(assignment=assignment)
    else:
        assignment = Assignment.objects.create(task_id=task_id, annotator=user, leased_at=now, expires_at=expires)
    Annotation.objects.bulk_create(
        [Annotation(task_id=task_id, annotator=user, assignment_id=assignment.pk)], ignore_conflicts=True
    )
    return assignment


def assignment_renew(*, assignment: Assignment) -> Assignment:
    """Extend a live lease (the page calls this while the annotator is still working).

    A lease that already ran out is not revived here: others may have taken its place, so the
    annotator goes through assignment_claim_next again, which re-checks the room under the row lock.
    """
    now = timezone.now()
    expires = now + timedelta(minutes=assignment.task.project.lease_minutes)
    if Assignment.objects.filter(pk=assignment.pk, status__in=LIVE_STATUSES, expires_at__gt=now).update(
        expires_at=expires
    ):
        assignment.expires_at = expires
    return assignment


def leases_expire(*, now=None) -> int:
    """Mark active leases past their time as expired, and reopened ones as submitted again (bookkeeping
    only: claims ignore them already, and a reopened task stays out of its annotator's queue)."""
    now = now or timezone.now()
    Assignment.objects.filter(status=Assignment.Status.REOPENED, expires_at__lte=now).update(
        status=Assignment.Status.SUBMITTED
    )
    return Assignment.objects.filter(status=Assignment.Status.ACTIVE, expires_at__lte=now).update(
        status=Assignment.Status.EXPIRED
    )
