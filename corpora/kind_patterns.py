"""Text patterns and per-paragraph tests (no Django) that the kind rules (``kinds``) and the learned
model's features (``kind_features``) share."""

import re

from .word_patterns import words_between_boundaries

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
