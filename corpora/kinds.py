"""Paragraph-kind detector (no Django): which paragraphs of an article are its body.

``detect_kinds(paragraphs, title=..., author=..., headings=...)`` returns one ``Decision`` (kind,
reason) per paragraph. The rules, their order and their known limits are written down in
``corpora/README.md``; every decision carries the name of the rule that made it, which is stored
on the paragraph (``kind_reason``) so a manager sees why. Language (a paragraph in another
language than its article becomes ``footer``) is applied afterwards by ``corpora.languages``.
"""

from collections.abc import Collection, Sequence
from typing import NamedTuple

from .kind_patterns import (
    _BYLINE,
    _CONVERSATIONAL,
    _COUNTER_META,
    _DATE_ONLY,
    _DATED_META,
    _EDITOR_MARKER,
    _FOOTER,
    _FOOTER_ANYWHERE,
    _INFORMAL_ANYWHERE,
    _INFORMAL_START,
    _NO_WORDS,
    _REPUBLISHED_AT,
    _SIGNED_INTRO,
    _SOCIAL,
    _is_headword,
    _norm,
    _words,
    is_comment_header,
    is_headline_like,
    is_link_only,
    is_name_line,
    is_title_case,
)

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
