"""Bytes -> text without silent garbling (no Django).

``decode_text(data, encoding=None)`` returns ``(text, encoding)`` or raises ``DecodeRefused``
whose message lists the encodings tried and why each was not taken. The order follows what news
text actually uses:

1. the encoding the user named (``--encoding`` / the upload's *Encoding* field), strictly;
2. a byte-order mark: UTF-8, UTF-16 LE/BE (UTF-32 too);
3. UTF-16 without a BOM, recognised by its NUL bytes in every other position (Latin-script text);
4. UTF-8 (strict);
5. Windows-1252, reported as ``latin-1`` when the file has no byte in 0x80-0x9F (the two agree
   on every other byte), if the result reads as text (below);
6. charset-normalizer's candidates whose mess ratio is low, if the result reads as text.

"Reads as text" (``implausibility``): the letters are in the scripts of the language py3langid
detects (Latin for French, Cyrillic for Russian, Han and kana for Japanese...), few characters are
symbols a text would not use ("¤", "¹", "Ð" between ASCII letters...), and text in Latin letters is
not mostly accented letters (what Shift-JIS or GB18030 bytes
look like through Windows-1252). Anything else is refused rather than guessed.
"""

import codecs
import unicodedata
from collections import Counter

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BOM_NAMES = {"utf-8-sig": "utf-8 (BOM)", "utf-16": "utf-16", "utf-32": "utf-32"}
SAMPLE = 20000
MAX_FOREIGN_LETTERS = 0.05  # share of letters outside the detected language's scripts
MAX_ODD_SYMBOLS = 0.02  # share of characters that are unlikely symbols
MAX_SYMBOLS_IN_WORDS = 0.02  # share of words with a non-ASCII non-letter between two letters ("powiedzia³")
MAX_LATIN_EXTENDED = 0.30  # share of non-ASCII among letters, for text mostly in Latin letters
MAX_CHAOS = 0.10  # charset-normalizer's mess ratio

# Letters a script's languages use; a language not listed expects the script most of its letters are in.
_SCRIPTS = {
    "LATIN": {
        "en",
        "fr",
        "de",
        "es",
        "it",
        "pt",
        "nl",
        "sv",
        "da",
        "no",
        "nb",
        "nn",
        "fi",
        "is",
        "ga",
        "ca",
        "eu",
        "gl",
        "pl",
        "cs",
        "sk",
        "sl",
        "hr",
        "hu",
        "ro",
        "tr",
        "et",
        "lv",
        "lt",
        "sq",
        "mt",
        "cy",
        "af",
        "id",
        "ms",
        "tl",
        "sw",
        "vi",
        "eo",
        "la",
        "lb",
        "br",
        "oc",
        "wa",
        "az",
        "qu",
        "xh",
        "zu",
        "rw",
        "ht",
        "bs",
    },
    "CYRILLIC": {"ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "mn", "tg"},
    "GREEK": {"el"},
    "ARABIC": {"ar", "fa", "ur", "ps", "ug"},
    "HEBREW": {"he", "yi"},
    "CJK": {"zh", "ja", "ko"},
    "HIRAGANA": {"ja"},
    "KATAKANA": {"ja"},
    "HANGUL": {"ko"},
    "THAI": {"th"},
    "DEVANAGARI": {"hi", "mr", "ne"},
    "GEORGIAN": {"ka"},
    "ARMENIAN": {"hy"},
}
_LANGUAGE_SCRIPTS: dict[str, set[str]] = {}
for _script, _languages in _SCRIPTS.items():
    for _language in _languages:
        _LANGUAGE_SCRIPTS.setdefault(_language, set()).add(_script)


# Non-letters that ordinary text has: typographic quotes, dashes, currency, degrees, NBSP...
def _latin_letter(ch: str) -> bool:
    return ch.isalpha() and ord(ch) < 0x250


def _is_odd(ch: str) -> bool:
    """A character that ordinary text does not use but a wrong decoding produces."""
    if ord(ch) < 128 or ch in _USUAL:
        return False
    category = unicodedata.category(ch)
    if category in ("Cc", "Co", "Cn", "Cs") or ch == "\ufffd":
        return True
    if category[0] == "S":  # symbols: ¤ ¦ ¨ ¬ ¯ ´ ¸ ƒ ˆ ˜ ...
        return True
    return category[0] == "P" and 0xA0 <= ord(ch) <= 0xBF  # Latin-1 punctuation other than the usual


_USUAL = set("‘’‚“”„–—…•·«»‹›€£¥¢°§©®™±×÷¿¡\u00a0\u200b\u2009\u202f½¼¾²³′″№†‡‰")
_IN_WORDS = set("’‐‑·\u00ad\u200b\u200c\u200d")  # apostrophe, hyphens, Catalan l·l, soft hyphen, joiners


class DecodeRefused(Exception):
    """The bytes are not text we can decode with confidence; ``str()`` says what was tried."""


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    first = name.split(" ", 1)[0]
    if first in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL"):
        return first
    if name.startswith(("HALFWIDTH KATAKANA", "FULLWIDTH LATIN")):
        return "KATAKANA" if "KATAKANA" in name else "LATIN"
    return first


def implausibility(text: str) -> str:
    """Why ``text`` does not read as text in its language ("" when it does)."""
    from .languages import classify

    sample = text[:SAMPLE]
    letters = [ch for ch in sample if ch.isalpha()]
    if not letters:
        return ""
    visible = [ch for ch in sample if not ch.isspace()]
    odd = sum(1 for ch in visible if _is_odd(ch))
    if odd / len(visible) > MAX_ODD_SYMBOLS:
        return f"{odd / len(visible):.0%} of its characters are symbols text does not use"
    words = sample.split()
    inside = sum(
        1
        for a, ch, b in zip(sample, sample[1:], sample[2:], strict=False)
        if _latin_letter(a)
        and _latin_letter(b)
        and ord(ch) > 127
        and not ch.isalpha()
        and ch not in _IN_WORDS
        and unicodedata.category(ch)[0] not in "ZM"
    )
    if words and inside / len(words) > MAX_SYMBOLS_IN_WORDS:
        return f"{inside} of its {len(words)} words have a symbol between their letters"
    scripts = Counter(_script(ch) for ch in letters)
    if scripts.most_common(1)[0][0] == "LATIN":
        extended = sum(1 for ch in letters if ord(ch) > 127)
        if extended / len(letters) > MAX_LATIN_EXTENDED:
            return (
                f"{extended / len(letters):.0%} of its letters would be accented, more than any language "
                f"written in Latin letters has"
            )
    language = classify(sample[:2000])[0] if len(sample.strip()) >= 20 else ""
    expected = _LANGUAGE_SCRIPTS.get(language) or {scripts.most_common(1)[0][0]}
    if "LATIN" not in expected:  # names and acronyms in Latin letters are usual in any script
        expected = expected | {"LATIN"}
    foreign = sum(n for script, n in scripts.items() if script not in expected)
    if foreign / len(letters) > MAX_FOREIGN_LETTERS:
        return (
            f"{foreign / len(letters):.0%} of its letters are outside the scripts of the language it reads as "
            f"({language or 'unknown'}: {', '.join(sorted(expected)).lower()})"
        )
    return ""


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when every other byte is mostly NUL (ASCII-range text), else None."""
    sample = data[:4096]
    if len(data) % 2 or len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _strict(data: bytes, encoding: str) -> str:
    return data.decode(encoding)


def _decode_error(exc: UnicodeDecodeError) -> str:
    return f"byte 0x{exc.object[exc.start]:02x} at position {exc.start} is not valid"


def _named(data: bytes, encoding: str) -> tuple[str, str]:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise DecodeRefused(
            f"unknown encoding {encoding!r} (use a name such as utf-8, cp1252, latin-1, utf-16, shift_jis, gb18030)"
        ) from None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise DecodeRefused(f"is not valid {encoding} ({_decode_error(exc)})") from None
    return (text[1:] if text.startswith("\ufeff") else text), codec


def decode_text(data: bytes, *, encoding: str | None = None) -> tuple[str, str]:
    """``(text, encoding name)``; raises DecodeRefused listing the encodings tried and why not."""
    if encoding:
        return _named(data, encoding)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _strict(data, codec).lstrip("\ufeff"), _BOM_NAMES[codec]
            except UnicodeDecodeError as exc:
                raise DecodeRefused(
                    f"starts with a {codec} byte-order mark but is not valid {codec} ({_decode_error(exc)})"
                ) from None
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return _strict(data, utf16), utf16
        except UnicodeDecodeError:
            pass
    tried: list[str] = []
    try:
        return _strict(data, "utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        tried.append(f"utf-8 ({_decode_error(exc)})")
    if b"\x00" in data[:8192]:  # UTF-16 without a BOM in a script whose code points have no NUL byte, or binary
        for codec in ("utf-16-le", "utf-16-be"):
            try:
                text = _strict(data, codec)
            except UnicodeDecodeError:
                continue
            if not implausibility(text):
                return text, codec
        raise DecodeRefused("looks like a binary file (it contains NUL bytes), not text")
    western = "cp1252" if any(0x80 <= b <= 0x9F for b in data) else "latin-1"
    try:
        text = _strict(data, western)
        why = implausibility(text)
    except UnicodeDecodeError as exc:
        text, why = "", _decode_error(exc)
    if not why:
        return text, western
    tried.append(f"{western} ({why})")
    text, codec = _detected(data, tried)
    if text is not None:
        return text, codec
    raise DecodeRefused(
        "could not be decoded with confidence; tried "
        + "; ".join(tried)
        + ". If you know its encoding, name it (import_corpus --encoding, or the upload's "
        "Encoding field)"
    )


def _detected(data: bytes, tried: list[str]) -> tuple[str | None, str]:
    from charset_normalizer import from_bytes

    for match in list(from_bytes(data))[:5]:
        codec = codecs.lookup(match.encoding).name
        if codec in ("cp1252", "latin-1", "iso8859-1", "utf-8"):
            continue  # tried above
        if match.chaos > MAX_CHAOS:
            tried.append(f"{codec} (charset-normalizer's guess, {match.chaos:.0%} of it looks garbled)")
            continue
        text = str(match)
        why = implausibility(text)
        if not why:
            return text, codec
        tried.append(f"{codec} ({why})")
    return None, ""
