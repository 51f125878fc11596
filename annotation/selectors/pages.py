"""Reads behind the server-rendered pages (home, project dashboard, registries).

Read-only: every write on these pages goes through the JSON API. Counts are plain aggregate queries
on indexed columns, so a dashboard over 100,000 tasks stays a handful of queries.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from ..models import Actor, Claim, PrelabelJob, Project, ProjectMembership, RegistryStatus, Role
from . import annotations as selectors

REGISTRY_PAGE_SIZE = 25


@dataclass(frozen=True)
class ProjectProgress:
    tasks: int
    complete_tasks: int
    submitted: int  # submitted annotations
    needed: int  # tasks x k

    @property
    def percent(self) -> int:
        return round(100 * min(self.submitted, self.needed) / self.needed) if self.needed else 0


@dataclass(frozen=True)
class AnnotatorProgress:
    done: int
    remaining: int
    skipped: int = 0

    @property
    def percent(self) -> int:
        total = self.done + self.remaining
        return round(100 * self.done / total) if total else 0


def project_progress(*, project: Project) -> ProjectProgress:
    figures = selectors.project_progress(project=project, user=None, role=Role.MANAGER)
    return ProjectProgress(
        tasks=figures["total"],
        complete_tasks=figures["complete"],
        submitted=figures["submitted_annotations"],
        needed=figures["wanted_annotations"],
    )


def annotator_progress(*, project: Project, user) -> AnnotatorProgress:
    """The same figures the workspace API reports: done = submitted (skips do not count, they are
    `skipped`); remaining = open tasks this user has neither submitted nor skipped (an upper bound,
    since others may complete some first)."""
    figures = selectors.progress_for_annotator(user=user, project=project)
    return AnnotatorProgress(done=figures["done"], remaining=figures["remaining"], skipped=figures["skipped"])


def project_members(*, project: Project) -> list[dict]:
    """Members with their role and their submitted / skipped / draft annotations, by role then name.

    The page is for managers and ML engineers, who may see every annotator's counts."""
    figures = selectors.project_progress(project=project, user=None, role=Role.MANAGER)
    counts = {row["annotator"]: row for row in figures["per_annotator"]}
    memberships = (
        ProjectMembership.objects.filter(project=project).select_related("user").order_by("role", "user__username")
    )
    empty = {"submitted": 0, "skipped": 0, "drafts": 0}
    return [
        {"membership": m, "user": m.user, "role": m.role, **{k: counts.get(m.user_id, empty)[k] for k in empty}}
        for m in memberships
    ]


def registry_counts(*, project: Project) -> dict:
    def by_status(model) -> dict:
        rows = model.objects.filter(project=project).values_list("status").annotate(n=Count("id"))
        return dict(rows)

    return {"actors": by_status(Actor), "claims": by_status(Claim)}


def prelabel_jobs_recent(*, project: Project, limit: int = 5) -> QuerySet[PrelabelJob]:
    return PrelabelJob.objects.filter(project=project).order_by("-created_at")[:limit]


def actor_page(*, project: Project, search: str = "", status: str = "", page: int | str = 1) -> Page:
    """Actors matching `search` in their name or an alias, with statement counts; proposed ones first.
    Merged entries show only when asked for by status, as in the API."""
    qs = Actor.objects.filter(project=project)
    qs = qs.filter(status=status) if status else qs.exclude(status=RegistryStatus.MERGED)
    if search:
        matching = (
            Actor.objects.filter(project=project)
            .filter(Q(name__icontains=search) | Q(aliases__alias__icontains=search))
            .values("pk")
        )
        qs = qs.filter(pk__in=matching)
    qs = (
        qs.annotate(n_statements=Count("statements", distinct=True))
        .select_related("merged_into")
        .prefetch_related("aliases")
        .order_by(_proposed_first(), "name")
    )
    return Paginator(qs, REGISTRY_PAGE_SIZE).get_page(page)


def claim_page(*, project: Project, search: str = "", status: str = "", page: int | str = 1) -> Page:
    qs = Claim.objects.filter(project=project)
    qs = qs.filter(status=status) if status else qs.exclude(status=RegistryStatus.MERGED)
    if search:
        qs = qs.filter(Q(text__icontains=search) | Q(category_code__iexact=search))
    qs = (
        qs.annotate(n_statements=Count("statements", distinct=True))
        .select_related("merged_into")
        .order_by(_proposed_first(), "text")
    )
    return Paginator(qs, REGISTRY_PAGE_SIZE).get_page(page)


def merge_targets(*, project: Project, kind: str) -> QuerySet:
    """Entries an entry may be merged into: everything not itself merged away."""
    model = Actor if kind == "actors" else Claim
    order = "name" if kind == "actors" else "text"
    return model.objects.filter(project=project).exclude(status=RegistryStatus.MERGED).order_by(order)


def _proposed_first() -> Case:
    return Case(When(status=RegistryStatus.PROPOSED, then=Value(0)), default=Value(1), output_field=IntegerField())
