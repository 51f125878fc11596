"""Word-list regular expressions written so that ``re`` can skip ahead (no Django).

``re`` finds a pattern like ``\\b(?:said|told|wrote)\\b`` by trying a full match at every position of
the text, because the leading ``\\b`` hides the alternatives' first letters from its search
optimiser. ``words_between_boundaries`` writes the same pattern as
``(?:s(?<!\\w.)aid|t(?<!\\w.)old|w(?<!\\w.)rote)\\b``: every alternative starts with its literal first
letter, so ``re`` scans for those letters only, and the lookbehind after it checks what ``\\b`` did
(the character before the letter is not a word character, or there is none). The alternatives keep
their order, so every search, match and findall gives the same result
(``tests/corpora/test_word_patterns.py`` compares both forms on the corpora). It pays only when the
alternatives start with few, rare letters (the pronouns of ``kinds.conversational_score``: I, m, y,
3.5 times faster); with many common first letters (the reporting verbs, the promo words) ``re``
stops at most letters and the ``\\b`` form is faster (measured 15 against 22 µs per paragraph).
"""

import re


def words_between_boundaries(alternatives: list[str], tail: str = r"\b", flags: int = 0) -> re.Pattern:
    """``\\b(?:a|b|...)`` + ``tail``, compiled in the fast form. Each alternative must start with a
    literal letter (not a class, group or escape)."""
    for alternative in alternatives:
        if not alternative[:1].isalpha() or alternative[1:2] in ("?", "*", "+", "{"):
            raise ValueError(f"an alternative must start with a literal letter: {alternative!r}")
    return re.compile("(?:" + "|".join(f"{a[0]}(?<!\\w.){a[1:]}" for a in alternatives) + ")" + tail, flags)


def slow_form(alternatives: list[str], tail: str = r"\b", flags: int = 0) -> re.Pattern:
    """The same pattern as written before (``\\b(?:a|b|...)`` + ``tail``): what the tests compare with."""
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")" + tail, flags)
