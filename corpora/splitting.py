"""Text -> paragraph spans, with exact character offsets (no Django).

Every span satisfies ``text[span.start:span.end] == span.text``, and a span never starts or ends
with whitespace. Two layouts are found in real files and both are handled:

* blank-line separated (``000``, ``001``): a blank line ends a paragraph;
* one paragraph per line (``002``, ``003``): a single newline ends a paragraph.

Each blank-line separated block is looked at on its own: a block of several lines is one
hard-wrapped paragraph when its lines look wrapped (every line but the last is 40-100 characters
long and none is longer), otherwise each line is a paragraph. So a file that mixes both layouts
(``003`` has one-line paragraphs and blank lines only around "Comments") splits correctly.
"""

import re
from dataclasses import dataclass

_BLOCK_SEPARATOR = re.compile(r"\n[ \t\u00a0\u200b\ufeff]*\n\s*")
_WRAP_MIN, _WRAP_MAX = 40, 100


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF, and NUL characters (PostgreSQL refuses them) are dropped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _trimmed(text: str, start: int, end: int) -> Span | None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    lead = len(piece) - len(piece.lstrip())
    return Span(start + lead, start + lead + len(stripped), stripped)


def _looks_hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 2:
        return False
    head = [len(line.strip()) for line in lines[:-1]]
    return all(_WRAP_MIN <= n <= _WRAP_MAX for n in head) and len(lines[-1].strip()) <= _WRAP_MAX


def _blocks(text: str):
    """(start, end) of the text between blank lines."""
    position = 0
    for match in _BLOCK_SEPARATOR.finditer(text):
        yield position, match.start()
        position = match.end()
    yield position, len(text)


def split_paragraphs(text: str) -> list[Span]:
    """The paragraphs of ``text`` (already newline-normalized) in order, with exact offsets."""
    spans: list[Span] = []
    for block_start, block_end in _blocks(text):
        block = text[block_start:block_end]
        lines = [line for line in block.split("\n") if line.strip()]
        if _looks_hard_wrapped(lines):
            span = _trimmed(text, block_start, block_end)
            if span:
                spans.append(span)
            continue
        line_start = block_start
        for line in block.split("\n"):
            span = _trimmed(text, line_start, line_start + len(line))
            if span:
                spans.append(span)
            line_start += len(line) + 1
    return spans
