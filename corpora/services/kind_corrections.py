"""Managers' corrections of paragraph kinds (kept in the paragraphs' history)."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from ..models import Article, Paragraph
from ..titles import article_title_from


def _with_baseline_history(paragraphs: Sequence[Paragraph]) -> None:
    """Give paragraphs that have no history yet a first record holding their detected kind.

    Import writes no history rows (that would double its cost); the first manual change then
    still shows what the detector had said.
    """
    ids = [p.pk for p in paragraphs]
    known = set(Paragraph.history.filter(id__in=ids).values_list("id", flat=True).distinct())
    missing = [p for p in paragraphs if p.pk not in known]
    if missing:
        for p in missing:
            p._history_user = None  # the detector, not whoever is logged in now
        Paragraph.history.bulk_history_create(
            missing, default_change_reason="detected at import", default_date=missing[0].article.created_at
        )
        for p in missing:
            del p._history_user


def _check_kind(kind: str) -> None:
    if kind not in Paragraph.Kind.values:
        raise ValidationError({"kind": [f"Unknown kind {kind!r}; use one of {', '.join(Paragraph.Kind.values)}."]})


@transaction.atomic
def paragraph_kind_set(*, paragraph: Paragraph, kind: str, user) -> Paragraph:
    """Set one paragraph's kind by hand (kind_source=manual); the change is kept in its history."""
    _check_kind(kind)
    paragraph = Paragraph.objects.select_for_update().select_related("article").get(pk=paragraph.pk)
    _with_baseline_history([paragraph])
    if paragraph.kind == kind and paragraph.kind_source == Paragraph.KindSource.MANUAL:
        return paragraph
    paragraph.kind = kind
    paragraph.kind_source = Paragraph.KindSource.MANUAL
    paragraph.kind_reason = f"set by {user.get_username()}" if user else "set by hand"
    paragraph._history_user = user
    paragraph.save(update_fields=["kind", "kind_source", "kind_reason"])
    if kind == Paragraph.Kind.TITLE:
        paragraph.article = article_title_from(paragraph)
    return paragraph


def article_mark_comments_from(*, article: Article, position: int, user) -> int:
    """Every paragraph of ``article`` from ``position`` to the end becomes a comment; how many changed."""
    return len(article_mark_comments(article=article, position=position, user=user))


@transaction.atomic
def article_mark_comments(*, article: Article, position: int, user) -> list[dict]:
    """Every paragraph of ``article`` from ``position`` to the end becomes a comment.

    Returns what each changed paragraph was before ({id, kind, kind_source, kind_reason}): the undo
    (corpora.kind_undo.article_kinds_restore) puts exactly that back. History: one record per changed
    paragraph.
    """
    paragraphs = list(
        Paragraph.objects.select_for_update()
        .select_related("article")
        .filter(article=article, position__gte=position)
        .order_by("position")
    )
    if not paragraphs:
        raise ValidationError({"position": [f"The article has no paragraph at position {position}."]})
    changed = [
        p for p in paragraphs if p.kind != Paragraph.Kind.COMMENT or p.kind_source != Paragraph.KindSource.MANUAL
    ]
    if not changed:
        return []
    before = [{"id": p.pk, "kind": p.kind, "kind_source": p.kind_source, "kind_reason": p.kind_reason} for p in changed]
    _with_baseline_history(changed)
    reason = f"comments from paragraph {position} on, set by {user.get_username() if user else 'hand'}"
    for p in changed:
        p.kind, p.kind_source, p.kind_reason = Paragraph.Kind.COMMENT, Paragraph.KindSource.MANUAL, reason[:200]
    bulk_update_with_history(
        changed,
        Paragraph,
        ["kind", "kind_source", "kind_reason"],
        default_user=user,
        default_change_reason="from here to the end are comments",
    )
    return before
