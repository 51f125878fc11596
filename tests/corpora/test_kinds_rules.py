"""Single rules of the kind detector, and the language rule applied by article_prepare (no database)."""

import pytest

from corpora.kind_model import ModelChoice
from corpora.kind_patterns import is_comment_header
from corpora.kinds import comment_start, conversational_score, detect_kinds
from corpora.models import Corpus
from corpora.preparation import article_prepare
from corpora.readers import Document

PROSE = (
    "Officials in Beijing said on Tuesday that the agreement would be signed before the end of the year, "
    "and that both sides had settled the remaining questions about pricing."
)


def kinds(paragraphs, **kwargs):
    return [d.kind for d in detect_kinds(paragraphs, **kwargs)]


@pytest.mark.parametrize(
    "line",
    [
        "Comments",
        "12 Comments",
        "## Comments",
        "Leave a Reply",
        "Reader comments:",
        "Join the discussion",
        "3 thoughts on “Pipeline politics”",
    ],
)
def test_comment_headers_are_recognised(line):
    assert is_comment_header(line)


@pytest.mark.parametrize("line", ["Comments from the minister were scathing.", "Discussion of the deal lasted hours."])
def test_sentences_starting_like_a_header_are_not_headers(line):
    assert not is_comment_header(line)


def test_everything_after_a_comment_header_is_comment_except_links():
    paragraphs = [PROSE, PROSE + " More.", "Comments", "Great piece!", "https://example.org/x", "I disagree."]
    assert kinds(paragraphs) == ["body", "body", "comment", "comment", "noise", "comment"]


@pytest.mark.parametrize(
    "line",
    ["March 16, 2023,", "16 March 2023", "2024-10-31", "Tue, Oct. 31, 2024 10:15 AM EST", "Published: June 3, 2026"],
)
def test_date_lines_at_the_top_are_meta(line):
    assert kinds(["A headline without a full stop", line, PROSE]) == ["title", "byline_or_meta", "body"]


def test_editor_note_marker_anywhere_is_an_editor_note():
    paragraphs = ["Editor’s note: this piece was updated to correct a date.", PROSE, PROSE + " Again."]
    assert kinds(paragraphs)[0] == "editor_note"


def test_markdown_headings_become_titles_even_with_a_full_stop():
    paragraphs = ["Sanctions are working. Slowly.", PROSE, "Second section.", PROSE + " B."]
    result = kinds(paragraphs, headings={"Sanctions are working. Slowly.", "Second section."})
    assert result == ["title", "body", "title", "body"]


def test_links_alone_do_not_make_a_comment_section():
    paragraphs = (
        [PROSE] * 3
        + [PROSE + f" {i}." for i in range(5)]
        + ["https://a.example/1", PROSE + " x.", "https://a.example/2"]
    )
    assert comment_start(paragraphs, [p.startswith("https") for p in paragraphs]) is None
    assert "comment" not in kinds(paragraphs)


def test_a_pasted_glossary_is_noise_even_inside_the_body():
    glossary = [
        "Angle",
        "A fictional storyline in wrestling.",
        "Babyface",
        "A heroic wrestler loved by fans.",
        "Heel",
        "A villainous wrestler.",
        "Kayfabe",
        "Keeping up the pretence that it is all real.",
    ]
    paragraphs = [PROSE, PROSE + " One.", *glossary, PROSE + " Two."]
    assert kinds(paragraphs) == ["body", "body"] + ["noise"] * 8 + ["body"]


def test_conversational_score_separates_comments_from_reporting():
    assert conversational_score(PROSE) == 0
    assert conversational_score("Yep, I think you are right!") == 3


def test_a_paragraph_in_another_language_becomes_footer_and_short_ones_inherit():
    german = (
        "Dieser Artikel erschien zuerst in der Zeitung und wird hier mit freundlicher Genehmigung "
        "der Redaktion erneut veröffentlicht."
    )
    document = Document(
        text="\n\n".join([PROSE, PROSE + " It was late.", german, "Sreemoy Talukdar"]),
        source_name="mixed.txt",
        format="txt",
    )
    article, paragraphs = article_prepare(
        corpus=Corpus(name="x"), document=document, model=ModelChoice(rules_only=True)
    )
    assert article.language == "en"
    assert paragraphs[2].kind == "footer"
    assert paragraphs[2].language == "de"
    assert "not the article's language" in paragraphs[2].kind_reason
    assert paragraphs[3].language == "en"  # too short to judge: the article's language
    assert [p.kind for p in paragraphs[:2]] == ["body", "body"]
    # With the learned model (the default) the language is one of its features: still not body.
    _, learned = article_prepare(corpus=Corpus(name="x"), document=document)
    assert learned[2].kind != "body" and learned[2].language == "de"
    assert [p.kind for p in learned[:2]] == ["body", "body"]


def test_article_prepare_fills_title_author_and_date_from_the_head():
    text = "A headline without a full stop\n\nBy Mara Lindqvist, Moscow\n\nJune 3, 2026\n\n" + PROSE
    article, paragraphs = article_prepare(
        corpus=Corpus(name="x"), document=Document(text=text, source_name="a.txt", format="txt")
    )
    assert article.title == "A headline without a full stop"
    assert article.author == "Mara Lindqvist"
    assert str(article.published) == "2026-06-03"
    assert all(text[p.start : p.end] == p.text for p in paragraphs)
