"""The portable ORM row path (used on the SQLite demo) yields exactly what the PostgreSQL COPY path
yields, so demo exports hold the same data."""

import pytest
from django.db import transaction

from exports.services.dataset.stream import (
    RowFilters,
    _orm_label_counts,
    _orm_rows,
    article_label_counts,
    stream_paragraph_rows,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("adjudicated_only", [False, True])
def test_the_orm_path_matches_the_copy_path(project, annotated, adjudicated_only):
    f = RowFilters(project_id=project.pk, adjudicated_only=adjudicated_only)
    with transaction.atomic():
        fast = list(stream_paragraph_rows(f, annotations=True, predictions=True))
    portable = list(_orm_rows(f, annotations=True, predictions=True))
    assert fast == portable and len(fast) == (1 if adjudicated_only else 12)
    counts, units = article_label_counts(f)
    orm_counts, orm_units = _orm_label_counts(f)
    assert units == orm_units and counts.keys() == orm_counts.keys()
    for aid in counts:
        assert counts[aid] == pytest.approx(orm_counts[aid])
