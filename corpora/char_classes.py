"""Character counts of every paragraph of an article at once, with numpy (no Django).

``paragraph_counts(texts)`` gives, per paragraph, what the kind features used to find with one
regular expression (or one ``str.split``) per paragraph: decimal digits (``\\d``), punctuation
(``[^\\w\\s]``), letters outside Latin (``[^\\W\\d_\\u0000-\\u024F]``), whitespace-separated words
(``len(text.split())``) and words whose first character is upper case. The article's paragraphs are
joined with a newline, turned into one array of code points, looked up in a table of character
classes built from the same ``str`` predicates the ``re`` module uses for ``str`` patterns
(``\\d`` is ``isdecimal``, ``\\w`` is ``isalnum`` or ``_``, ``\\s`` is ``isspace``), and counted
per paragraph from cumulative sums. ``tests/corpora/test_char_classes.py`` checks it against the
regular expressions, and ``test_prepare_expected.py`` the features as a whole.
"""

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

DIGIT, PUNCT, NON_LATIN, SPACE, UPPER = 1, 2, 4, 8, 16
_TABLE_SIZE = 0x10000  # the Basic Multilingual Plane; rarer characters are classified one by one


def char_class(ch: str) -> int:
    word = ch.isalnum() or ch == "_"
    space = ch.isspace()
    decimal = ch.isdecimal()
    return (
        (DIGIT if decimal else 0)
        | (PUNCT if not word and not space else 0)
        | (NON_LATIN if word and ch != "_" and not decimal and ord(ch) > 0x24F else 0)
        | (SPACE if space else 0)
        | (UPPER if ch.isupper() else 0)
    )


@lru_cache(maxsize=1)
def _table() -> np.ndarray:
    return np.fromiter((char_class(chr(c)) for c in range(_TABLE_SIZE)), dtype=np.uint8, count=_TABLE_SIZE)


def classes(text: str) -> np.ndarray:
    """The class bits of every character of ``text``."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    out = _table().take(codes, mode="clip")  # beyond the table: the last entry, replaced below
    for i in np.flatnonzero(codes >= _TABLE_SIZE):
        out[i] = char_class(text[i])
    return out


NAMES = ("digits", "punct", "non_latin", "words", "upper_words")


def paragraph_counts(texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Per paragraph (int64 arrays): ``digits``, ``punct``, ``non_latin``, ``words``, ``upper_words``."""
    if not texts:
        return {name: np.zeros(0, dtype=np.int64) for name in NAMES}
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])  # each paragraph is followed by "\n"
    bits = classes("\n".join(texts))
    space = (bits & SPACE) != 0
    word_start = ~space
    word_start[1:] &= space[:-1]  # the first character of the joined text starts a word unless it is a space
    flags = np.vstack(
        [
            (bits & DIGIT) != 0,
            (bits & PUNCT) != 0,
            (bits & NON_LATIN) != 0,
            word_start,
            word_start & ((bits & UPPER) != 0),
        ]
    )
    # Sums from each paragraph's start to the next one's: the "\n" between them is a space, in no count.
    sums = np.add.reduceat(flags, starts, axis=1, dtype=np.int64)
    return dict(zip(NAMES, sums, strict=True))
