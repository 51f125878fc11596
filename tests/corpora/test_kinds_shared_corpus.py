"""The kind detector on every file of ../shared/corpus, checked by file against a careful reading.

Positions are paragraph indexes (0-based) as split_paragraphs finds them.
"""

import pytest

from corpora.kinds import detect_kinds
from corpora.readers import read_source
from corpora.splitting import split_paragraphs


def kinds_of(shared_corpus_dir, name):
    document = read_source(name, (shared_corpus_dir / name).read_bytes())[0]
    texts = [s.text for s in split_paragraphs(document.text)]
    decisions = detect_kinds(texts, title=document.title, author=document.author, headings=document.headings)
    return texts, [d.kind for d in decisions]


def positions(kinds, kind):
    return [i for i, k in enumerate(kinds) if k == kind]


def test_000_is_all_body_except_the_substack_republishing_footer(shared_corpus_dir):
    texts, kinds = kinds_of(shared_corpus_dir, "000_372915233d0c467e.txt")
    assert texts[-1].startswith("This\u00a0article was first published on Andrew Korybko")
    assert kinds[-1] == "footer"
    assert positions(kinds, "body") == list(range(14))


def test_001_title_byline_and_date_are_not_body_and_the_broken_fragment_is(shared_corpus_dir):
    texts, kinds = kinds_of(shared_corpus_dir, "001_906daba6f3fdc6f9.txt")
    assert texts[0].startswith("Growing Russia-China entente") and kinds[0] == "title"
    assert texts[1] == "Sreemoy Talukdar" and kinds[1] == "byline_or_meta"
    assert texts[2] == "March 16, 2023," and kinds[2] == "byline_or_meta"
    assert positions(kinds, "body") == list(range(3, 34))
    fragment = texts.index(next(t for t in texts if t.startswith("hypersonic missiles")))
    assert kinds[fragment - 1] == kinds[fragment] == "body"
    assert kinds[texts.index("This won’t be easy.")] == "body"


def test_002_republisher_intro_byline_headings_comments_and_glossary(shared_corpus_dir):
    texts, kinds = kinds_of(shared_corpus_dir, "002_b8aa54d3edd41c2c.txt")
    assert texts[0].startswith("Yves here.")
    assert kinds[:2] == ["editor_note", "editor_note"]
    assert texts[2].startswith("By Linggong Kong") and kinds[2] == "byline_or_meta"
    assert texts[3] == "Is the U.S. angling for a repeat of the Sino-Russian split?" and kinds[3] == "title"
    headings = [
        "A Growing Challenge",
        "Besties Forever?",
        "Putin Knows Who His Real Friends Are",
        "Transactional Weakness",
        "Insulating the Economy",
        "China’s Turn to Exploit a Split?",
    ]
    assert [texts[i] for i in positions(kinds, "title")][1:] == headings
    first_comment = next(i for i, t in enumerate(texts) if t.startswith("The whole thing is so infantile"))
    assert first_comment == 37
    # The article: everything from the title to the last paragraph before the comments.
    article = [i for i in range(4, first_comment) if texts[i] not in headings]
    assert positions(kinds, "body") == article
    # After it: nothing is body; links and the pasted wrestling glossary are noise.
    assert all(k in ("comment", "noise") for k in kinds[first_comment:])
    for i, text in enumerate(texts[first_comment:], start=first_comment):
        if text.startswith("https://"):
            assert kinds[i] == "noise"
    glossary = range(texts.index("A"), texts.index("A") + 11)
    assert texts[glossary[-1]].startswith("A fictional storyline.")
    assert all(kinds[i] == "noise" for i in glossary)
    assert kinds[texts.index("> Russia in former Soviet satellite states,")] == "comment"
    assert kinds[-1] == "comment"


def test_003_source_line_is_a_footer_and_comments_header_a_comment(shared_corpus_dir):
    texts, kinds = kinds_of(shared_corpus_dir, "003_02f75c1c77fcec06.txt")
    assert texts[-2:] == ["Source: author’s blog", "Comments"]
    assert kinds[-2:] == ["footer", "comment"]
    assert positions(kinds, "body") == list(range(8))


@pytest.mark.parametrize(
    "name,body",
    [
        ("01_pipeline_talks.txt", [3, 4, 5, 6, 7]),
        ("02_sanctions_oped.md", [3, 4, 5, 6]),
        ("03_summit.html", [1, 2, 3, 4]),
    ],
)
def test_sample_corpus_files_get_sensible_kinds(settings, name, body):
    path = settings.BASE_DIR / "corpora" / "sample_corpus" / name
    document = read_source(name, path.read_bytes())[0]
    texts = [s.text for s in split_paragraphs(document.text)]
    kinds = [
        d.kind for d in detect_kinds(texts, title=document.title, author=document.author, headings=document.headings)
    ]
    assert positions(kinds, "body") == body
    assert kinds[0] == "title"
    if name.startswith("01"):
        assert kinds[1:3] == ["byline_or_meta", "byline_or_meta"] and kinds[-1] == "footer"
    if name.startswith("02"):
        assert kinds[1:3] == ["byline_or_meta", "editor_note"]
        assert kinds[texts.index("Comments") :] == ["comment"] * 3
