"""Files -> documents (no Django): decoding, format readers, and every input check.

``read_source(name, data, max_bytes=...)`` turns one file's bytes into ``Document``s, or raises
``ReadError`` whose message names the file (and line) and says what is wrong. ``sources_in(path)``
and ``zip_members(...)`` list what a folder or an archive holds. Nothing here writes anything.

Formats: ``.txt``/``.text``, ``.md``/``.markdown`` (converted to plain text with markdown-it-py;
headings are remembered), ``.html``/``.htm`` (main text, title, author and date extracted with
trafilatura), ``.jsonl``/``.ndjson`` (one article per line: ``text`` required; ``title``, ``url``,
``author``, ``published`` optional) and ``.zip`` archives of these.
"""

import io
import json
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from .encodings import DecodeRefused, decode_text
from .splitting import normalize_newlines

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".zip": "zip",
}
_CONTROL_OK = set("\n\r\t\f\v")


class ReadError(Exception):
    """A file that cannot be imported; ``str()`` names the file and the reason."""

    def __init__(self, name: str, reason: str):
        self.name, self.reason = name, reason
        super().__init__(f"{name}: {reason}")


@dataclass
class Document:
    """One article as read from a file, before splitting."""

    text: str
    source_name: str
    format: str
    title: str = ""
    author: str = ""
    published: date | None = None
    url: str = ""
    headings: frozenset[str] = field(default_factory=frozenset)
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Source:
    """A file to import: its display name (``archive.zip/a.txt``) and bytes."""

    name: str
    data: bytes


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def format_of(name: str) -> str | None:
    return FORMATS.get(PurePosixPath(name.lower()).suffix)


def unsupported_reason(name: str) -> str:
    suffix = PurePosixPath(name).suffix or "(none)"
    return f"unsupported file type {suffix}; use .txt, .md, .html, .jsonl or .zip"


def is_hidden(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


# -- decoding -----------------------------------------------------------------------------------


def decode_with_encoding(name: str, data: bytes, *, encoding: str | None = None) -> tuple[str, str]:
    """Bytes -> (text, encoding) with ``encodings.decode_text`` (UTF-8, BOMs, UTF-16, Windows-1252 /
    latin-1, then charset-normalizer only with confidence), or the ``encoding`` the user named.

    Raises ReadError for empty, binary and undecodable files (naming the encodings tried).
    """
    if not data.strip():
        raise ReadError(name, "the file is empty")
    try:
        text, used = decode_text(data, encoding=encoding)
    except DecodeRefused as exc:
        raise ReadError(name, str(exc)) from None
    sample = text[:20000]
    controls = sum(1 for ch in sample if ch < " " and ch not in _CONTROL_OK)
    if sample and (controls / len(sample) > 0.05 or "\x00" in sample):
        raise ReadError(name, "looks like a binary file (too many control characters), not text")
    text = normalize_newlines(text)
    if not text.strip():
        raise ReadError(name, "the file is empty (only whitespace)")
    return text, used


def decode(name: str, data: bytes, *, encoding: str | None = None) -> str:
    return decode_with_encoding(name, data, encoding=encoding)[0]


# -- formats ------------------------------------------------------------------------------------


def markdown_to_text(source: str) -> tuple[str, frozenset[str]]:
    """Markdown -> plain text (blocks separated by blank lines) and the set of heading texts.

    Soft line breaks stay newlines, so one-paragraph-per-line files keep their paragraphs.
    """
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(source)
    blocks: list[str] = []
    headings: set[str] = set()
    in_heading = False
    for token in tokens:
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline":
            parts = []
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append("\n")
            block = "".join(parts).strip()
            if block:
                blocks.append(block)
                if in_heading:
                    headings.add(block)
        elif token.type in ("fence", "code_block") and token.content.strip():
            blocks.append(token.content.strip())
    return "\n\n".join(blocks), frozenset(headings)


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    from dateutil import parser as date_parser

    return date_parser.parse(str(value)).date()


def _read_txt(name: str, text: str) -> list[Document]:
    return [Document(text=text, source_name=name, format="txt")]


def _read_md(name: str, text: str) -> list[Document]:
    plain, headings = markdown_to_text(text)
    if not plain.strip():
        raise ReadError(name, "the Markdown file has no text")
    return [Document(text=plain, source_name=name, format="md", headings=headings)]


def _read_html(name: str, text: str) -> list[Document]:
    import trafilatura

    extracted = trafilatura.bare_extraction(
        text, with_metadata=True, favor_recall=True, include_formatting=True, include_comments=False
    )
    if extracted is None or not (extracted.text or "").strip():
        raise ReadError(name, "no main text could be extracted from the HTML")
    plain, headings = markdown_to_text(extracted.text)
    try:
        published = _parse_date(extracted.date)
    except (ValueError, OverflowError):
        published = None
    return [
        Document(
            text=normalize_newlines(plain),
            source_name=name,
            format="html",
            title=(extracted.title or "")[:500],
            author=(extracted.author or "")[:300],
            published=published,
            url=extracted.url or "",
            headings=headings,
        )
    ]


def _read_jsonl(name: str, text: str) -> list[Document]:
    documents = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReadError(name, f"{where} is not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(row, dict):
            raise ReadError(name, f"{where} is not a JSON object")
        body = row.get("text")
        if not isinstance(body, str) or not body.strip():
            raise ReadError(name, f"{where} has no \"text\" (a non-empty string is required)")
        for key in ("title", "url", "author"):
            if row.get(key) is not None and not isinstance(row[key], str):
                raise ReadError(name, f"{where}: \"{key}\" must be a string")
        try:
            published = _parse_date(row.get("published"))
        except (ValueError, OverflowError):
            raise ReadError(name, f"{where}: \"published\" is not a date: {row.get('published')!r}") from None
        documents.append(
            Document(
                text=normalize_newlines(body),
                source_name=f"{name}:{number}",
                format="jsonl",
                title=(row.get("title") or "")[:500],
                author=(row.get("author") or "")[:300],
                published=published,
                url=(row.get("url") or "")[:2000],
            )
        )
    if not documents:
        raise ReadError(name, "the JSONL file has no lines")
    return documents


_READERS = {"txt": _read_txt, "md": _read_md, "html": _read_html, "jsonl": _read_jsonl}


def check_size(name: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ReadError(
            name,
            f"the file is {human_size(size)}, over the {human_size(max_bytes)} limit (STANDPOINT_MAX_UPLOAD_BYTES)",
        )


def read_source(
    name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None
) -> list[Document]:
    """The documents in one (non-zip) file. Raises ReadError naming the file and the reason.

    ``encoding``: the one the user named; else it is detected (``decode_with_encoding``).
    """
    fmt = format_of(name)
    if fmt is None or fmt == "zip":
        raise ReadError(name, unsupported_reason(name))
    check_size(name, len(data), max_bytes)
    text, used = decode_with_encoding(name, data, encoding=encoding)
    documents = _READERS[fmt](name, text)
    for document in documents:
        document.encoding = used
    return documents


# -- folders and archives -----------------------------------------------------------------------


def _unsafe_member(member: str) -> bool:
    if member.startswith(("/", "\\")) or "\\" in member or (len(member) > 1 and member[1] == ":"):
        return True
    normalized = posixpath.normpath(member)
    return normalized == ".." or normalized.startswith("../")


_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "lzma",
    9: "deflate64",
    93: "zstandard",
    98: "ppmd",
    99: "AES encryption",
}


def _method_name(method: int) -> str:
    return f"{_METHODS[method]}, method {method}" if method in _METHODS else f"method {method}"


def zip_members(
    name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[Source], list[tuple[str, str]]]:
    """Validate an archive and return (files to read, [(member, why skipped)]).

    The whole archive is refused (ReadError) when it is not a zip, when a member's path would
    escape the extraction folder (zip slip), or when the uncompressed total is over ``max_bytes``
    (the declared sizes are checked first, then the bytes actually read, so a lying header does
    not help a zip bomb).

    Kept as one function: the size budget is spent member by member as the bytes are read, and each
    check is a short clause in the order the refusals and skips are listed here.
    """
    check_size(name, len(data), max_bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReadError(name, "is not a valid zip archive") from None
    with archive:
        infos = archive.infolist()
        for info in infos:
            if _unsafe_member(info.filename):
                raise ReadError(
                    name,
                    f"member {info.filename!r} points outside the archive's folder (zip slip); the archive was refused",
                )
        declared = sum(info.file_size for info in infos)
        if declared > max_bytes:
            raise ReadError(
                name,
                f"uncompressed size {human_size(declared)} is over the "
                f"{human_size(max_bytes)} limit; the archive was refused",
            )
        sources, skipped, budget = [], [], max_bytes
        for info in sorted(infos, key=lambda i: i.filename):
            member = f"{name}/{info.filename}"
            if info.is_dir():
                continue
            if is_hidden(info.filename):
                skipped.append((member, "hidden or system file"))
                continue
            fmt = format_of(info.filename)
            if fmt is None:
                skipped.append((member, unsupported_reason(info.filename)))
                continue
            if fmt == "zip":
                skipped.append((member, "archives inside archives are not imported"))
                continue
            if info.flag_bits & 0x1:
                skipped.append((member, "the member is encrypted"))
                continue
            try:
                with archive.open(info) as handle:
                    content = handle.read(budget + 1)
            except NotImplementedError:  # zipfile names no method it cannot decompress (e.g. 9, deflate64)
                skipped.append(
                    (
                        member,
                        f"the member is compressed with a method this importer cannot read "
                        f"({_method_name(info.compress_type)}); re-create the archive with "
                        f"deflate (the default of most zip tools)",
                    )
                )
                continue
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ReadError(name, f"member {info.filename!r} cannot be read ({exc})") from None
            budget -= len(content)
            if budget < 0:
                raise ReadError(
                    name, f"uncompressed size is over the {human_size(max_bytes)} limit; the archive was refused"
                )
            sources.append(Source(member, content))
    return sources, skipped


def sources_in(path: Path) -> Iterator[Path]:
    """Files under ``path`` (or ``path`` itself), sorted, hidden files left out."""
    if path.is_file():
        yield path
        return
    for child in sorted(p for p in path.rglob("*") if p.is_file()):
        if not is_hidden(str(child.relative_to(path))):
            yield child
