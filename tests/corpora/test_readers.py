"""readers: decoding, formats and every bad input, each with a message naming the file (no database)."""

import io
import json
import zipfile

import pytest

from corpora.readers import ReadError, decode, markdown_to_text, read_source, zip_members

FRENCH = "Le président a déclaré que la réunion à Pékin était « très réussie » et qu'il y retournerait.\n" * 3


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_non_utf8_text_is_decoded_with_its_charset(encoding):
    text = decode("fr.txt", FRENCH.encode(encoding))
    assert "président" in text and "déclaré" in text and "Pékin" in text


def test_cp1252_curly_quotes_and_dashes_are_decoded():
    source = (
        "Moscow said the deal was “historic” – a word Washington avoided. "
        "Analysts called it a ‘turning point’ for Europe’s energy market.\n"
    ) * 4
    assert decode("quotes.txt", source.encode("cp1252")) == source


def test_utf8_bom_is_dropped_and_crlf_normalized():
    assert decode("bom.txt", "\ufeffHello\r\nWorld".encode("utf-8")) == "Hello\nWorld"


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty"),
        (b"  \n\t \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ],
)
def test_empty_and_binary_files_are_refused_with_the_file_name(data, reason):
    with pytest.raises(ReadError) as caught:
        read_source("bad.txt", data)
    assert str(caught.value).startswith("bad.txt: ") and reason in caught.value.reason


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(ReadError, match=r"big.txt: the file is 2.0 KB, over the 1.0 KB limit"):
        read_source("big.txt", b"x" * 2048, max_bytes=1024)


def test_unsupported_extension_is_refused_clearly():
    with pytest.raises(ReadError, match=r"report.pdf: unsupported file type .pdf"):
        read_source("report.pdf", b"%PDF-1.7")


def test_jsonl_reads_one_article_per_line_with_metadata():
    lines = [
        {
            "title": "T1",
            "text": "Para one.\n\nPara two.",
            "url": "https://e.org/1",
            "author": "A",
            "published": "2026-10-14",
        },
        {"text": "Only text."},
    ]
    docs = read_source("w.jsonl", "\n".join(json.dumps(row) for row in lines).encode())
    assert [d.title for d in docs] == ["T1", ""]
    assert str(docs[0].published) == "2026-10-14" and docs[0].url == "https://e.org/1"
    assert docs[1].source_name == "w.jsonl:2"


@pytest.mark.parametrize(
    "line,message",
    [
        ('{"text": "ok"', r"wire.jsonl: line 2 is not valid JSON"),
        ('["a list"]', r"wire.jsonl: line 2 is not a JSON object"),
        ('{"title": "no text"}', r"wire.jsonl: line 2 has no \"text\""),
        ('{"text": "x", "published": "not a date"}', r"wire.jsonl: line 2: \"published\" is not a date"),
        ('{"text": "x", "author": 12}', r"wire.jsonl: line 2: \"author\" must be a string"),
    ],
)
def test_a_malformed_jsonl_line_names_the_file_and_line(line, message):
    data = ('{"text": "A fine first line."}\n' + line + "\n").encode()
    with pytest.raises(ReadError, match=message):
        read_source("wire.jsonl", data)


def test_html_keeps_title_author_and_date_and_drops_navigation(settings):
    data = (settings.BASE_DIR / "corpora" / "sample_corpus" / "03_summit.html").read_bytes()
    [doc] = read_source("03_summit.html", data)
    assert doc.title == "At the summit, Delhi walks a tightrope"
    assert doc.author == "Priya Raman" and str(doc.published) == "2026-09-01"
    assert "Subscribe" not in doc.text and "All rights reserved" not in doc.text
    assert "Shanghai Cooperation Organisation" in doc.text


def test_markdown_becomes_plain_text_and_headings_are_remembered():
    text, headings = markdown_to_text("# Big *news*\n\nSome **bold** and [a link](https://x.org).\n\n## Comments\n\nHi")
    assert text == "Big news\n\nSome bold and a link.\n\nComments\n\nHi"
    assert headings == {"Big news", "Comments"}


def test_zip_members_are_listed_and_unsupported_or_hidden_ones_skipped():
    data = make_zip(
        {
            "a/one.txt": b"One.",
            "two.md": b"# Two",
            "notes.pdf": b"%PDF",
            "__MACOSX/._one.txt": b"x",
            "inner.zip": make_zip({"x.txt": b"x"}),
        }
    )
    sources, skipped = zip_members("batch.zip", data)
    assert [s.name for s in sources] == ["batch.zip/a/one.txt", "batch.zip/two.md"]
    reasons = dict(skipped)
    assert "unsupported file type .pdf" in reasons["batch.zip/notes.pdf"]
    assert "archives inside archives" in reasons["batch.zip/inner.zip"]
    assert "batch.zip/__MACOSX/._one.txt" in reasons


@pytest.mark.parametrize("member", ["../evil.txt", "a/../../evil.txt", "/etc/evil.txt", "..\\evil.txt", "C:/evil.txt"])
def test_a_zip_with_a_path_escaping_its_folder_is_refused(member):
    data = make_zip({"fine.txt": b"Fine.", member: b"Evil."})
    with pytest.raises(ReadError, match=r"slip.zip: member .* points outside the archive's folder \(zip slip\)"):
        zip_members("slip.zip", data)


def test_a_zip_whose_uncompressed_size_is_over_the_limit_is_refused():
    data = make_zip({"zeros.txt": b"0" * 200_000})  # compresses to a few hundred bytes
    assert len(data) < 2_000
    with pytest.raises(ReadError, match=r"bomb.zip: uncompressed size 195.3 KB is over the 100.0 KB limit"):
        zip_members("bomb.zip", data, max_bytes=102_400)


def test_a_zip_lying_about_its_sizes_is_still_stopped():
    data = bytearray(make_zip({"zeros.txt": b"0" * 200_000}))
    # Patch the declared uncompressed size (central directory and local header) down to 10 bytes.
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = data.find(signature) + offset
        data[at : at + 4] = (10).to_bytes(4, "little")
    with pytest.raises(ReadError, match=r"lying.zip: (member 'zeros.txt' cannot be read|uncompressed size)"):
        zip_members("lying.zip", bytes(data), max_bytes=100_000)


def test_not_a_zip_is_refused():
    with pytest.raises(ReadError, match=r"fake.zip: is not a valid zip archive"):
        zip_members("fake.zip", b"this is text")
