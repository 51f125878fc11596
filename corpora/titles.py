"""An article's title when its file has none, and when a paragraph is marked as its title by hand.

Import (corpora.preparation): the title line or metadata, else the first title-kind paragraph, else
fallback_title (the first body paragraph's opening words; never "Untitled"). A manager who later marks
a paragraph as the article's first title-kind paragraph makes it the title when the title was only
that stand-in (article_title_from); a title from the file itself is never replaced.
"""

from __future__ import annotations

from . import kinds as kind_rules
from .models import Article, Paragraph


def opening_words(text: str, limit: int = 120) -> str:
    """The first sentence of a paragraph, cut at a word before ``limit`` characters: a title of last resort."""
    sentence = text.split(". ")[0].strip()
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def fallback_title(paragraphs) -> str:
    """The stand-in title of an article with no title line and no title-kind paragraph: its first body
    paragraph's opening words (rows or Paragraph objects in order, each with .kind and .text)."""
    if not paragraphs:
        return ""
    first = next((p for p in paragraphs if p.kind == kind_rules.BODY), paragraphs[0])
    return opening_words(first.text)[:500]


def article_title_from(paragraph: Paragraph) -> Article:
    """After ``paragraph`` was marked title-kind: make it the article's title if it is the first
    title-kind paragraph and the title was a stand-in. Returns the article (locked, as saved)."""
    article = Article.objects.select_for_update().get(pk=paragraph.article_id)
    rows = list(article.paragraphs.order_by("position"))
    if any(p.kind == Paragraph.Kind.TITLE and p.position < paragraph.position for p in rows):
        return article
    # The stand-in the import made, whether this paragraph then counted as body or not.
    stand_ins = {""}
    for then in (Paragraph.Kind.BODY, Paragraph.Kind.TITLE):
        stand_ins.add(fallback_title([Paragraph(kind=then, text=p.text) if p.pk == paragraph.pk else p for p in rows]))
    if article.title in stand_ins:
        article.title = paragraph.text[:500]
        article.save(update_fields=["title"])
    return article
