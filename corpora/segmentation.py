"""Segmentation corrections by managers (writes): merge a paragraph with the next one, split one in two.

Offsets stay exact: ``article.text[p.start:p.end] == p.text`` for every paragraph after either
change, positions stay 0..n-1 without gaps. The paragraph that keeps its row (the first of a
merge, the first part of a split) keeps its id, tasks and annotations: its start does not move, so
spans inside it stay where they were. What would be lost is said first: merging deletes the second
paragraph with its tasks, and a split cuts the text annotations were made on; when any of these
has submitted annotations (asked of ``annotation`` through ``corpora.work``) the change raises
``WorkAtStake`` unless the caller confirms. Each change is a history record of the kept paragraph
(and of the new one of a split) with the reason and the user.
"""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from .models import Article, Paragraph
from .services.kind_corrections import _with_baseline_history
from .work import submitted_by_paragraph

_SHIFT = 1_000_000  # positions are moved out of the way first: the unique (article, position) is checked per row


@dataclass
class WorkAtStake(Exception):
    """The change would drop or cut submitted annotations; repeat it with ``confirm=True``."""

    submitted: int
    message: str

    def __str__(self) -> str:
        return self.message


def _shift_after(article: Article, position: int, delta: int) -> None:
    later = Paragraph.objects.filter(article=article, position__gt=position)
    later.update(position=F("position") + _SHIFT)
    Paragraph.objects.filter(article=article, position__gt=position + _SHIFT).update(
        position=F("position") - _SHIFT + delta
    )


def _who(user) -> str:
    return user.get_username() if user else "hand"


def _record(paragraph: Paragraph, user, reason: str) -> None:
    paragraph._history_user = user
    paragraph._change_reason = reason
    paragraph.kind_source = Paragraph.KindSource.MANUAL
    paragraph.kind_reason = reason[:200]


@transaction.atomic
def paragraphs_merge(*, paragraph: Paragraph, user, confirm: bool = False) -> Paragraph:
    """Merge ``paragraph`` with the next one of its article (a stray line break cut it in two).

    The merged paragraph spans both and the text between them, keeps the first one's row, kind,
    tasks and annotations; the second is deleted with its tasks.
    """
    first = Paragraph.objects.select_for_update().select_related("article").get(pk=paragraph.pk)
    second = (
        Paragraph.objects.select_for_update().filter(article_id=first.article_id, position=first.position + 1).first()
    )
    if second is None:
        raise ValidationError(
            {"paragraph": ["This is the article's last paragraph: there is nothing to merge it with."]}
        )
    lost = submitted_by_paragraph([second.pk]).get(second.pk, 0)
    if lost and not confirm:
        raise WorkAtStake(
            lost,
            f"Paragraph #{second.position} has {lost} submitted annotation(s) on its task(s); "
            "merging deletes that paragraph with its tasks and their annotations.",
        )
    _with_baseline_history([first])
    article = first.article
    first.end = second.end
    first.text = article.text[first.start : first.end]
    first.text_hash = hashlib.sha256(first.text.encode()).hexdigest()
    _record(first, user, f"merged with paragraph #{second.position} by {_who(user)}")
    second.delete()
    first.save(update_fields=["end", "text", "text_hash", "kind_source", "kind_reason"])
    _shift_after(article, first.position, -1)
    return first


@transaction.atomic
def paragraph_split(*, paragraph: Paragraph, at: int, user, confirm: bool = False) -> tuple[Paragraph, Paragraph]:
    """Split ``paragraph`` at character ``at`` of its text into two paragraphs (whitespace around the
    cut goes to neither). The first part keeps the row, kind, tasks and annotations; the second is
    a new paragraph of the same kind (a task sync gives it a task when its kind is wanted)."""
    first = Paragraph.objects.select_for_update().select_related("article").get(pk=paragraph.pk)
    head, tail = first.text[:at], first.text[at:]
    if not 0 < at < len(first.text) or not head.strip() or not tail.strip():
        raise ValidationError(
            {"at": [f"Split inside the text: between 1 and {len(first.text) - 1}, with words on both sides."]}
        )
    at_stake = submitted_by_paragraph([first.pk]).get(first.pk, 0)
    if at_stake and not confirm:
        raise WorkAtStake(
            at_stake,
            f"Paragraph #{first.position} has {at_stake} submitted annotation(s); they stay "
            "with the first part, and statements marked in the second part would point "
            "past its end.",
        )
    _with_baseline_history([first])
    article = first.article
    old_end = first.end
    first.end = first.start + len(head.rstrip())
    first.text = article.text[first.start : first.end]
    second_start = first.start + at + (len(tail) - len(tail.lstrip()))
    _shift_after(article, first.position, +1)
    reason = f"split at character {at} by {_who(user)}"
    first.text_hash = hashlib.sha256(first.text.encode()).hexdigest()
    _record(first, user, reason)
    first.save(update_fields=["end", "text", "text_hash", "kind_source", "kind_reason"])
    text = article.text[second_start:old_end]
    second = Paragraph(
        article=article,
        position=first.position + 1,
        kind=first.kind,
        start=second_start,
        end=old_end,
        text=text,
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
        language=first.language,
        is_repeated=False,
    )
    _record(second, user, reason)
    second.save()
    return first, second
