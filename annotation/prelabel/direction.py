"""Words that carry a stance's direction, and the sentences of a paragraph.

The stance classifier sees, besides the embeddings, a few counts taken from the sentence that
best matches the claim and from the whole paragraph: negations, reporting verbs, positive and
negative evaluative words, hedges, quotation marks and first-person words (the author's own voice).
The word lists are general English, not taken from any article.
"""

from __future__ import annotations

import re

import numpy as np

from .actors import REPORTING_VERBS

NEGATIONS = frozenset(
    """
not no never nor neither cannot can't won't don't doesn't didn't isn't aren't wasn't weren't hasn't haven't
shouldn't wouldn't couldn't without against hardly barely lack lacks lacking
""".split()
)
POSITIVE = frozenset(
    """
support supports supported supporting backs backed back endorse endorses endorsed welcome welcomes welcomed
praise praises praised favour favor favours favors favoured favored advocate advocates advocated
agree agrees agreed strengthen strengthens strengthened deepen deepens deepened boost boosts boosted
benefit benefits beneficial success successful win wins wise sensible right good better best strong
promote promotes promoted pursue pursues pursued embrace embraces embraced should must need needs
partnership cooperation cooperate ally allies friendship
""".split()
)
NEGATIVE = frozenset(
    """
oppose opposes opposed opposing reject rejects rejected condemn condemns condemned criticise criticises
criticised criticize criticizes criticized deny denies denied refuse refuses refused resist resists resisted
warn warns warned fail fails failed failure mistake wrong bad worse worst weak threat threatens danger
dangerous risk risks undermine undermines undermined sabotage sabotaged dismiss dismisses dismissed
doubt doubts doubtful unlikely limits limited limit oppose hostile rival rivalry sanction sanctions
""".split()
)
HEDGES = frozenset(
    """
may might could perhaps possibly reportedly allegedly apparently seems seem seemed likely unlikely suggest
suggests suggested probably arguably
""".split()
)
FIRST_PERSON = frozenset("i we our us my me ours".split())
_REPORTING = frozenset(REPORTING_VERBS) | frozenset("according".split())

_WORD = re.compile(r"[\w'’]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
N_DIRECTION = 9


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`; a text without an end mark is one sentence."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip() or not spans:
        spans.append((start, len(text)))
    return spans


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def direction_counts(text: str) -> np.ndarray:
    """Nine numbers for one text: shares of negations, positive, negative, hedging, reporting and
    first-person words, whether a negation sits within three words before an evaluative word, the
    number of quotation marks (capped), and the length in words (log)."""
    ws = words(text)
    n = max(len(ws), 1)
    flipped = 0
    for i, w in enumerate(ws):
        if (w in POSITIVE or w in NEGATIVE) and any(x in NEGATIONS for x in ws[max(0, i - 3) : i]):
            flipped += 1
    quotes = sum(text.count(q) for q in ('"', "“", "”"))
    return np.array(
        [
            sum(w in NEGATIONS for w in ws) / n,
            sum(w in POSITIVE for w in ws) / n,
            sum(w in NEGATIVE for w in ws) / n,
            sum(w in HEDGES for w in ws) / n,
            sum(w in _REPORTING for w in ws) / n,
            sum(w in FIRST_PERSON for w in ws) / n,
            min(flipped, 3) / 3.0,
            min(quotes, 6) / 6.0,
            np.log1p(len(ws)) / 5.0,
        ],
        dtype=np.float32,
    )
