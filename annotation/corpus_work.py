"""The annotation side of corpora/work.py (registered in AnnotationConfig.ready)."""

from collections.abc import Iterable

from django.db.models import Count

from .models import Annotation


class SubmittedWork:
    """Submitted annotations per paragraph, over every project's tasks."""

    def submitted_by_paragraph(self, paragraph_ids: Iterable[int]) -> dict[int, int]:
        rows = (
            Annotation.objects.filter(task__paragraph_id__in=list(paragraph_ids), status=Annotation.Status.SUBMITTED)
            .values("task__paragraph_id")
            .annotate(n=Count("id"))
            .values_list("task__paragraph_id", "n")
        )
        return dict(rows)
