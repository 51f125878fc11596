"""The managers' task browser: a project's tasks, filtered, sorted and paged by keyset.

Keyset, not OFFSET: a page is "the next `size` rows after (sort value, id) of the last row seen",
so page 2,000 costs what page 1 costs. Every sort is (column, id) and has its index
(task_browse_by_order / _by_submitted / _by_id, migration 0009; task_browse_by_disagreement, migration
0010); the disagreement filter is a range on the same stored Task.disagreement. Disagreement is NULL
below two submissions: in either direction those tasks come after every task that has one, by id in
the sort's direction, read as a second keyset segment (IS NULL, id) on the same index. Filters on related rows are
EXISTS probes on indexed columns (annotation (task, annotator) and (task, status), prediction set
(task, ...), adjudication (task), assignment (task, annotator)). The cursor is opaque to clients:
base64url of the JSON [value, id] of the last row; a cursor that does not decode is a BadQuery.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from ..models import Adjudication, Annotation, Assignment, PredictionSet, Project, Task

# public sort name -> Task column
SORTS = {"order": "order", "submitted": "submitted_count", "id": "id", "disagreement": "disagreement"}
NULLABLE = {"disagreement"}  # columns whose NULLs sort last in both directions
SORT_CHOICES = [*SORTS, *(f"-{s}" for s in SORTS)]
STATUSES = ("open", "in_progress", "complete", "closed")
EXCERPT_CHARS = 160


class BadQuery(ValueError):
    """A filter, sort or cursor the browser cannot use (the API answers 400)."""


@dataclass(frozen=True)
class TaskQuery:
    status: str | None = None
    annotator: int | None = None
    submissions: int | None = None
    submissions_min: int | None = None
    submissions_max: int | None = None
    skipped: bool | None = None
    prelabels: bool | None = None
    adjudicated: bool | None = None
    sent_to_adjudication: bool | None = None
    article: int | None = None
    kind: str | None = None
    disagreement_min: float | None = None
    disagreement_max: float | None = None
    q: str = ""
    sort: str = "order"
    cursor: str | None = None
    size: int = 50


@dataclass
class TaskPage:
    rows: list[dict] = field(default_factory=list)
    next_cursor: str | None = None


def encode_cursor(value, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, pk]).encode()).decode().rstrip("=")


def _is_int(v, limit: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and abs(v) < limit


def decode_cursor(cursor: str, column: str = "order") -> tuple[int | float | None, int]:
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise BadQuery("cursor: not a cursor this list gave out.") from None
    # order is a bigint, ids are ints, disagreement a number in [0, 1] or null: anything else cannot be
    # ours (and PostgreSQL would refuse it)
    if column in NULLABLE:
        ok_value = value is None or (isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1)
    else:
        ok_value = _is_int(value, 2**63)
    if not (ok_value and _is_int(pk, 2**31)):
        raise BadQuery("cursor: not a cursor this list gave out.")
    return value, pk


def _exists(model, **lookups) -> Exists:
    return Exists(model.objects.filter(task=OuterRef("pk"), **lookups))


def _yes_no(qs: QuerySet, flag: bool | None, condition) -> QuerySet:
    if flag is None:
        return qs
    return qs.filter(condition) if flag else qs.filter(~condition)


def task_filtered(*, project: Project, query: TaskQuery) -> QuerySet[Task]:
    """The project's tasks matching every filter of `query` (unordered)."""
    qs = Task.objects.filter(project=project)
    if query.status:
        live = _exists(Assignment, status=Assignment.Status.ACTIVE, expires_at__gt=timezone.now())
        qs = {
            "complete": qs.filter(is_complete=True),
            "in_progress": qs.filter(live, is_complete=False),
            "open": qs.filter(~live, is_complete=False, closed_at__isnull=True),
            "closed": qs.filter(closed_at__isnull=False),
        }[query.status]
    if query.annotator is not None:
        qs = qs.filter(_exists(Annotation, annotator_id=query.annotator))
    if query.submissions is not None:
        qs = qs.filter(submitted_count=query.submissions)
    if query.submissions_min is not None:
        qs = qs.filter(submitted_count__gte=query.submissions_min)
    if query.submissions_max is not None:
        qs = qs.filter(submitted_count__lte=query.submissions_max)
    qs = _yes_no(qs, query.skipped, _exists(Annotation, status=Annotation.Status.SKIPPED))
    qs = _yes_no(qs, query.prelabels, _exists(PredictionSet))
    qs = _yes_no(qs, query.adjudicated, _exists(Adjudication))
    qs = _yes_no(qs, query.sent_to_adjudication, Q(adjudication_requested_at__isnull=False))
    if query.article is not None:
        qs = qs.filter(paragraph__article_id=query.article)
    if query.kind:
        qs = qs.filter(paragraph__kind=query.kind)
    # Task.disagreement is stored (services.disagreement) and indexed; tasks below two submissions have none
    if query.disagreement_min is not None:
        qs = qs.filter(disagreement__gte=query.disagreement_min)
    if query.disagreement_max is not None:
        qs = qs.filter(disagreement__lte=query.disagreement_max)
    if query.q:
        qs = qs.filter(paragraph__text__icontains=query.q)
    return qs


def _after(qs: QuerySet, column: str, descending: bool, value, pk: int) -> QuerySet:
    if descending:  # (column, id) < (value, pk); the first term is a range the index serves
        return qs.filter(**{f"{column}__lte": value}).filter(Q(**{f"{column}__lt": value}) | Q(pk__lt=pk))
    return qs.filter(**{f"{column}__gte": value}).filter(Q(**{f"{column}__gt": value}) | Q(pk__gt=pk))


def task_page(*, project: Project, query: TaskQuery) -> TaskPage:
    """One page of the browser: rows with what the table shows, and the cursor of the next page."""
    if query.sort not in SORT_CHOICES:
        raise BadQuery(f"sort: one of {', '.join(SORT_CHOICES)}.")
    descending = query.sort.startswith("-")
    column = SORTS[query.sort.lstrip("-")]
    qs = task_filtered(project=project, query=query)
    cursor = decode_cursor(query.cursor, column) if query.cursor else None
    want = query.size + 1
    if column not in NULLABLE:
        rows = _rows(_after(qs, column, descending, *cursor) if cursor else qs, column, descending, want)
    else:  # segment 1: rows with a value; segment 2 (once 1 is used up): NULLs, by id
        rows = []
        if cursor is None or cursor[0] is not None:
            valued = qs.filter(**{f"{column}__isnull": False})
            rows = _rows(_after(valued, column, descending, *cursor) if cursor else valued, column, descending, want)
        if len(rows) < want:
            nulls = qs.filter(**{f"{column}__isnull": True})
            if cursor is not None and cursor[0] is None:
                nulls = nulls.filter(pk__lt=cursor[1]) if descending else nulls.filter(pk__gt=cursor[1])
            rows += _rows(nulls, "id", descending, want - len(rows))
    more = len(rows) > query.size
    rows = rows[: query.size]
    _decorate(rows, project)
    nxt = encode_cursor(rows[-1][column], rows[-1]["id"]) if more else None
    return TaskPage(rows=rows, next_cursor=nxt)


def _rows(qs: QuerySet, column: str, descending: bool, limit: int) -> list[dict]:
    sign = "-" if descending else ""
    return list(
        qs.order_by(f"{sign}{column}", f"{sign}id").values(
            "id",
            "order",
            "submitted_count",
            "is_complete",
            "adjudication_requested_at",
            "target_annotators",
            "closed_at",
            "disagreement",
            "paragraph_id",
            "paragraph__position",
            "paragraph__kind",
            "paragraph__article_id",
            "paragraph__article__title",
            excerpt=Substr("paragraph__text", 1, EXCERPT_CHARS),
        )[:limit]
    )


def _decorate(rows: list[dict], project: Project) -> None:
    """Annotators, pre-labels and gold of one page's tasks: three small queries on indexed task ids."""
    ids = [r["id"] for r in rows]
    people = defaultdict(list)
    for task_id, username, status in (
        Annotation.objects.filter(task_id__in=ids)
        .order_by("annotator__username")
        .values_list("task_id", "annotator__username", "status")
    ):
        people[task_id].append({"username": username, "status": status})
    prelabelled = set(PredictionSet.objects.filter(task_id__in=ids).values_list("task_id", flat=True))
    adjudicated = set(Adjudication.objects.filter(task_id__in=ids).values_list("task_id", flat=True))
    for r in rows:
        r["annotations"] = people.get(r["id"], [])
        r["skipped"] = sum(a["status"] == Annotation.Status.SKIPPED for a in r["annotations"])
        r["has_prelabels"] = r["id"] in prelabelled
        r["adjudicated"] = r["id"] in adjudicated
        r["k"] = r.pop("target_annotators") or project.annotators_per_task  # the task's own k, if set


def task_detail(*, task: Task) -> dict:
    """The per-task page: every annotation (any status) side by side with its statements and history,
    the pre-labels, and gold if any."""
    from .adjudication import adjudication_view  # gold, predictions and gold history, read one way

    view = adjudication_view(task=task)
    annotations = list(
        Annotation.objects.filter(task=task)
        .select_related("annotator")
        .prefetch_related("statements__actor", "statements__claim", "statements__stance", "revisions__changed_by")
        .order_by("annotator__username")
    )
    text = task.paragraph.text
    for a in annotations:
        a.statement_list = list(a.statements.all())
        for s in a.statement_list:
            s.surface = text[s.actor_start : s.actor_end] if s.actor_start is not None else ""
        a.revision_list = list(a.revisions.all())
    return {**view, "annotations": annotations}
