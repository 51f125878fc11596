"""Paragraph-kind detector (no Django): which paragraphs of an article are its body.

``detect_kinds(paragraphs, title=..., author=..., headings=...)`` returns one ``Decision`` (kind,
reason) per paragraph. The rules, their order and their known limits are written down in
``corpora/README.md``; every decision carries the name of the rule that made it, which is stored
on the paragraph (``kind_reason``) so a manager sees why. Language (a paragraph in another
language than its article becomes ``footer``) is applied afterwards by ``corpora.languages``.
"""

import re
from collections.abc import Collection, Sequence
from typing import NamedTuple

from .word_patterns import words_between_boundaries

BODY, TITLE, META, EDITOR, COMMENT, NOISE, FOOTER = (
    "body",
    "title",
    "byline_or_meta",
    "editor_note",
    "comment",
    "noise",
    "footer",
)


class Decision(NamedTuple):
    kind: str
    reason: str


# -- patterns -------------------------------------------------------------------------------------

_URL_ONLY = re.compile(r"^[<(\[]?(?:https?://|www\.)\S+[>)\]]?$", re.I)
_NO_WORDS = re.compile(r"^[\W_]+$")
_SOCIAL = re.compile(
    r"^(?:share(?: this(?: article| story)?)?|tweet|print|email|click to \w+.*|"
    r"like this:?|loading\.*|advertisement|related posts?:?)\W*$",
    re.I,
)
_COMMENT_HEADER = re.compile(
    r"^\W*(?:\d[\d,.]*k?\s+)?(?:reader\s+|user\s+)?(?:comments?|responses?|replies|discussion|"
    r"leave a (?:reply|comment)|join the (?:conversation|discussion)|"
    r"\d+\s+thoughts? on\b.*|what do you think\??)\W*(?:\(\d+\))?\W*$",
    re.I,
)
_EDITOR_MARKER = re.compile(
    r"^\W*(?:(?:editor|translator)[’']?s[’']? note|ed\.? note|note from the editor|"
    r"a note (?:from|to) (?:the |our )?readers?|update\s*(?:\(.*?\))?:|"
    r"correction:|clarification:)",
    re.I,
)
_SIGNED_INTRO = re.compile(r"^[A-Z][a-z]+ here[.:!]\s")  # "Yves here. ...": a republisher signs in
_BYLINE = re.compile(
    r"^\W*(?:(?:op-ed|opinion|commentary|analysis|column|story|words|reporting|"
    r"text|interview|written|posted|compiled)\s+)?by\s+[A-Z\u00C0-\u024F]|^author\s*:",
    re.I,
)
_REPUBLISHED_AT = re.compile(
    r"\b(?:originally|first)\s+(?:published|appeared|posted)\s+(?:at|on|in|by)\b|"
    r"\bcross-?posted\s+from\b|\brepublished\s+from\b|\bthis (?:post|article|piece) "
    r"(?:first|originally) appeared\b",
    re.I,
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    rf"(?:{_MONTH}\s+{_DAY},?\s+\d{{4}}|{_DAY}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{4}}|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}})"
    rf"(?:,?\s*(?:at\s+)?\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{{2,5}})?)?"
)
_DATE_ONLY = re.compile(rf"^\W*{_DATE}\W*$", re.I)
_DATED_META = re.compile(
    rf"^\W*(?:published|updated|posted|last updated|first published|date)\b.{{0,40}}"
    rf"{_DATE}",
    re.I,
)
_COUNTER_META = re.compile(
    r"\b\d[\d,.]*\s*k?\s*(?:views?|reads?|shares?|likes?)\b|\b\d+\s*min(?:ute)?s?\s+read\b|"
    r"^\W*(?:photo|image|picture|illustration|video)(?:\s+credit)?\s*:",
    re.I,
)
_FOOTER = re.compile(
    r"\b(?:re-?published|re-?printed|re-?posted)\b.{0,40}\bpermission\b|\bfirst published\b|"
    r"\b(?:originally|first) (?:published|appeared)\b|\bappeared first\b|^\W*source\s*:|^\W*via\s*:|"
    r"\bnewsletter\b|\bsubscribe\b|\bsubscriber\b|\bsign up\b|\ball rights reserved\b|©|\(c\)\s*\d{4}|"
    r"\bcopyright\b|\bdisclaimer\b|\b(?:views|opinions) expressed\b|\bdonate\b|\bsupport (?:us|our)\b|"
    r"\bfollow (?:us|me|him|her|them)\b|\babout the author\b|^\W*(?:tags|filed under|related)\s*:|"
    r"\bread (?:more|the original)\b|\bpatreon\b|\bbecome a (?:member|patron|paid)\b",
    re.I,
)
_FOOTER_ANYWHERE = re.compile(r"\bre-?published with (?:kind )?permission\b|\ball rights reserved\b", re.I)
_SMALL_WORDS = frozenset(
    "a an the and or but nor of to in on at by for from with as vs via into over per is are be".split()
)
CONVERSATIONAL_WORDS = [
    "I",
    "I[’'](?:m|ve|d|ll)",
    "me",
    "my",
    "mine",
    "myself",
    "you",
    "your",
    "yours",
    "you[’'](?:re|ve|d|ll)",
]
_CONVERSATIONAL = words_between_boundaries(CONVERSATIONAL_WORDS)  # \b(?:I|I’m|...)\b, scanned faster
# One pattern, ``^(?:yep|...)\b|^[>(–-]|…|\.\.\.|\. \. \.|!|\?`` (re.I), in two parts: the anchored
# alternatives are tried at the start only, and the rest scans quickly from where they ended (no word
# they match holds a character the rest looks for, so the count is the same).
_INFORMAL_START = re.compile(
    r"^(?:yep|yes|no|nope|well|thanks|thank you|lol|ha+|agreed|exactly|oh|wow|sure|true|"
    r"me thinks|imo|imho|shh+)\b|^[>(–-]",
    re.I,
)
_INFORMAL_ANYWHERE = re.compile(r"…|\.\.\.|\. \. \.|!|\?")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_TERMINAL = ".,;:"


# -- paragraph features ---------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


def is_link_only(text: str) -> bool:
    return bool(_URL_ONLY.match(text.strip()))


def is_headline_like(text: str, max_words: int = 25) -> bool:
    """Short, starts like a sentence, and does not end like one (a final ? or ! is allowed)."""
    stripped = text.strip().strip("*_#").strip()
    if not stripped or len(stripped) > 220 or len(_words(stripped)) > max_words:
        return False
    if stripped[-1] in _TERMINAL or is_link_only(stripped):
        return False
    return stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in "\"“‘'«"


def is_title_case(text: str) -> bool:
    content = [w for w in _WORD.findall(text) if w.lower() not in _SMALL_WORDS]
    return bool(content) and all(w[0].isupper() for w in content)


def is_name_line(text: str) -> bool:
    """'Sreemoy Talukdar': two to four capitalised words, no digits, no sentence punctuation."""
    words = _words(text.strip())
    particles = {"de", "da", "van", "von", "der", "bin", "al", "la", "le", "del", "di", "du"}
    return (
        2 <= len(words) <= 4
        and len(text) <= 60
        and not any(ch.isdigit() for ch in text)
        and all(w[0].isupper() or w.lower() in particles for w in words)
        and text.strip()[-1] not in ".!?:;,"
    )


def is_comment_header(text: str) -> bool:
    stripped = text.strip().lstrip("#").strip()
    return len(_words(stripped)) <= 12 and bool(_COMMENT_HEADER.match(stripped))


def _is_headword(text: str) -> bool:
    return (
        len(text) <= 40
        and len(_words(text)) <= 5
        and text[-1] not in ".!?:;,\"”…"
        and not is_link_only(text)
        and (text[0].isupper() or text[0].isdigit())
    )


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


# -- rules ----------------------------------------------------------------------------------------


def _glossary_runs(paragraphs: Sequence[str]) -> list[tuple[int, int]]:
    """[start, end) runs of 'Term' / 'definition' pairs (at least three): a pasted glossary."""
    runs, i, n = [], 0, len(paragraphs)
    while i < n:
        if not _is_headword(paragraphs[i]):
            i += 1
            continue
        j, pairs = i, 0
        while j < n:
            k = j
            while k < n and k - j < 2 and _is_headword(paragraphs[k]):
                k += 1
            if k == j or k >= n or _is_headword(paragraphs[k]) or is_link_only(paragraphs[k]):
                break
            pairs, j = pairs + 1, k + 1
        if pairs >= 3:
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def conversational_score(text: str) -> int:
    """0-3: how much a paragraph reads like a reader's comment (pronouns, interjections, ?, !, ...)."""
    start = _INFORMAL_START.match(text)
    informal = (1 if start else 0) + len(_INFORMAL_ANYWHERE.findall(text, start.end() if start else 0))
    return min(3, len(_CONVERSATIONAL.findall(text)) + informal)


def _least_squares_change_point(scores: Sequence[float], lo: int, hi: int) -> int | None:
    """The split s in [lo, hi] minimising the squared error of two constant segments [lo0, s), [s, n).

    Prefix sums make it O(n). Returns None unless the tail scores clearly higher than the head.
    """
    n, first = len(scores), max(lo - 3, 0)
    total = [0.0]
    squares = [0.0]
    for value in scores:
        total.append(total[-1] + value)
        squares.append(squares[-1] + value * value)

    def sse(a: int, b: int) -> float:
        count = b - a
        s = total[b] - total[a]
        return squares[b] - squares[a] - s * s / count

    best = None
    for s in range(max(lo, first + 1), min(hi, n - 1) + 1):
        cost = sse(first, s) + sse(s, n)
        if best is None or cost < best[0]:
            best = (cost, s)
    if best is None:
        return None
    s = best[1]
    head = (total[s] - total[first]) / (s - first)
    tail = (total[n] - total[s]) / (n - s)
    return s if tail >= head + 0.5 else None


def comment_start(paragraphs: Sequence[str], noise: Sequence[bool] = ()) -> tuple[int, str] | None:
    """Where reader comments begin, and why; None when the article shows no comment section.

    1. An explicit header ('Comments', '12 comments', 'Leave a reply') after the first paragraph.
    2. Without a header, comments are assumed only when the second half of the article holds
       at least two kinds of signals that prose articles do not have: link-only lines or other
       pasted noise, a paragraph repeated right after itself, a '> quoted' reply. Where they start
       is the least-squares change point of the paragraphs' conversational score (noise and
       repeats count as fully conversational), searched between the fourth paragraph and the
       first signal.
    """
    for i, text in enumerate(paragraphs):
        if i > 0 and is_comment_header(text):
            return i, "comment section header"
    n = len(paragraphs)
    noise = list(noise) or [False] * n
    kinds_of_signal: dict[str, list[int]] = {"noise": [], "repeat": [], "quote": []}
    for i in range(n // 2, n):
        if noise[i]:
            kinds_of_signal["noise"].append(i)
        if i > 0 and paragraphs[i] == paragraphs[i - 1]:
            kinds_of_signal["repeat"].append(i)
        if paragraphs[i].startswith(">"):
            kinds_of_signal["quote"].append(i)
    present = [found for found in kinds_of_signal.values() if found]
    if len(present) < 2:
        return None
    first_signal = min(found[0] for found in present)
    scores = [
        3 if noise[i] or (i > 0 and paragraphs[i] == paragraphs[i - 1]) else conversational_score(t)
        for i, t in enumerate(paragraphs)
    ]
    start = _least_squares_change_point(scores, 3, first_signal)
    if start is None:
        return None
    return start, "reader comments: pasted links/noise, repeats and quoted replies follow, and the tone changes here"


def _leading(
    paragraphs: Sequence[str], kinds: list, end: int, title: str, author: str, headings: Collection[str]
) -> int:
    """Classify the article's head (title, byline, date, republisher's note); return where body starts."""
    norm_title, norm_author = _norm(title), _norm(author)
    limit = min(end, 10)
    # A republication byline ('By X, originally published at Y') near the top: what precedes it
    # is the republisher's introduction, unless it is the headline itself.
    republished = next(
        (
            i
            for i in range(min(limit, 8))
            if kinds[i] is None and len(_words(paragraphs[i])) <= 60 and _REPUBLISHED_AT.search(paragraphs[i])
        ),
        None,
    )
    i, seen_title = 0, False
    if republished is not None:
        for j in range(republished):
            if kinds[j] is not None:
                continue
            if j == 0 and is_headline_like(paragraphs[j]) and not _SIGNED_INTRO.match(paragraphs[j]):
                kinds[j], seen_title = Decision(TITLE, "headline"), True
            else:
                kinds[j] = Decision(EDITOR, "republisher's introduction (before the 'originally published' byline)")
        kinds[republished] = Decision(META, "republication byline ('originally published at')")
        i = republished + 1
    while i < limit:
        text = paragraphs[i]
        if kinds[i] is not None:
            i += 1
            continue
        if norm_title and _norm(text) == norm_title:
            kinds[i], seen_title = Decision(TITLE, "the article's title"), True
        elif text in headings:
            kinds[i], seen_title = Decision(TITLE, "heading in the source markup"), True
        elif _EDITOR_MARKER.match(text) or (i < 3 and _SIGNED_INTRO.match(text)):
            kinds[i] = Decision(EDITOR, "editor's note marker")
        elif _DATE_ONLY.match(text) or _DATED_META.match(text):
            kinds[i] = Decision(META, "date line")
        elif len(_words(text)) <= 30 and _BYLINE.match(text):
            kinds[i] = Decision(META, "byline ('By ...')")
        elif len(_words(text)) <= 15 and _COUNTER_META.search(text):
            kinds[i] = Decision(META, "counter or credit line")
        elif (norm_author and _norm(text) == norm_author) or (seen_title and is_name_line(text)):
            kinds[i] = Decision(META, "author name line")
        elif not seen_title and is_headline_like(text):
            kinds[i], seen_title = Decision(TITLE, "headline (short, no final full stop)"), True
        else:
            break
        i += 1
    return i


def _trailing(paragraphs: Sequence[str], kinds: list, begin: int, end: int) -> int:
    """Footer lines at the end of the article (before any comments); return where they start."""
    i = end
    while i > begin:
        text = paragraphs[i - 1]
        if kinds[i - 1] is not None and kinds[i - 1].kind in (NOISE, FOOTER):
            i -= 1
            continue
        if kinds[i - 1] is None and len(_words(text)) <= 60 and _FOOTER.search(text):
            kinds[i - 1] = Decision(FOOTER, "republishing notice, plug or disclaimer at the end")
            i -= 1
            continue
        break
    return i


def _middle(paragraphs: Sequence[str], kinds: list, begin: int, end: int, headings: Collection[str]) -> None:
    for i in range(begin, end):
        if kinds[i] is not None:
            continue
        text = paragraphs[i]
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
        words = len(_words(text))
        if text in headings or text.lstrip().startswith("#"):
            kinds[i] = Decision(TITLE, "heading in the source markup")
        elif _EDITOR_MARKER.match(text):
            kinds[i] = Decision(EDITOR, "editor's note marker")
        elif _DATE_ONLY.match(text) or (words <= 15 and (_DATED_META.match(text) or _COUNTER_META.search(text))):
            kinds[i] = Decision(META, "date, counter or credit line")
        elif _FOOTER_ANYWHERE.search(text) and words <= 60:
            kinds[i] = Decision(FOOTER, "republishing notice")
        elif (
            words <= 12
            and len(text) <= 100
            and is_headline_like(text, 12)
            and is_title_case(text)
            and len(nxt) > max(100, 2 * len(text))
            and not is_headline_like(nxt)
        ):
            kinds[i] = Decision(TITLE, "section heading (short, title case, no full stop)")
        else:
            kinds[i] = Decision(BODY, "prose")


def detect_kinds(
    paragraphs: Sequence[str], *, title: str = "", author: str = "", headings: Collection[str] = ()
) -> list[Decision]:
    """One Decision per paragraph, in order. ``paragraphs`` are stripped paragraph texts.

    Steps (each later step only decides paragraphs the earlier ones left open):
    1. noise anywhere: link-only lines, lines without words, share buttons; pasted glossaries;
    2. the comment region (``comment_start``) to the end: ``comment``;
    3. the head: republisher's introduction, title, byline, author and date lines;
    4. the tail before the comments: republishing notices, plugs, disclaimers -> ``footer``;
    5. the rest: markup headings and title-case section headings -> ``title``, editor's notes,
       date/counter lines, otherwise ``body``.
    """
    n = len(paragraphs)
    kinds: list[Decision | None] = [None] * n
    heading_set = set(headings)
    for i, text in enumerate(paragraphs):
        if is_link_only(text):
            kinds[i] = Decision(NOISE, "link-only line")
        elif _NO_WORDS.match(text):
            kinds[i] = Decision(NOISE, "no words")
        elif len(text) <= 40 and _SOCIAL.match(text):
            kinds[i] = Decision(NOISE, "share button or widget text")
    for start, end in _glossary_runs(paragraphs):
        for i in range(start, end):
            if kinds[i] is None:
                kinds[i] = Decision(NOISE, "pasted glossary (term / definition run)")
    found = comment_start(paragraphs, [k is not None and k.kind == NOISE for k in kinds])
    end = n
    if found is not None:
        end, reason = found
        for i in range(end, n):
            if kinds[i] is None:
                kinds[i] = Decision(COMMENT, reason if i == end else "after the start of the comments")
    body_start = _leading(paragraphs, kinds, end, title, author, heading_set)
    body_end = _trailing(paragraphs, kinds, body_start, end)
    _middle(paragraphs, kinds, body_start, body_end, heading_set)
    return [k if k is not None else Decision(BODY, "prose") for k in kinds]
