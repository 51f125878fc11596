"""Who may read and change which corpus. The API, the pages and other apps ask here.

A user may read a corpus they own, one shared with them (``Corpus.shared_with``), or one used by a
project they manage; a superuser reads every corpus. Changing a corpus (uploads, kind corrections,
"comments from here") also needs the user to manage every project that uses it, since each of
those projects' tasks follow the change. Unreadable corpora answer 404, as if they did not exist.

Projects live in the ``annotation`` app, which this app must not import: it registers a
``ProjectScope`` in its ``AppConfig.ready()``. Without one (this app alone) no project uses a corpus.
"""

from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Article, Corpus, ImportJob, Paragraph


@dataclass(frozen=True)
class UsingProject:
    """A project whose tasks come from a corpus, and whether the asking user manages it."""

    id: int
    name: str
    managed: bool


class ProjectScope(Protocol):
    def managed_corpus_ids(self, user) -> QuerySet:
        """Ids (a values_list queryset) of corpora used by projects `user` manages."""

    def projects_using(self, *, corpus_id: int, user) -> list[UsingProject]:
        """The projects that use the corpus, by name."""


class _NoProjects:
    def managed_corpus_ids(self, user) -> QuerySet:
        return Corpus.objects.none().values_list("pk", flat=True)

    def projects_using(self, *, corpus_id: int, user) -> list[UsingProject]:
        return []


_scope: ProjectScope = _NoProjects()


def register_project_scope(scope: ProjectScope) -> None:
    global _scope
    _scope = scope


def corpora_readable_by(*, user) -> QuerySet[Corpus]:
    if not user or not user.is_authenticated:
        return Corpus.objects.none()
    if user.is_superuser:
        return Corpus.objects.all()
    return Corpus.objects.filter(
        Q(owner=user) | Q(shared_with=user) | Q(pk__in=_scope.managed_corpus_ids(user))
    ).distinct()


def _one_or_404(queryset, pk, what: str):
    found = queryset.filter(pk=_as_id(pk)).first()
    if found is None:
        raise Http404(f"No such {what}.")
    return found


def corpus_readable(*, user, corpus_id) -> Corpus:
    """The corpus, or 404 when it does not exist or `user` may not read it."""
    return _one_or_404(corpora_readable_by(user=user), corpus_id, "corpus")


def article_readable(*, user, article_id) -> Article:
    return _one_or_404(
        Article.objects.select_related("corpus").filter(corpus__in=corpora_readable_by(user=user)),
        article_id,
        "article",
    )


def paragraph_readable(*, user, paragraph_id) -> Paragraph:
    return _one_or_404(paragraphs_readable_by(user=user).select_related("article"), paragraph_id, "paragraph")


def import_job_readable(*, user, job_id) -> ImportJob:
    return _one_or_404(
        ImportJob.objects.select_related("corpus").filter(corpus__in=corpora_readable_by(user=user)), job_id, "import"
    )


def paragraphs_readable_by(*, user) -> QuerySet[Paragraph]:
    return Paragraph.objects.filter(article__corpus__in=corpora_readable_by(user=user))


def projects_using(*, corpus: Corpus | int, user) -> list[UsingProject]:
    corpus_id = corpus.pk if isinstance(corpus, Corpus) else corpus
    return _scope.projects_using(corpus_id=corpus_id, user=user)


def may_change(*, user, projects: list[UsingProject]) -> bool:
    """Given the projects using a corpus the user may read: may they change it?"""
    return bool(user.is_superuser or all(p.managed for p in projects))


def corpus_change_check(*, user, corpus: Corpus | int) -> list[UsingProject]:
    """The projects a change to `corpus` affects; 403 unless `user` manages every one of them.

    Call it on a corpus `user` may read (a foreign corpus is a 404 before this).
    """
    projects = projects_using(corpus=corpus, user=user)
    if not may_change(user=user, projects=projects):
        others = ", ".join(p.name for p in projects if not p.managed)
        raise PermissionDenied(
            f"This corpus is also used by projects you do not manage ({others}); "
            "only someone who manages every project using it may change it."
        )
    return projects


def _as_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such id.") from None
