"""The projects side of corpus access (corpora/access.py asks here; registered in AnnotationConfig.ready)."""

from django.db.models import Exists, OuterRef, QuerySet

from corpora.access import UsingProject
from corpora.models import Corpus

from .models import Project, ProjectMembership, Role


class ProjectCorpusScope:
    """A corpus used by a project belongs to that project's managers."""

    def managed_corpus_ids(self, user) -> QuerySet:
        return Corpus.objects.filter(
            projects__memberships__user=user, projects__memberships__role=Role.MANAGER
        ).values_list("pk", flat=True)

    def projects_using(self, *, corpus_id: int, user) -> list[UsingProject]:
        manages = ProjectMembership.objects.filter(project=OuterRef("pk"), user=user, role=Role.MANAGER)
        rows = (
            Project.objects.filter(corpora=corpus_id)
            .annotate(managed=Exists(manages))
            .order_by("name")
            .values_list("pk", "name", "managed")
        )
        return [
            UsingProject(id=pk, name=name, managed=bool(managed or user.is_superuser)) for pk, name, managed in rows
        ]
