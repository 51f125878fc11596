"""Encodings with real bytes: decoded only with confidence, never garbled, refused naming what was tried."""

import pytest

from corpora.encodings import DecodeRefused, decode_text, implausibility
from corpora.readers import ReadError, read_source

FRENCH = (
    "À Genève, le ministre a déclaré très naïvement que l'été serait très chaud. « C'est ça », "
    "a-t-il ajouté devant la presse réunie à l'hôtel de ville.\n"
)
ENGLISH_CP1252 = (
    "Moscow said the deal was “historic” – a word Washington avoided; it is worth €4 billion… "
    "Analysts called it a ‘turning point’ for Europe’s energy market.\n"
)
JAPANESE = (
    "日本の外務大臣は本日、中国とロシアの関係について記者会見を行い、両国の協力が地域の安定に"
    "影響を与えると述べた。政府は引き続き状況を注視する方針だ。\n"
)
CHINESE = (
    "中国外交部发言人今天表示，中俄两国将继续深化全面战略协作伙伴关系，共同维护地区和平与稳定。"
    "双方在能源领域的合作不断扩大。\n"
)
RUSSIAN = "Министр иностранных дел России заявил, что отношения с Китаем находятся на самом высоком уровне.\n"
POLISH = "Minister spraw zagranicznych powiedział, że współpraca z Niemcami jest ważna dla bezpieczeństwa Europy.\n"


def test_the_latin1_file_of_the_issue_is_decoded_as_latin1_not_as_a_central_european_code_page():
    # charset-normalizer alone read these bytes as "ą Genčve", "trčs", "naļveté"
    data = FRENCH.encode("latin-1")
    text, encoding = decode_text(data)
    assert (text, encoding) == (FRENCH, "latin-1")
    assert "Genève" in text and "très" in text and "naïvement" in text


def test_cp1252_curly_quotes_dashes_and_the_euro_sign_are_decoded_as_windows_1252():
    text, encoding = decode_text(ENGLISH_CP1252.encode("cp1252"))
    assert (text, encoding) == (ENGLISH_CP1252, "cp1252")
    assert "€4" in text and "“historic”" in text


@pytest.mark.parametrize(
    "codec, bom, expected",
    [
        ("utf-16-le", b"\xff\xfe", "utf-16"),
        ("utf-16-be", b"\xfe\xff", "utf-16"),
        ("utf-16-le", b"", "utf-16-le"),
        ("utf-16-be", b"", "utf-16-be"),
    ],
)
def test_utf16_with_and_without_a_byte_order_mark_is_decoded(codec, bom, expected):
    data = bom + FRENCH.encode(codec)
    assert decode_text(data) == (FRENCH, expected)


def test_utf16_without_a_bom_is_not_mistaken_for_a_binary_file():
    documents = read_source("notes.txt", ENGLISH_CP1252.encode("utf-16-le"))
    assert documents[0].text.strip() == ENGLISH_CP1252.strip() and documents[0].encoding == "utf-16-le"


def test_utf8_is_preferred_and_its_bom_dropped():
    assert decode_text(FRENCH.encode("utf-8")) == (FRENCH, "utf-8")
    assert decode_text(b"\xef\xbb\xbf" + FRENCH.encode("utf-8")) == (FRENCH, "utf-8 (BOM)")


@pytest.mark.parametrize(
    "codec, text",
    [("shift_jis", JAPANESE), ("gb18030", CHINESE), ("cp1251", RUSSIAN), ("cp1250", POLISH), ("utf-16-le", JAPANESE)],
)
def test_other_encodings_are_decoded_exactly_or_refused_never_garbled(codec, text):
    try:
        decoded, used = decode_text(text.encode(codec))
    except DecodeRefused as refused:
        assert "tried utf-8" in str(refused)
        return
    assert decoded == text, f"{codec} garbled as {used}: {decoded[:40]!r}"


def test_shift_jis_and_gb18030_read_through_windows_1252_are_judged_garbled():
    for codec, text in (("shift_jis", JAPANESE), ("gb18030", CHINESE)):
        assert implausibility(text.encode(codec).decode("latin-1")), codec
    assert implausibility(POLISH.encode("cp1250").decode("cp1252"))  # "powiedzia³, ¿e"
    for good in (FRENCH, ENGLISH_CP1252, JAPANESE, CHINESE, RUSSIAN, POLISH):
        assert implausibility(good) == "", good[:20]


def test_a_mixed_file_utf8_with_one_latin1_line_is_refused_naming_the_encodings_tried():
    data = FRENCH.encode("utf-8") * 3 + "Une ligne ajoutée à la main, en latin-1.\n".encode("latin-1")
    with pytest.raises(ReadError) as caught:
        read_source("mixed.txt", data)
    reason = caught.value.reason
    assert str(caught.value).startswith("mixed.txt: could not be decoded with confidence; tried utf-8 (byte 0xe9 at")
    assert "cp1252 (" in reason and "--encoding" in reason and "Encoding field" in reason


def test_an_encoding_named_by_the_user_is_used_strictly():
    data = JAPANESE.encode("shift_jis")
    assert decode_text(data, encoding="shift_jis") == (JAPANESE, "shift_jis")
    assert read_source("a.txt", FRENCH.encode("latin-1"), encoding="latin-1")[0].encoding == "iso8859-1"
    with pytest.raises(DecodeRefused, match=r"is not valid utf-8 \(byte 0x93 at position 0"):
        decode_text(data, encoding="utf-8")
    with pytest.raises(DecodeRefused, match="unknown encoding 'klingon'"):
        decode_text(data, encoding="klingon")


def test_binary_files_are_still_refused():
    with pytest.raises(DecodeRefused, match="binary"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x02\x03" * 50)


@pytest.mark.parametrize("codec", ["cp1252", "utf-16-le", "utf-16-be"])
def test_the_shared_articles_saved_in_another_encoding_come_back_exactly(shared_corpus_dir, codec):
    """Real news text, not written for these rules: each article the codec can hold round-trips."""
    checked = 0
    for path in sorted(shared_corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            continue
        assert decode_text(data)[0] == text, path.name
        checked += 1
    assert checked >= 3
