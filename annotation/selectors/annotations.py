"""Reads for the annotation API and pages. Blind annotation is enforced here: an annotator's
querysets only ever hold their own annotations, statements and decisions."""

from django.db import connection
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from ..access import projects_for
from ..models import (
    Actor,
    ActorAlias,
    Annotation,
    AnnotationRevision,
    Assignment,
    Prediction,
    PredictionDecision,
    Project,
    ProjectMembership,
    RegistryStatus,
    Role,
    Statement,
    Task,
)
from ..payloads import PROGRESS_SQL, progress_figures
from ..services.registry import normalize_text

READ_ALL_ROLES = (Role.MANAGER, Role.ML_ENGINEER)


def _roles_by_project(user) -> dict[int, str]:
    return dict(ProjectMembership.objects.filter(user=user).values_list("project_id", "role"))


def annotations_visible_to(*, user) -> QuerySet[Annotation]:
    """Own annotations everywhere, plus all annotations of projects where the user manages or reads data."""
    if user.is_superuser:
        return Annotation.objects.all()
    wide = [pid for pid, role in _roles_by_project(user).items() if role in READ_ALL_ROLES]
    return Annotation.objects.filter(Q(annotator=user) | Q(task__project_id__in=wide))


def annotation_list(*, user) -> QuerySet[Annotation]:
    """Annotations with their statements prefetched; user=None: no visibility filter (caller checked)."""
    stmts = Statement.objects.select_related("actor", "claim", "stance").order_by("position", "id")
    base = Annotation.objects.all() if user is None else annotations_visible_to(user=user)
    return (
        base.select_related("task")
        .prefetch_related(Prefetch("statements", queryset=stmts))
        .order_by("task_id", "annotator_id")
    )


def registry_list(
    *,
    model,
    project: Project | None,
    search: str | None = None,
    status: str | None = None,
    include_merged: bool = False,
    base: QuerySet | None = None,
) -> QuerySet:
    """Actors or claims of a project (or a narrower `base`), by name. Merged entries are hidden unless
    `include_merged` or asked for by `status`. Actor search also matches aliases and the external id.

    A search ranks what it finds: an entry whose name (or an alias, or a claim's text) is exactly what
    was typed comes first, then those that start with it, then those that contain it; by name within
    each (typing "EU" puts the European Union, alias "EU", above the Eurasian Economic Union)."""
    qs = base if base is not None else model.objects.filter(project=project)
    if status:
        qs = qs.filter(status=status)
    elif base is None and not include_merged:
        qs = qs.exclude(status=RegistryStatus.MERGED)
    by = "name" if model is Actor else "text"
    if search and search.strip():
        search = search.strip()
        typed = normalize_text(search)
        if model is Actor:
            aliases = ActorAlias.objects.filter(actor=OuterRef("pk"))
            qs = qs.filter(
                Q(name__icontains=search)
                | Q(external_id__iexact=search)
                | Exists(aliases.filter(normalized__icontains=typed))
            )
            exact = Q(name__iexact=search) | Exists(aliases.filter(normalized=typed))
            prefix = Q(name__istartswith=search) | Exists(aliases.filter(normalized__startswith=typed))
        else:
            qs = qs.filter(Q(text__icontains=search) | Q(category_code__iexact=search))
            exact, prefix = Q(normalized=typed), Q(text__istartswith=search)
        rank = Case(When(exact, then=Value(0)), When(prefix, then=Value(1)), default=Value(2))
        qs = qs.annotate(match_rank=rank).order_by("match_rank", by)
    elif base is None:
        qs = qs.order_by(by)
    if base is None and model is Actor:
        qs = qs.prefetch_related("aliases")
    return qs


def predictions_for(*, task_id: int, user) -> list[Prediction]:
    """The task's suggestions with this user's own decision (never another annotator's) as `.my_decision`."""
    mine = PredictionDecision.objects.filter(prediction=OuterRef("pk"), annotator=user).values("decision")[:1]
    return list(
        Prediction.objects.filter(task_id=task_id)
        .select_related("actor", "claim", "stance")
        .annotate(my_decision=Subquery(mine))
        .order_by("kind", "-score", "id")
    )


def progress_for_annotator(*, user, project: Project | None = None, project_id: int | None = None) -> dict:
    """{done, skipped, remaining} for the annotator's own queue.

    done: tasks this annotator submitted (skips do not count). skipped: tasks they skipped.
    remaining: open tasks they have neither submitted nor skipped (an upper bound on what is left for
    them, since others may complete some first). The workspace payload reports the same figures.
    """
    project_id = project.pk if project is not None else project_id
    with connection.cursor() as cur:
        cur.execute(
            PROGRESS_SQL.format(asg=Assignment._meta.db_table, task=Task._meta.db_table, project="%s"),
            [user.pk, project_id],
        )
        return progress_figures(*cur.fetchone(), project_id)


def project_progress(*, project: Project, user, role: str | None) -> dict:
    k = project.annotators_per_task
    totals = Task.objects.filter(project=project).aggregate(
        total=Count("pk"),
        complete=Count("pk", filter=Q(is_complete=True)),
        wanted=Sum(Coalesce("target_annotators", Value(k))),  # each task's k (the bulk action may set it)
    )
    submitted = Annotation.objects.filter(task__project=project, status=Annotation.Status.SUBMITTED).count()
    rows = (
        Annotation.objects.filter(task__project=project)
        .values("annotator_id", "annotator__username")
        .annotate(
            submitted=Count("pk", filter=Q(status=Annotation.Status.SUBMITTED)),
            skipped=Count("pk", filter=Q(status=Annotation.Status.SKIPPED)),
            drafts=Count("pk", filter=Q(status=Annotation.Status.DRAFT)),
        )
        .order_by("annotator__username")
    )
    if role not in (Role.MANAGER,):
        rows = rows.filter(annotator=user)
    per = [
        {
            "annotator": r["annotator_id"],
            "username": r["annotator__username"],
            "submitted": r["submitted"],
            "skipped": r["skipped"],
            "drafts": r["drafts"],
        }
        for r in rows
    ]
    return {
        "total": totals["total"],
        "complete": totals["complete"],
        "submitted_annotations": submitted,
        "needed_annotations": max((totals["wanted"] or 0) - submitted, 0),
        "wanted_annotations": totals["wanted"] or 0,
        "annotators_per_task": k,
        "per_annotator": per,
    }


def revisions_for(*, annotation: Annotation) -> QuerySet[AnnotationRevision]:
    return annotation.revisions.select_related("changed_by").order_by("changed_at", "id")


def projects_with_roles(*, user) -> QuerySet[Project]:
    roles = ProjectMembership.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]
    return (
        projects_for(user=user)
        .annotate(member_role=Subquery(roles))
        .prefetch_related("stance_labels", "corpora")
        .order_by("name")
    )
