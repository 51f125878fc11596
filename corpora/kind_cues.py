"""The learned kind model's text cues that run on most paragraphs, made fast (no Django): footer,
promotion, reporting and caption cues, each pattern tried only on text holding one of the substrings
every match of it holds (tests/corpora/test_word_patterns.py checks they find what the plain patterns
find)."""

import re

from . import kind_patterns as patterns

_REPORTING = re.compile(
    r"\b(?:said|says|told|argued|warned|insisted|noted|wrote|added|according to|explained|"
    r"claimed|stated|announced|conceded|dismissed|described)\b"
)
_PROMO = re.compile(
    r"\b(?:subscribe|sign up|newsletter|unsubscribe|cookies?|privacy|log in|login|download|"
    r"share|follow|email|inbox|browser|comments?|repl(?:y|ies)|read more|related|tags?|"
    r"copyright|rights reserved|licen[cs]e[ds]?|republished|originally|first published|"
    r"translated|opinions?|views expressed|contact|press@|page \d+)\b"
)
# Every match of _PROMO holds one of these (a substring test spares the pattern most paragraphs).
_PROMO_KEYS = (
    "subscribe",
    "sign up",
    "newsletter",
    "cookie",
    "privacy",
    "log in",
    "login",
    "download",
    "share",
    "follow",
    "email",
    "inbox",
    "browser",
    "comment",
    "repl",
    "read more",
    "related",
    "tag",
    "copyright",
    "rights reserved",
    "licen",
    "republished",
    "originally",
    "first published",
    "translated",
    "opinion",
    "views expressed",
    "contact",
    "press@",
    "page ",
)
_CAPTION = re.compile(
    r"\((?:file )?(?:photo|photograph|image|picture|illustration)\b[^)]*\)\s*$|"
    r"\b(?:photograph|photo|image|picture) (?:by|:)"
)
_CAPTION_CASED = re.compile(r"\bfor (?:the|our) [A-Z]\w+(?: [A-Z]\w+)*\.?$")  # "... for The Long Read"
# The rules' case-insensitive patterns, compiled case-sensitive for lowercased text: several times faster.
_FOOTER_LOW = re.compile(patterns._FOOTER.pattern)
_COUNTER_LOW = re.compile(patterns._COUNTER_META.pattern)
# patterns._FOOTER, one alternative at a time, each after a substring test of a text every match of it
# holds: a paragraph matches the whole pattern when it matches one alternative, and most paragraphs
# hold none of these texts, or only one or two, so the regular expressions rarely run (a word such as
# "post" or "support" used to start the whole pattern on the whole paragraph). The alternatives, in
# order, are the pattern (tests/corpora/test_word_patterns.py checks it).
_FOOTER_PARTS = [
    (key, re.compile(alternative))
    for key, alternative in [
        ("permission", r"\b(?:re-?published|re-?printed|re-?posted)\b.{0,40}\bpermission\b"),
        ("first published", r"\bfirst published\b"),
        (" published", r"\b(?:originally|first) (?:published|appeared)\b"),
        (" appeared", r"\b(?:originally|first) (?:published|appeared)\b"),
        ("appeared first", r"\bappeared first\b"),
        ("source", r"^\W*source\s*:"),
        ("via", r"^\W*via\s*:"),
        ("newsletter", r"\bnewsletter\b"),
        ("subscribe", r"\bsubscribe\b"),
        ("subscriber", r"\bsubscriber\b"),
        ("sign up", r"\bsign up\b"),
        ("all rights reserved", r"\ball rights reserved\b"),
        ("©", r"©"),
        ("(c)", r"\(c\)\s*\d{4}"),
        ("copyright", r"\bcopyright\b"),
        ("disclaimer", r"\bdisclaimer\b"),
        (" expressed", r"\b(?:views|opinions) expressed\b"),
        ("donate", r"\bdonate\b"),
        ("support ", r"\bsupport (?:us|our)\b"),
        ("follow ", r"\bfollow (?:us|me|him|her|them)\b"),
        ("about the author", r"\babout the author\b"),
        ("tags", r"^\W*(?:tags|filed under|related)\s*:"),
        ("filed under", r"^\W*(?:tags|filed under|related)\s*:"),
        ("related", r"^\W*(?:tags|filed under|related)\s*:"),
        ("read ", r"\bread (?:more|the original)\b"),
        ("patreon", r"\bpatreon\b"),
        ("become a ", r"\bbecome a (?:member|patron|paid)\b"),
    ]
]


def _footer(low: str) -> bool:
    """``_FOOTER_LOW.search(low)`` as a bool, on lowercased text."""
    for key, pattern in _FOOTER_PARTS:  # noqa: SIM110 (a loop is faster here than any() over a generator)
        if key in low and pattern.search(low):
            return True
    return False


# Texts one of which every match of a pattern holds: the pattern runs only on text holding one.
_REPORTING_KEYS = (
    "said",
    "says",
    "told",
    "argued",
    "warned",
    "insisted",
    "noted",
    "wrote",
    "added",
    "according to",
    "explained",
    "claimed",
    "stated",
    "announced",
    "conceded",
    "dismissed",
    "described",
)
_CREDIT_KEYS = (
    "photo",
    "image",
    "picture",
    "credit",
    "illustration",
    "words",
    "reporting",
    "editing",
    "posted",
    "updated",
    "published",
    "issue",
)
_CAPTION_KEYS = ("photo", "image", "picture", "illustration")
_CAPTION_CASED_KEYS = ("for the ", "for our ")


def _holds(text: str, keys: tuple[str, ...]) -> bool:
    for key in keys:  # noqa: SIM110 (a loop is faster here than any() over a generator)
        if key in text:
            return True
    return False


def _reporting(low: str) -> float:
    return min(len(_REPORTING.findall(low)), 3) / 3 if _holds(low, _REPORTING_KEYS) else 0.0


def _caption(low: str, head: str) -> bool:
    return (_holds(low, _CAPTION_KEYS) and bool(_CAPTION.search(low))) or (
        _holds(head, _CAPTION_CASED_KEYS) and bool(_CAPTION_CASED.search(head))
    )


def _promo(low: str) -> float:
    for key in _PROMO_KEYS:  # noqa: SIM110 (a loop is faster here than any() over a generator)
        if key in low:
            return min(len(_PROMO.findall(low)), 3) / 3
    return 0.0
