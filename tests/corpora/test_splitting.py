"""split_paragraphs: exact offsets for every layout real files use (no database)."""

from itertools import pairwise

import pytest

from corpora.splitting import normalize_newlines, split_paragraphs


def assert_exact(text, spans):
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip() and span.text


def test_blank_line_separated_paragraphs_keep_exact_offsets():
    text = "\n\nTitle here\n\nFirst paragraph.\n\n\n  Second one.  \n"
    spans = split_paragraphs(text)
    assert [s.text for s in spans] == ["Title here", "First paragraph.", "Second one."]
    assert_exact(text, spans)
    assert spans[2].start == text.index("Second")


def test_one_paragraph_per_line_files_split_on_single_newlines():
    text = "First line is a paragraph of its own.\nSecond line too, it is rather long " + "x" * 200 + "\nThird."
    spans = split_paragraphs(text)
    assert len(spans) == 3
    assert_exact(text, spans)


def test_hard_wrapped_paragraphs_stay_whole():
    wrapped = (
        "This paragraph was wrapped at about seventy characters by an editor\n"
        "that still lives in the nineteen-eighties, and it goes on for a\n"
        "third line."
    )
    text = wrapped + "\n\nAnother paragraph."
    spans = split_paragraphs(text)
    assert [s.text for s in spans] == [wrapped, "Another paragraph."]
    assert_exact(text, spans)


def test_one_line_paragraphs_with_blank_lines_only_at_the_end_split_by_line():
    # Layout of 003: single newlines between paragraphs, blank lines only before "Comments".
    body = "\n".join(f"Paragraph {i} " + "word " * 40 for i in range(3))
    text = "\n" + body + "\nSource: author's blog\n\n\n\n\nComments"
    spans = split_paragraphs(text)
    assert [s.text for s in spans][-2:] == ["Source: author's blog", "Comments"]
    assert len(spans) == 5
    assert_exact(text, spans)


def test_non_breaking_spaces_and_tabs_are_trimmed_but_offsets_stay_true():
    text = "\u00a0 Indented\u00a0paragraph.\t\n\n\tNext."
    spans = split_paragraphs(text)
    assert spans[0].text == "Indented\u00a0paragraph."
    assert_exact(text, spans)


def test_normalize_newlines_turns_crlf_and_cr_into_lf_and_drops_nul():
    assert normalize_newlines("a\r\nb\rc\x00d") == "a\nb\ncd"


def test_empty_and_whitespace_text_has_no_paragraphs():
    assert split_paragraphs("") == []
    assert split_paragraphs(" \n\n \t\n") == []


@pytest.mark.parametrize(
    "name",
    ["000_372915233d0c467e.txt", "001_906daba6f3fdc6f9.txt", "002_b8aa54d3edd41c2c.txt", "003_02f75c1c77fcec06.txt"],
)
def test_every_shared_file_splits_with_exact_offsets(shared_corpus_dir, name):
    text = normalize_newlines((shared_corpus_dir / name).read_text())
    spans = split_paragraphs(text)
    assert_exact(text, spans)
    expected = {"000": 15, "001": 34, "002": 95, "003": 10}[name[:3]]
    assert len(spans) == expected
    # Nothing but whitespace is lost between paragraphs.
    covered = "".join(text[a.end : b.start] for a, b in pairwise(spans))
    assert covered.strip() == ""
