"""The fast form of a word-list pattern (corpora/word_patterns.py) and the informal-cue split of
``kinds.conversational_score`` find exactly what the patterns they replace found."""

import re
from collections import Counter

import pytest

from corpora import kind_patterns, kinds
from corpora.word_patterns import slow_form, words_between_boundaries
from tests.corpora.test_prepare_expected import corpus_files

OLD_INFORMAL = re.compile(
    r"^(?:yep|yes|no|nope|well|thanks|thank you|lol|ha+|agreed|exactly|oh|wow|sure|true|"
    r"me thinks|imo|imho|shh+)\b|^[>(–-]|…|\.\.\.|\. \. \.|!|\?",
    re.I,
)
TRICKY = [
    "I",
    "I’m here, I've been, Id I’d",
    "mine myself my me",
    "you're yours your you’ll",
    "xI Imy myI",
    "_I I_",
    "enemy army time you1 you_ 1you",
    "I'me",
    "I’",
    "I.I.I",
    "Yep... it is! Really?",
    "ha ha haaa. . .",
    "- no",
    "(well) thank you…",
    "shhh!",
    "nope?!",
    "Wellness",
    "yesterday",
    "Мой I ты you",
    "über you",
    "a\nI\nme",
    "IMO the U.S.",
    "me, Me, ME",
    "yoU",
]


def corpus_paragraphs() -> list[str]:
    from corpora.readers import read_source
    from corpora.splitting import split_paragraphs

    out = list(TRICKY)
    for path in corpus_files():
        for document in read_source(path.name, path.read_bytes()):
            out += [s.text for s in split_paragraphs(document.text)]
    return out


@pytest.fixture(scope="module")
def paragraphs():
    found = corpus_paragraphs()
    assert len(found) > 1000
    return found


def test_the_fast_pronoun_pattern_finds_what_the_boundary_pattern_found(paragraphs):
    slow = slow_form(kind_patterns.CONVERSATIONAL_WORDS)
    assert slow.pattern.startswith(r"\b(?:I|I[’']")
    hits = 0
    for text in paragraphs:
        assert kind_patterns._CONVERSATIONAL.findall(text) == slow.findall(text), text
        spans = [m.span() for m in kind_patterns._CONVERSATIONAL.finditer(text)]
        assert spans == [m.span() for m in slow.finditer(text)]
        hits += bool(slow.search(text))
    assert hits > 50  # the comparison saw matches, not only misses


def test_the_informal_cues_count_as_the_single_pattern_did(paragraphs):
    for text in paragraphs:
        start = kind_patterns._INFORMAL_START.match(text)
        split = (1 if start else 0) + len(kind_patterns._INFORMAL_ANYWHERE.findall(text, start.end() if start else 0))
        assert split == len(OLD_INFORMAL.findall(text)), text
    assert kinds.conversational_score("Yep, I think you are right!") == 3


def test_the_fast_form_refuses_alternatives_it_cannot_rewrite():
    for bad in (["[ab]c"], ["h+a"], [r"\dx"], ["(?:a|b)"]):
        with pytest.raises(ValueError):
            words_between_boundaries(bad)
    assert words_between_boundaries(["said", "told"]).findall("unsaid, she said; foretold, told") == ["said", "told"]


def test_the_footer_test_of_the_features_answers_as_the_whole_pattern(paragraphs):
    from corpora import kind_cues

    alternatives = list(dict.fromkeys(pattern.pattern for _, pattern in kind_cues._FOOTER_PARTS))
    assert "|".join(alternatives) == kind_patterns._FOOTER.pattern
    keys: dict[str, list[str]] = {}
    for key, pattern in kind_cues._FOOTER_PARTS:
        keys.setdefault(pattern.pattern, []).append(key)
    joined = "\n".join(paragraphs).lower()
    for alternative, its_keys in keys.items():  # every match of an alternative holds one of its keys
        assert all(any(k in m.group(0) for k in its_keys) for m in re.finditer(alternative, joined)), alternative
    extra = [
        "Source: Reuters",
        "via: AP",
        "(c) 2024 The Post",
        "(C)   1999",
        "© Acme",
        "Tags: energy, trade",
        "Filed under: EU",
        "Related: more",
        "Read more at the site",
        "Support us on Patreon",
        "Originally appeared in Foo",
        "first appeared",
        "Republished here with permission",
        "Views expressed",
        "He will post it",
        "to support our troops",
        "follow them home",
        "become a paid subscriber",
        "sign-up",
        "newsletters",
        "The source said:",
        "  -- via :x",
    ]
    hits = 0
    for text in paragraphs + extra:
        low = text.lower()
        expected = bool(kind_cues._FOOTER_LOW.search(low))
        assert kind_cues._footer(low) == expected, text
        hits += expected
    assert hits > 20


def test_the_separator_and_promo_cues_find_what_they_did(paragraphs):
    from corpora import kind_cues, kind_features

    old_separators = re.compile(r"\s[|·•›/]\s|\s{2,}")
    extra = [
        "Home | World | Europe",
        "a  b\t\tc \n d",
        "x / y › z",
        "• item",
        "  lead",
        "tail  ",
        "a\u00a0|\u00a0b",
        "Subscribe to our newsletter",
        "Sign up, log in, share",
        "tagged",
        "Cookies and privacy",
        "page 2",
        "press@example.org",
        "Comments (3) and replies",
    ]
    promo_hits = 0
    for text in paragraphs + extra:
        head = text[: kind_features.CUE_CHARS]
        assert kind_features._SEPARATORS.findall(head) == old_separators.findall(head), text
        low = head.lower()
        count = len(kind_cues._PROMO.findall(low))
        assert kind_cues._promo(low) == min(count, 3) / 3, text
        assert all(any(k in m for k in kind_cues._PROMO_KEYS) for m in kind_cues._PROMO.findall(low))
        promo_hits += count > 0
    assert promo_hits > 20


def test_the_reporting_credit_and_caption_cues_answer_as_their_patterns(paragraphs):
    from corpora import kind_cues
    from corpora import kind_features as f

    extra = [
        "Photograph by Ana Ruiz",
        "(File photo: Reuters)",
        "Image: AP",
        "Illustration by X for The Long Read",
        "He said so.",
        "according to the ministry",
        "Updated at 5pm",
        "issue 4",
        "words: Jo",
        "unsaid",
        "photographer",
        "for the Guardian Weekly.",
        "for our Readers",
    ]
    hits = Counter()
    for text in paragraphs + extra:
        head = text[: f.CUE_CHARS]
        low = head.lower()
        assert kind_cues._reporting(low) == min(len(kind_cues._REPORTING.findall(low)), 3) / 3, text
        caption = bool(kind_cues._CAPTION.search(low) or kind_cues._CAPTION_CASED.search(head))
        assert kind_cues._caption(low, head) == caption, text
        credit = bool(f._CREDIT.search(low))
        assert (kind_cues._holds(low, kind_cues._CREDIT_KEYS) and credit) == credit, text
        hits.update(reporting=kind_cues._reporting(low) > 0, caption=kind_cues._caption(low, head), credit=credit)
    assert min(hits.values()) >= 3
