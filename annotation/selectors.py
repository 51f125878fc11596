"""Reads for the annotation API and pages. Blind annotation is enforced here: an annotator's
querysets only ever hold their own annotations, statements and decisions."""

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects

from corpora.models import Paragraph

from .access import projects_for
from .models import (Actor, ActorAlias, Annotation, AnnotationRevision, Assignment, Prediction, PredictionDecision,
                     Project, ProjectMembership, RegistryStatus, Role, Statement, Task)

READ_ALL_ROLES = (Role.MANAGER, Role.ML_ENGINEER)
OPEN_TASKS_CACHE_SECONDS = 5


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
    return (base.select_related("task")
            .prefetch_related(Prefetch("statements", queryset=stmts)).order_by("task_id", "annotator_id"))


def statements_visible_to(*, user) -> QuerySet[Statement]:
    return Statement.objects.filter(annotation__in=annotations_visible_to(user=user))


def registry_list(*, model, project: Project, search: str | None = None, status: str | None = None) -> QuerySet:
    """Actors or claims of a project. Merged entries are hidden unless asked for by status."""
    qs = model.objects.filter(project=project)
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status=RegistryStatus.MERGED)
    if search:
        search = search.strip()
        if model is Actor:
            alias_hit = Exists(ActorAlias.objects.filter(actor=OuterRef("pk"), normalized__icontains=search.lower()))
            qs = qs.filter(Q(name__icontains=search) | Q(external_id__iexact=search) | alias_hit)
        else:
            qs = qs.filter(Q(text__icontains=search) | Q(category_code__iexact=search))
    if model is Actor:
        qs = qs.prefetch_related("aliases")
    return qs.order_by("name" if model is Actor else "text")


def predictions_for(*, task_id: int, user) -> list[Prediction]:
    """The task's suggestions with this user's own decision (never another annotator's) as `.my_decision`."""
    mine = PredictionDecision.objects.filter(prediction=OuterRef("pk"), annotator=user).values("decision")[:1]
    return list(Prediction.objects.filter(task_id=task_id).select_related("actor", "claim", "stance")
                .annotate(my_decision=Subquery(mine)).order_by("kind", "-score", "id"))


def progress_for_annotator(*, user, project: Project) -> dict:
    """{done, remaining} for the annotator's own queue.

    done: tasks this annotator submitted or skipped. remaining: open tasks they have not finished
    (an upper bound on what is left for them, since others may complete some first).
    """
    finished = (Assignment.Status.SUBMITTED, Assignment.Status.SKIPPED)
    mine = Assignment.objects.filter(annotator=user, task__project=project, status__in=finished).aggregate(
        done=Count("pk"), done_open=Count("pk", filter=Q(task__is_complete=False)))
    done, done_open = mine["done"], mine["done_open"]
    # Counting 100,000 open tasks on every next-task costs more than the claim itself; a few seconds
    # of staleness in a progress figure is fine (per-process cache).
    open_tasks = cache.get_or_set(f"standpoint:open-tasks:{project.pk}",
                                  lambda: Task.objects.filter(project=project, is_complete=False).count(),
                                  OPEN_TASKS_CACHE_SECONDS)
    return {"done": done, "remaining": max(open_tasks - done_open, 0)}


def project_progress(*, project: Project, user, role: str | None) -> dict:
    totals = Task.objects.filter(project=project).aggregate(
        total=Count("pk"), complete=Count("pk", filter=Q(is_complete=True)))
    submitted = Annotation.objects.filter(task__project=project, status=Annotation.Status.SUBMITTED).count()
    rows = (Annotation.objects.filter(task__project=project).values("annotator_id", "annotator__username")
            .annotate(submitted=Count("pk", filter=Q(status=Annotation.Status.SUBMITTED)),
                      skipped=Count("pk", filter=Q(status=Annotation.Status.SKIPPED)),
                      drafts=Count("pk", filter=Q(status=Annotation.Status.DRAFT)))
            .order_by("annotator__username"))
    if role not in (Role.MANAGER,):
        rows = rows.filter(annotator=user)
    per = [{"annotator": r["annotator_id"], "username": r["annotator__username"], "submitted": r["submitted"],
            "skipped": r["skipped"], "drafts": r["drafts"]} for r in rows]
    k = project.annotators_per_task
    return {"total": totals["total"], "complete": totals["complete"], "submitted_annotations": submitted,
            "needed_annotations": max(totals["total"] * k - submitted, 0), "annotators_per_task": k,
            "per_annotator": per}


def workspace_get(*, assignment: Assignment, user) -> dict:
    """Everything the annotator's page needs for one leased task, in a handful of queries."""
    def neighbour(offset: int) -> Subquery:
        return Subquery(Paragraph.objects.filter(article_id=OuterRef("paragraph__article_id"),
                                                 position=OuterRef("paragraph__position") + offset)
                        .values("text")[:1])

    task = (Task.objects.select_related("paragraph__article", "project")
            .annotate(previous_text=neighbour(-1), next_text=neighbour(1)).get(pk=assignment.task_id))
    paragraph = task.paragraph
    annotation = Annotation.objects.filter(task=task, annotator=assignment.annotator_id).first()
    if annotation is not None and annotation.revision == 0:
        # Every write bumps the revision, so a revision-0 draft has no statements: skip that query.
        annotation._prefetched_objects_cache = {"statements": Statement.objects.none()}
    elif annotation is not None:
        prefetch_related_objects([annotation], Prefetch("statements", queryset=Statement.objects.select_related(
            "actor", "claim", "stance").order_by("position", "id")))
    return {
        "assignment": assignment, "task": task, "article": paragraph.article, "paragraph": paragraph,
        "context": {"previous": task.previous_text, "next": task.next_text},
        "annotation": annotation, "predictions": predictions_for(task_id=task.pk, user=user),
        "progress": progress_for_annotator(user=user, project=task.project),
    }


def revisions_for(*, annotation: Annotation) -> QuerySet[AnnotationRevision]:
    return annotation.revisions.select_related("changed_by").order_by("changed_at", "id")


def projects_with_roles(*, user) -> QuerySet[Project]:
    roles = ProjectMembership.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]
    return (projects_for(user=user).annotate(member_role=Subquery(roles))
            .prefetch_related("stance_labels", "corpora").order_by("name"))

