"""Projects, members, stance labels and the project's task pool.

Every function here writes; reads live in annotation.selectors.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Length
from django.utils import timezone

from corpora.models import Paragraph

from ..models import Assignment, Project, ProjectMembership, Role, StanceLabel, Task
from ..models.project import DEFAULT_STANCE_LABELS

# Task.order = article id * ORDER_STRIDE + paragraph position: stable, so a later sync that adds
# articles never renumbers existing tasks and article order is kept without a rank pass.
ORDER_STRIDE = 1_000_000
SYNC_BATCH = 5_000

_EDITABLE = {
    "name",
    "description",
    "guidelines",
    "annotators_per_task",
    "lease_minutes",
    "task_order",
    "allow_reopen",
    "paragraph_kinds",
    "languages",
    "min_paragraph_chars",
    "claim_threshold",
}


@transaction.atomic
def project_create(
    *,
    name: str,
    created_by,
    description: str = "",
    guidelines: str = "",
    annotators_per_task: int = 3,
    lease_minutes: int = 30,
    task_order: str = Project.TaskOrder.ARTICLE,
    allow_reopen: bool = True,
    paragraph_kinds: list[str] | None = None,
    corpora: Iterable = (),
    stance_labels: list[tuple[str, str, str]] | None = None,
) -> Project:
    """Create a project with its stance labels (the defaults unless given); the creator becomes a manager."""
    if Project.objects.filter(name=name).exists():
        raise ValidationError({"name": [f"A project named {name!r} already exists."]})
    project = Project.objects.create(
        name=name,
        description=description,
        guidelines=guidelines,
        annotators_per_task=annotators_per_task,
        lease_minutes=lease_minutes,
        task_order=task_order,
        allow_reopen=allow_reopen,
        paragraph_kinds=paragraph_kinds or [],
        created_by=created_by,
    )
    if corpora:
        project.corpora.set(corpora)
    labels = stance_labels or DEFAULT_STANCE_LABELS
    StanceLabel.objects.bulk_create(
        StanceLabel(project=project, value=value, name=label_name, key=key, order=i)
        for i, (value, label_name, key) in enumerate(labels)
    )
    if created_by is not None:
        ProjectMembership.objects.create(project=project, user=created_by, role=Role.MANAGER)
    return project


@transaction.atomic
def project_update(*, project: Project, data: dict[str, Any]) -> Project:
    """Change a project's settings.

    A change of k re-derives every task's is_complete in one UPDATE. k may not go below the most
    submissions a task already has (that would break "no task over k").
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    unknown = set(data) - _EDITABLE - {"corpora"}
    if unknown:
        raise ValidationError({f: ["This field cannot be changed."] for f in sorted(unknown)})
    if "name" in data and Project.objects.filter(name=data["name"]).exclude(pk=project.pk).exists():
        raise ValidationError({"name": [f"A project named {data['name']!r} already exists."]})
    old_k = project.annotators_per_task
    new_k = data.get("annotators_per_task", old_k)
    if new_k != old_k:
        # tasks with their own k (the task browser's bulk action) keep it
        most = project.tasks.filter(target_annotators__isnull=True).aggregate(m=Max("submitted_count"))["m"] or 0
        if new_k < most:
            raise ValidationError(
                {
                    "annotators_per_task": [
                        f"Cannot lower k to {new_k}: a task already has {most} submitted annotations."
                    ]
                }
            )
    if "guidelines" in data and data["guidelines"] != project.guidelines:
        project.guidelines_version += 1
    for field, value in data.items():
        if field != "corpora":
            setattr(project, field, value)
    project.full_clean(exclude=["corpora", "members"], validate_unique=False)
    project.save()
    if "corpora" in data:
        project.corpora.set(data["corpora"])
    if new_k != old_k:
        following = Task.objects.filter(project=project, target_annotators__isnull=True)
        following.filter(submitted_count__gte=new_k).update(is_complete=True)
        following.filter(submitted_count__lt=new_k).update(is_complete=False)
    return project


def _manager_count(project: Project) -> int:
    return ProjectMembership.objects.filter(project=project, role=Role.MANAGER).count()


@transaction.atomic
def membership_set(*, project: Project, user, role: str) -> ProjectMembership:
    """Add `user` to the project with `role`, or change their role. Keeps at least one manager."""
    if role not in Role.values:
        raise ValidationError({"role": [f"Unknown role {role!r}; use one of {', '.join(Role.values)}."]})
    membership = ProjectMembership.objects.select_for_update().filter(project=project, user=user).first()
    if membership is None:
        return ProjectMembership.objects.create(project=project, user=user, role=role)
    if membership.role == Role.MANAGER and role != Role.MANAGER and _manager_count(project) <= 1:
        raise ValidationError({"role": ["A project needs at least one manager."]})
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, project: Project, user) -> None:
    """Remove a member. Their annotations stay; their active leases end so the tasks return to the pool."""
    membership = ProjectMembership.objects.select_for_update().filter(project=project, user=user).first()
    if membership is None:
        return
    if membership.role == Role.MANAGER and _manager_count(project) <= 1:
        raise ValidationError({"user": ["A project needs at least one manager."]})
    membership.delete()
    Assignment.objects.filter(task__project=project, annotator=user, status=Assignment.Status.ACTIVE).update(
        status=Assignment.Status.EXPIRED
    )


@dataclass(frozen=True)
class SyncResult:
    created: int
    removed: int
    total: int
    closed: int = 0
    reopened: int = 0


def matching_paragraphs(*, project: Project):
    """Paragraphs of the project's corpora that should be tasks (kind, language, length filters)."""
    qs = Paragraph.objects.filter(article__corpus__projects=project, kind__in=project.task_kinds)
    if project.languages:
        qs = qs.filter(language__in=project.languages)
    if project.min_paragraph_chars > 1:
        qs = qs.alias(n=Length("text")).filter(n__gte=project.min_paragraph_chars)
    return qs


@transaction.atomic
def tasks_sync(*, project: Project) -> SyncResult:
    """Make the task pool match the project's paragraph filter.

    Creates a task for every matching paragraph that has none (one INSERT ... SELECT on PostgreSQL,
    batches elsewhere; ON CONFLICT DO NOTHING, so a concurrent or repeated sync is a no-op), and
    removes tasks whose paragraph no longer matches only when nobody has worked on them. A task with
    work whose paragraph no longer matches (a kind correction: body -> comment) keeps its annotations and
    is closed (Task.closed_at): the claim offers it to nobody and live leases on it end (the drafts
    stay); it is reopened when its paragraph matches
    again. Idempotent.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)  # one sync per project at a time
    wanted = matching_paragraphs(project=project)
    before = Task.objects.filter(project=project).count()
    missing = wanted.exclude(tasks__project=project).order_by("article_id", "position")
    if connection.vendor == "postgresql":
        _insert_tasks_sql(project=project, missing=missing)
    else:
        _insert_tasks_batched(project=project, missing=missing)
    created = Task.objects.filter(project=project).count() - before
    stale = (
        Task.objects.filter(project=project)
        .exclude(paragraph__in=wanted.values("id"))
        .filter(assignments__isnull=True, annotations__isnull=True)
    )
    _, per_model = Task.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    removed = per_model.get(Task._meta.label, 0)
    unwanted = Task.objects.filter(project=project).exclude(paragraph__in=wanted.values("id"))
    now = timezone.now()
    closing = list(unwanted.filter(closed_at__isnull=True).values_list("pk", flat=True))
    closed = Task.objects.filter(pk__in=closing).update(closed_at=now)
    # Live leases on them end now, so no annotator is sent back to one (the draft stays; a submit made
    # from a page still open is refused with "task_closed" and kept as the draft, annotation_submit).
    Assignment.objects.filter(task_id__in=closing, status=Assignment.Status.ACTIVE).update(
        status=Assignment.Status.EXPIRED, finished_at=now
    )
    Assignment.objects.filter(task_id__in=closing, status=Assignment.Status.REOPENED).update(
        status=Assignment.Status.SUBMITTED
    )
    reopened = (
        Task.objects.filter(project=project, closed_at__isnull=False)
        .filter(paragraph__in=wanted.values("id"))
        .update(closed_at=None)
    )
    return SyncResult(
        created=created, removed=removed, total=before + created - removed, closed=closed, reopened=reopened
    )


def _insert_tasks_sql(*, project: Project, missing) -> None:
    """One INSERT ... SELECT: 100,000 tasks in a few seconds instead of a Python loop."""
    sql, params = missing.values("id", "article_id", "position").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(
            f"""INSERT INTO {Task._meta.db_table} (project_id, paragraph_id, "order", submitted_count, is_complete,
                                                  created_at)
                SELECT %s, m.id, m.article_id * %s + m.position, 0, false, now() FROM ({sql}) m
                ON CONFLICT (project_id, paragraph_id) DO NOTHING""",
            [project.pk, ORDER_STRIDE, *params],
        )


def _insert_tasks_batched(*, project: Project, missing) -> None:
    batch: list[Task] = []
    for pid, article_id, position in missing.values_list("id", "article_id", "position").iterator(
        chunk_size=SYNC_BATCH
    ):
        batch.append(Task(project=project, paragraph_id=pid, order=article_id * ORDER_STRIDE + position))
        if len(batch) >= SYNC_BATCH:
            Task.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Task.objects.bulk_create(batch, ignore_conflicts=True)
