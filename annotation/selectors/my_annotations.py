"""Reads for going back: one annotator's own annotations in a project (the My annotations page and
`GET /api/projects/{pid}/my-annotations/`), and the task they finished before the current one.

Statuses shown are the annotation's own (draft, submitted, skipped) with "adjudicated" for a
submitted annotation whose task has gold, so the four are disjoint and each filter means one thing.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models import When as _When
from django.db.models.functions import Coalesce
from django.http import Http404

from ..models import Adjudication, Annotation, Assignment, Project, ProjectMembership, Role, Statement
from ..services.assignment import DONE_STATUSES, assignment_active_for
from ..services.edit_rules import refusal

STATUSES = ("draft", "submitted", "skipped", "adjudicated")
PAGE_SIZE = 25
EXCERPT_CHARS = 180
BEFORE_MATCH = 60


def my_annotation_ids(*, project_id: int, annotator_id: int, q: str = "", status: str = "") -> QuerySet:
    """Ids of the annotator's annotations in the project, most recently changed first (a light query to
    page through: the wide rows are read for one page only, by with_details). `q` matches the paragraph,
    the article title, and the claims and actors of the annotation's statements (case-insensitive)."""
    qs = Annotation.objects.filter(annotator_id=annotator_id, task__project_id=project_id)
    if status:
        gold = Exists(Adjudication.objects.filter(task=OuterRef("task")))
        if status == "adjudicated":
            qs = qs.filter(gold, status=Annotation.Status.SUBMITTED)
        elif status == Annotation.Status.SUBMITTED:
            qs = qs.filter(~gold, status=status)
        else:
            qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        in_statements = Statement.objects.filter(annotation=OuterRef("pk")).filter(
            Q(claim__text__icontains=q) | Q(actor__name__icontains=q)
        )
        qs = qs.filter(
            Q(task__paragraph__text__icontains=q)
            | Q(task__paragraph__article__title__icontains=q)
            | Exists(in_statements)
        )
    return qs.order_by("-updated_at", "-id").values_list("pk", flat=True)


def with_details(ids) -> list[Annotation]:
    """The annotations of `ids`, in that order, with their task, paragraph, article and project, and
    `adjudicated`, `shown_status` and `n_statements`."""
    ids = list(ids)
    count = (
        Statement.objects.filter(annotation=OuterRef("pk")).order_by().values("annotation").annotate(n=Count("pk"))
    ).values("n")
    rows = (
        Annotation.objects.filter(pk__in=ids)
        .annotate(
            adjudicated=Exists(Adjudication.objects.filter(task=OuterRef("task"))),
            n_statements=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        )
        .annotate(
            shown_status=Case(
                _When(status=Annotation.Status.SUBMITTED, adjudicated=True, then=Value("adjudicated")),
                default=F("status"),
                output_field=CharField(),
            )
        )
        .select_related("task__paragraph__article", "task__project")
    )
    by_id = {a.pk: a for a in rows}
    return [by_id[i] for i in ids if i in by_id]


def my_annotations(**filters) -> list[Annotation]:
    """Every matching annotation with its details (for short lists; pages use the two steps)."""
    return with_details(my_annotation_ids(**filters))


@dataclass(frozen=True)
class Excerpt:
    """The paragraph shortened for a list: `before` + `match` + `after` (match empty without a hit)."""

    before: str
    match: str
    after: str


def excerpt(text: str, q: str = "") -> Excerpt:
    """A window of the paragraph around the first hit of `q`, or its opening when there is none."""
    at = text.lower().find(q.strip().lower()) if q.strip() else -1
    if at < 0:
        cut = text[:EXCERPT_CHARS]
        return Excerpt(cut + ("…" if len(text) > EXCERPT_CHARS else ""), "", "")
    end = at + len(q.strip())
    start = max(0, at - BEFORE_MATCH)
    stop = min(len(text), max(end, start + EXCERPT_CHARS))
    return Excerpt(
        ("…" if start else "") + text[start:at], text[at:end], text[end:stop] + ("…" if stop < len(text) else "")
    )


def open_refusal(annotation: Annotation) -> str | None:
    """Why the annotator cannot open this annotation again (None: they can try; room is checked then)."""
    if annotation.status == Annotation.Status.SUBMITTED:
        return refusal(allow_reopen=annotation.task.project.allow_reopen, adjudicated=annotation.adjudicated)
    if annotation.task.is_complete:
        return "This paragraph has all its annotations now."
    return None


def my_annotation_row(annotation: Annotation, q: str = "") -> dict:
    """One list row, in the API's MyAnnotation shape (the page renders the same dict)."""
    paragraph = annotation.task.paragraph
    article = paragraph.article
    refused = open_refusal(annotation)
    return {
        "annotation": annotation.pk,
        "task": annotation.task_id,
        "status": annotation.shown_status,
        "no_statement": annotation.no_statement,
        "statements": annotation.n_statements,
        "article": {"id": article.pk, "title": str(article)},
        "paragraph": {"id": paragraph.pk, "position": paragraph.position},
        "excerpt": vars(excerpt(paragraph.text, q)),
        "updated_at": annotation.updated_at,
        "submitted_at": annotation.submitted_at,
        "can_open": refused is None,
        "open_refusal": refused,
    }


def previous_annotation(*, user, project: Project) -> Annotation | None:
    """The annotation of the task the annotator finished (submitted or skipped) before the current one.

    Current: the lease next-task would resume (none: everything finished comes before). Finished
    tasks are ordered by when they were first finished, so going back twice walks further back.
    """
    current = assignment_active_for(user=user, project=project)
    finished = Assignment.objects.filter(
        annotator=user, task__project=project, status__in=DONE_STATUSES, finished_at__isnull=False
    )
    if current is not None:
        finished = finished.exclude(task_id=current.task_id)
        if current.finished_at is not None:
            finished = finished.filter(
                Q(finished_at__lt=current.finished_at) | Q(finished_at=current.finished_at, pk__lt=current.pk)
            )
    task_id = finished.order_by("-finished_at", "-pk").values_list("task_id", flat=True).first()
    if task_id is None:
        return None
    return Annotation.objects.filter(task_id=task_id, annotator=user).first()


READ_OTHERS_ROLES = (Role.MANAGER, Role.ML_ENGINEER)


def list_owner(*, user, project: Project, role: str, annotator_id: int | None):
    """Whose list `user` asks for: their own by default; another member's only for managers and ML
    engineers (PermissionDenied for annotators; Http404 for someone not in the project)."""
    if annotator_id is None or annotator_id == user.pk:
        return user
    if role not in READ_OTHERS_ROLES:
        raise PermissionDenied("Annotators see only their own annotations.")
    member = ProjectMembership.objects.filter(project=project, user_id=annotator_id).select_related("user").first()
    if member is None:
        raise Http404("No such member of this project.")
    return member.user


def annotators_of(*, project: Project) -> QuerySet[ProjectMembership]:
    """Members who have annotations in the project, for the managers' picker."""
    return (
        ProjectMembership.objects.filter(project=project, user__annotations__task__project=project)
        .select_related("user")
        .distinct()
        .order_by("user__username")
    )
