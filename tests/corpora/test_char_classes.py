"""Per-paragraph character counts with numpy (corpora/char_classes.py) equal the regular expressions
and ``str.split`` they replace, on every corpus paragraph and on characters chosen to differ."""

import pytest

from corpora import kind_features as features
from corpora.char_classes import char_class, paragraph_counts
from tests.corpora.test_word_patterns import corpus_paragraphs

ODD = [
    "١٢٣ Arabic-Indic digits ٣",
    "² superscript ½ fraction Ⅻ roman",
    "snake_case __init__ _",
    "emoji 😀👍🏽 ok",
    "𝐁𝐨𝐥𝐝 math letters 𝟏𝟐",
    "lone \udc80 surrogate",
    "no-break\u00a0space\u2009thin\u3000ideographic",
    "line\u2028separator\x1c\x1d\x1e\x1f",
    "中文评论 コメント Комментарии",
    "ǅ titlecase Ǆ ǆ",
    "ʼapostrophe ɐ ɏ ɐ",
    "x",
    "  ",
    "\t\n",
    "İstanbul ß ẞ",
    "ﬁ ligature",
    "Ⓐ circled",
    "ℕ ℤ",
    "\u0301combining",
    "🅰 🇩🇪",
]


def reference(text: str) -> dict[str, int]:
    split = text.split()
    return {
        "digits": len(features._DIGIT.findall(text)),
        "punct": len(features._PUNCT.findall(text)),
        "non_latin": len(features._NON_LATIN.findall(text)),
        "words": len(split),
        "upper_words": sum(1 for w in split if w[:1].isupper()),
    }


@pytest.mark.parametrize("group", ["odd", "corpus"])
def test_counts_equal_the_regular_expressions(group):
    texts = ODD if group == "odd" else corpus_paragraphs()
    for chunk in [texts[i : i + 37] for i in range(0, len(texts), 37)]:  # articles of 37 paragraphs
        got = paragraph_counts(chunk)
        for i, text in enumerate(chunk):
            assert {name: int(values[i]) for name, values in got.items()} == reference(text), text
    if group == "odd":
        assert reference(ODD[0])["digits"] == 4 and reference(ODD[3])["punct"] >= 3


def test_every_basic_plane_character_is_classified_as_the_regular_expressions_do():
    for code in range(0x10000):
        ch = chr(code)
        bits = char_class(ch)
        assert bool(bits & 1) == bool(features._DIGIT.match(ch)), hex(code)
        assert bool(bits & 2) == bool(features._PUNCT.match(ch)), hex(code)
        assert bool(bits & 4) == bool(features._NON_LATIN.match(ch)), hex(code)
        assert bool(bits & 8) == (ch.split() == []), hex(code)


def test_no_paragraphs_no_counts():
    assert all(len(v) == 0 for v in paragraph_counts([]).values())
