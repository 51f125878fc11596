"""Undo of "comments from here": put back the kinds a mark-comments call replaced.

article_mark_comments returns each changed paragraph's earlier {id, kind, kind_source, kind_reason};
the page sends that list back to undo. A paragraph changed again since (no longer the manual comment
the mark made) is left alone and counted as skipped, so an undo never overwrites a later correction.
Each restored paragraph gets a history record ("undo: comments from here"); bad input is refused as a
whole (ValidationError, nothing written).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from .models import Article, Paragraph
from .titles import article_title_from

MAX_RESTORE = 10_000
UNDO_REASON = "undo: comments from here"


def _clean(previous: Sequence[dict]) -> dict[int, dict]:
    if not previous:
        raise ValidationError({"paragraphs": ["Nothing to undo: the list of earlier kinds is empty."]})
    if len(previous) > MAX_RESTORE:
        raise ValidationError({"paragraphs": [f"At most {MAX_RESTORE} paragraphs at once."]})
    out = {}
    for i, row in enumerate(previous):
        if row["kind"] not in Paragraph.Kind.values:
            raise ValidationError({"paragraphs": [f"item {i}: unknown kind {row['kind']!r}."]})
        if row["kind_source"] not in Paragraph.KindSource.values:
            raise ValidationError({"paragraphs": [f"item {i}: unknown kind_source {row['kind_source']!r}."]})
        out[row["id"]] = row
    return out


@transaction.atomic
def article_kinds_restore(*, article: Article, previous: Sequence[dict], user) -> dict:
    """Restore the earlier kinds of `previous` ({id, kind, kind_source, kind_reason} each) on `article`.

    Returns {"restored": n, "skipped": n, "paragraph_ids": [...]}. Every id must be a paragraph of the
    article (otherwise a ValidationError and nothing changes)."""
    wanted = _clean(previous)
    rows = list(Paragraph.objects.select_for_update().filter(article=article, pk__in=list(wanted)).order_by("position"))
    missing = sorted(set(wanted) - {p.pk for p in rows})
    if missing:
        raise ValidationError({"paragraphs": [f"Not paragraphs of this article: {', '.join(map(str, missing))}."]})
    still_marked = [
        p for p in rows if p.kind == Paragraph.Kind.COMMENT and p.kind_source == Paragraph.KindSource.MANUAL
    ]
    for p in still_marked:
        row = wanted[p.pk]
        p.kind, p.kind_source, p.kind_reason = row["kind"], row["kind_source"], (row["kind_reason"] or "")[:200]
    if still_marked:
        bulk_update_with_history(
            still_marked,
            Paragraph,
            ["kind", "kind_source", "kind_reason"],
            default_user=user,
            default_change_reason=UNDO_REASON,
        )
        titles = [p for p in still_marked if p.kind == Paragraph.Kind.TITLE]
        if titles:
            article_title_from(titles[0])
    return {
        "restored": len(still_marked),
        "skipped": len(rows) - len(still_marked),
        "paragraph_ids": [p.pk for p in still_marked],
    }
