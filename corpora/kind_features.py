"""Per-paragraph features for the learned kind model (no Django).

``article_features(texts, decisions, languages)`` returns one row of floats per paragraph, in the
order of ``NAMES``. The rules of ``corpora.kinds`` are features here (the kind they chose and the
patterns that fired), next to the shape of the text (position from the start and the end, length,
sentence shape, capitalisation, digit and punctuation share, links), its language and script
against the article's, how much of its vocabulary the rest of the article shares, whether it
repeats or starts like another paragraph, reporting verbs and first/second-person cues.
Neighbours' kinds come in through the second stage of ``corpora.kind_model``.
"""

import math
import re
from collections import Counter
from collections.abc import Sequence
from itertools import chain

from . import kind_patterns as patterns
from . import kinds as rules
from .char_classes import paragraph_counts
from .kind_cues import _COUNTER_LOW, _CREDIT_KEYS, _caption, _footer, _holds, _promo, _reporting

KINDS = [rules.BODY, rules.TITLE, rules.META, rules.EDITOR, rules.COMMENT, rules.NOISE, rules.FOOTER]
_WORDS = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"[.!?…][”\"’')\]]*(?:\s|$)")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net)\b|@\w")
_QUOTE = re.compile(r"[“”\"«»]")
_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}\b|\b\d+\s*(?:min|h|d|hours?|days?|minutes?)\s+ago\b|\byesterday\b|"
    r"^\d+[dhm]$"
)
# \s[|·•›/]\s|\s{2,} with the \s they start with in front: the same matches, and re skips to spaces.
_SEPARATORS = re.compile(r"\s(?:[|·•›/]\s|\s+)")
_CREDIT = re.compile(
    r"\b(?:photo(?:graph)?|image|picture|credit|illustration|words|reporting|editing|"
    r"posted|updated|published|issue)\b"
)
_NOTE = re.compile(r"^\W*(?:\w+[’']s\s+)?note\b|^\W*(?:editor|translator|update|correction)", re.I)
_LOWER_START = re.compile(r"^[a-z]")
# What ``char_classes.paragraph_counts`` counts, as the regular expressions it replaces (its tests compare).
_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[^\w\s]")
_NON_LATIN = re.compile(r"[^\W\d_\u0000-\u024F]")
CUE_CHARS = 300  # cue patterns look at a paragraph's first characters only (speed; cues sit up front)
VOCABULARY_CHARS = 400  # vocabulary overlap and repeats look at this many characters
CUE_WORDS = 60  # site-furniture cues (links, times, plugs, credits) count only in paragraphs this short
# Comment-section headers and widget words in the languages scrapers most often meet.
_COMMENT_WORD = re.compile(
    r"^\W*(?:\d[\d,.]*\s*)?(?:comments?|responses?|replies|discussion|kommentare?|"
    r"комментари\w*|отзывы|commentaires?|comentarios?|yorumlar|reacties|commenti|评论|留言|"
    r"コメント)\W*(?:\(\d+\))?(?:\s+(?:to|on)\s.*)?$",
    re.I,
)
_HANDLE = re.compile(r"^(?:[\w.-]*[_\d][\w.-]*|[a-z][a-z.-]+|[A-Z][a-z]+ [A-Z]\.?|[A-Z][\w]+ from [A-Z]\w+)$")
_BIO = re.compile(r"^[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){1,3},? (?:is|was|has been|teaches|writes|covers) ")
_FOOTNOTE = re.compile(r"^(?:\d{1,2}|\*|†|\[\d+\])\s*[A-Z]")

RULE_FLAGS = [
    "byline",
    "date",
    "dated_meta",
    "counter",
    "footer",
    "editor",
    "comment_header",
    "name_line",
    "headline_like",
    "title_case",
    "social",
    "link_only",
]
NAMES = (
    [
        "pos_start",
        "pos_end",
        "log_pos_start",
        "log_pos_end",
        "first",
        "last",
        "log_n",
        "log_chars",
        "log_words",
        "sentences",
        "ends_terminal",
        "ends_other",
        "starts_upper",
        "starts_lower",
        "cap_share",
        "digit_share",
        "punct_share",
        "url",
        "separators",
        "non_latin",
        "lang_differs",
        "shared_vocab",
        "repeat",
        "prefix_of_other",
        "reporting",
        "quote",
        "person",
        "question_exclaim",
        "time",
        "promo",
        "credit",
        "note",
        "continues_previous",
        "continued_next",
        "after_comment_rule",
        "repeats_earlier",
        "overlap_rest",
        "heading_shape",
        "comment_word",
        "after_comment_word",
        "handle",
        "bio",
        "footnote",
        "caption",
        "echo_of_next",
    ]
    + [f"rule_{k}" for k in KINDS]
    + [f"flag_{f}" for f in RULE_FLAGS]
)


def _flags(text: str, low: str, words: int) -> list[float]:
    short = words <= 30
    return [
        float(short and bool(patterns._BYLINE.match(text))),
        float(short and bool(patterns._DATE_ONLY.match(text))),
        float(short and bool(patterns._DATED_META.match(text))),
        float(words <= 15 and bool(_COUNTER_LOW.search(low))),
        float(words <= 60 and _footer(low)),
        float(bool(patterns._EDITOR_MARKER.match(text[:80]))),
        float(words <= 12 and patterns.is_comment_header(text)),
        float(words <= 4 and patterns.is_name_line(text)),
        float(words <= 25 and patterns.is_headline_like(text)),
        float(words <= 12 and patterns.is_title_case(text)),
        float(len(text) <= 40 and bool(patterns._SOCIAL.match(text))),
        float(words <= 3 and patterns.is_link_only(text)),
    ]


def _echo(shingles: list[set], i: int) -> float:
    """Share of a head paragraph's word triples found in one of the next four: a standfirst that
    repeats or paraphrases the first paragraph."""
    own = shingles[i]
    if len(own) < 3:
        return 0.0
    return max((len(own & shingles[j]) / len(own) for j in range(i + 1, min(i + 5, len(shingles)))), default=0.0)


def _key(tokens: list[str], n: int = 8) -> str:
    return " ".join(tokens[:n])


def article_features(
    texts: Sequence[str], decisions: Sequence[rules.Decision], languages: Sequence[tuple[str, bool]]
) -> list[list[float]]:
    """One feature row per paragraph of one article (``NAMES`` order).

    Kept as one function: the row literal lists the features in ``NAMES`` order, so one list in one
    place keeps them aligned with their names, and the loop runs for every paragraph of an import,
    where a helper per feature group would add calls per paragraph."""
    n = len(texts)
    tokens = [_WORDS.findall(t[:VOCABULARY_CHARS].casefold()) for t in texts]
    spread = Counter(chain.from_iterable(map(set, tokens)))  # in how many paragraphs each word occurs
    in_three, in_two = {w for w, k in spread.items() if k >= 3}, {w for w, k in spread.items() if k >= 2}
    counts = Counter(texts)
    starts = Counter(_key(ts) for ts in tokens if len(ts) >= 6)
    comment_from = next((i for i, d in enumerate(decisions) if d.kind == rules.COMMENT), n)
    comment_word = [len(t) <= 120 and bool(_COMMENT_WORD.match(t)) for t in texts]
    first_header = next((i for i, flag in enumerate(comment_word) if flag and i > 0), n)
    seen: set[str] = set()
    shingles = [set(zip(ts, ts[1:], ts[2:], strict=False)) if i < 12 else set() for i, ts in enumerate(tokens)]
    counts_of = paragraph_counts(texts)
    split_words, upper_words_of = counts_of["words"].tolist(), counts_of["upper_words"].tolist()
    digits_of, punct_of, non_latin_of = (
        counts_of["digits"].tolist(),
        counts_of["punct"].tolist(),
        counts_of["non_latin"].tolist(),
    )
    rows = []
    for i, text in enumerate(texts):
        ts, length = tokens[i], len(text)
        words = max(split_words[i], 1)
        head = text[:CUE_CHARS]
        low = head.lower()
        cue = words <= CUE_WORDS
        digits, punct = digits_of[i], punct_of[i]
        letters = max(length - split_words[i] + 1 - digits - punct, 1)
        upper_words = upper_words_of[i]
        last = text[-1]
        content = [w for w in ts if len(w) > 3]
        shared = (sum(map(in_three.__contains__, content)) / len(content)) if content else 0.0
        key = _key(ts)
        overlap = (sum(map(in_two.__contains__, content)) / len(content)) if content else 0.0
        nxt = texts[i + 1] if i + 1 < n else ""
        heading = words <= 12 and last not in ".!?…,;:”\"" and len(nxt) > max(100, 2 * length)
        row = [
            i / n,
            (n - 1 - i) / n,
            math.log1p(i),
            math.log1p(n - 1 - i),
            float(i == 0),
            float(i == n - 1),
            math.log1p(n),
            math.log1p(length),
            math.log1p(words),
            min(len(_SENTENCE_END.findall(text)), 6) / 6,
            float(last in ".!?…" or text.endswith(("”", ".\"", "’"))),
            float(last in ",;:|-–—"),
            float(text[0].isupper()),
            float(bool(_LOWER_START.match(text))),
            upper_words / words,
            digits / length,
            punct / length,
            float(cue and bool(_URL.search(low))),
            min(len(_SEPARATORS.findall(head)), 3) / 3 if cue else 0.0,
            min(non_latin_of[i] / letters, 1.0),
            float(languages[i][1]),
            shared,
            float(counts[text] > 1),
            float(len(ts) >= 6 and starts[key] > 1),
            _reporting(low),
            float(bool(_QUOTE.search(head))),
            rules.conversational_score(text) / 3,
            float("?" in text or "!" in text),
            float(words <= 20 and bool(_TIME.search(low))),
            _promo(low) if cue else 0.0,
            float(words <= 40 and _holds(low, _CREDIT_KEYS) and bool(_CREDIT.search(low))),
            float(bool(_NOTE.match(head))),
            float(i > 0 and texts[i - 1][-1] not in ".!?…”\"’:" and bool(_LOWER_START.match(text))),
            float(i + 1 < n and last not in ".!?…”\"’:" and bool(_LOWER_START.match(texts[i + 1]))),
            float(i >= comment_from),
            float(text in seen),
            overlap,
            float(heading),
            float(comment_word[i]),
            float(i > first_header),
            float(len(text) <= 30 and bool(_HANDLE.match(text))),
            float(bool(_BIO.match(text))),
            float(bool(_FOOTNOTE.match(text))),
            float(words <= 40 and _caption(low, head)),
            _echo(shingles, i),
        ]
        seen.add(text)
        row += [float(decisions[i].kind == k) for k in KINDS]
        row += _flags(text, text.lower() if words <= 60 else low, words)
        rows.append(row)
    return rows
