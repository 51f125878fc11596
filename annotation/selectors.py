"""Reads for the annotation API and pages. Blind annotation is enforced here: an annotator's
querysets only ever hold their own annotations, statements and decisions."""

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from corpora.models import Article, Paragraph

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


def registry_list(*, model, project: Project | None, search: str | None = None, status: str | None = None,
                  include_merged: bool = False, base: QuerySet | None = None) -> QuerySet:
    """Actors or claims of a project (or a narrower `base`), by name. Merged entries are hidden unless
    `include_merged` or asked for by `status`. Actor search also matches aliases and the external id."""
    qs = base if base is not None else model.objects.filter(project=project)
    if status:
        qs = qs.filter(status=status)
    elif base is None and not include_merged:
        qs = qs.exclude(status=RegistryStatus.MERGED)
    if search and search.strip():
        search = search.strip()
        if model is Actor:
            alias_hit = Exists(ActorAlias.objects.filter(actor=OuterRef("pk"), normalized__icontains=search.lower()))
            qs = qs.filter(Q(name__icontains=search) | Q(external_id__iexact=search) | alias_hit)
        else:
            qs = qs.filter(Q(text__icontains=search) | Q(category_code__iexact=search))
    if base is None and model is Actor:
        qs = qs.prefetch_related("aliases")
    return qs.order_by("name" if model is Actor else "text") if base is None else qs


def predictions_for(*, task_id: int, user) -> list[Prediction]:
    """The task's suggestions with this user's own decision (never another annotator's) as `.my_decision`."""
    mine = PredictionDecision.objects.filter(prediction=OuterRef("pk"), annotator=user).values("decision")[:1]
    return list(Prediction.objects.filter(task_id=task_id).select_related("actor", "claim", "stance")
                .annotate(my_decision=Subquery(mine)).order_by("kind", "-score", "id"))


def progress_for_annotator(*, user, project: Project | None = None, project_id: int | None = None) -> dict:
    """{done, remaining} for the annotator's own queue.

    done: tasks this annotator submitted or skipped. remaining: open tasks they have not finished
    (an upper bound on what is left for them, since others may complete some first).
    """
    project_id = project.pk if project is not None else project_id
    with connection.cursor() as cur:
        cur.execute(f"""SELECT count(*), count(*) FILTER (WHERE NOT t.is_complete)
                        FROM {Assignment._meta.db_table} a JOIN {Task._meta.db_table} t ON t.id = a.task_id
                        WHERE a.annotator_id = %s AND a.status IN ('submitted', 'skipped') AND t.project_id = %s""",
                    [user.pk, project_id])
        done, done_open = cur.fetchone()
    # Counting 100,000 open tasks on every next-task costs more than the claim itself; a few seconds
    # of staleness in a progress figure is fine (per-process cache).
    open_tasks = cache.get_or_set(f"standpoint:open-tasks:{project_id}",
                                  lambda: Task.objects.filter(project_id=project_id, is_complete=False).count(),
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


_WORKSPACE_SQL = """
SELECT t.id, t."order", t.uncertainty, t.project_id,
       p.id, p.text, p.position, p.kind,
       ar.id, ar.title, ar.author, ar.published, ar.source_url,
       (SELECT x.text FROM {par} x WHERE x.article_id = p.article_id AND x.position = p.position - 1),
       (SELECT x.text FROM {par} x WHERE x.article_id = p.article_id AND x.position = p.position + 1),
       an.id, an.status, an.no_statement, an.time_spent_ms, an.revision, an.created_at, an.updated_at,
       an.submitted_at,
       EXISTS (SELECT 1 FROM {pred} pr WHERE pr.task_id = t.id)
FROM {task} t
JOIN {par} p ON p.id = t.paragraph_id
JOIN {art} ar ON ar.id = p.article_id
LEFT JOIN {ann} an ON an.task_id = t.id AND an.annotator_id = %s
WHERE t.id = %s"""


def workspace_get(*, assignment: Assignment, user) -> dict:
    """Everything the annotator's page needs for one leased task.

    One plain SQL read for task, paragraph, article, neighbouring paragraphs and the draft (this runs
    on every next-task); statements and suggestions are read only when there are any.
    """
    tables = {"task": Task._meta.db_table, "par": Paragraph._meta.db_table, "art": Article._meta.db_table,
              "ann": Annotation._meta.db_table, "pred": Prediction._meta.db_table}
    with connection.cursor() as cur:
        cur.execute(_WORKSPACE_SQL.format(**tables), [assignment.annotator_id, assignment.task_id])
        row = cur.fetchone()
    (task_id, order, uncertainty, project_id, pid, text, position, kind, aid, title, author, published, url,
     previous, following, ann_id, status, no_statement, spent, revision, created, updated, submitted,
     has_predictions) = row
    annotation = None
    if ann_id is not None:
        # Every write bumps the revision, so a revision-0 draft has no statements: no query needed.
        statements = [] if revision == 0 else list(
            Statement.objects.filter(annotation_id=ann_id).select_related("actor", "claim", "stance")
            .order_by("position", "id"))
        annotation = {"id": ann_id, "task": task_id, "annotator": assignment.annotator_id, "status": status,
                      "no_statement": bool(no_statement), "time_spent_ms": spent, "revision": revision,
                      "created_at": created, "updated_at": updated, "submitted_at": submitted,
                      "statements": statements}
    return {
        "assignment": assignment,
        "task": {"id": task_id, "order": order, "uncertainty": uncertainty, "project_id": project_id},
        "article": {"id": aid, "title": title, "author": author, "published": published, "source_url": url},
        "paragraph": {"id": pid, "text": text, "position": position, "kind": kind},
        "context": {"previous": previous, "next": following},
        "annotation": annotation,
        "predictions": predictions_for(task_id=task_id, user=user) if has_predictions else [],
        "progress": progress_for_annotator(user=user, project_id=project_id),
    }


def revisions_for(*, annotation: Annotation) -> QuerySet[AnnotationRevision]:
    return annotation.revisions.select_related("changed_by").order_by("changed_at", "id")


def projects_with_roles(*, user) -> QuerySet[Project]:
    roles = ProjectMembership.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]
    return (projects_for(user=user).annotate(member_role=Subquery(roles))
            .prefetch_related("stance_labels", "corpora").order_by("name"))

