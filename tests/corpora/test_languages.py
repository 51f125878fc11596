"""Language detection: the batched scorer agrees with py3langid, and the shortcut changes nothing."""

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from corpora.languages import (
    MIN_CONFIDENCE,
    PARAGRAPH_SAMPLE,
    article_language,
    paragraph_language,
    paragraph_languages,
)
from corpora.splitting import normalize_newlines, split_paragraphs

FOREIGN = {
    "de": "Dieser Artikel erschien zuerst in der Zeitung und wird hier mit freundlicher Genehmigung der Redaktion "
    "veröffentlicht.",
    "fr": "Le président a déclaré que la réunion à Pékin était très réussie et qu'il y retournerait bientôt avec "
    "le ministre.",
    "es": "El gobierno español anunció el martes que ampliará las sanciones contra Rusia durante seis meses más y "
    "que la medida es firme.",
    "ru": "Правительство России заявило во вторник, что не намерено отказываться от сотрудничества с Китаем.",
}


@pytest.fixture(scope="module")
def shared_paragraphs(request):
    from tests.conftest import SHARED_CORPUS

    return {
        path.name: [s.text for s in split_paragraphs(normalize_newlines(path.read_text()))]
        for path in sorted(SHARED_CORPUS.glob("*.txt"))
    }


def test_batched_scores_agree_with_py3langid_classify_paragraph_by_paragraph(shared_paragraphs):
    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    for texts in shared_paragraphs.values():
        texts = texts + list(FOREIGN.values())
        expected = []
        for text in texts:
            lang, prob = reference.classify(text[:PARAGRAPH_SAMPLE])
            confident = len(text.encode()) >= 40 and prob >= MIN_CONFIDENCE
            expected.append((lang, lang != "en") if confident else ("en", False))
        assert paragraph_languages(texts, "en", shortcut=False) == expected
        assert [paragraph_language(t, "en") for t in texts] == expected


def test_the_vocabulary_shortcut_gives_the_same_answers(shared_paragraphs):
    for texts in shared_paragraphs.values():
        texts = texts + list(FOREIGN.values())
        assert paragraph_languages(texts, "en") == paragraph_languages(texts, "en", shortcut=False)


def test_foreign_paragraphs_are_found_in_an_english_article(shared_paragraphs):
    texts = shared_paragraphs["000_372915233d0c467e.txt"] + list(FOREIGN.values())
    found = paragraph_languages(texts, "en")[-4:]
    assert found == [("de", True), ("fr", True), ("es", True), ("ru", True)]


def test_articles_get_their_language():
    assert article_language(FOREIGN["de"] * 3) == "de"
    assert article_language("Too short.") == ""


def test_article_language_agrees_with_py3langid_classify_on_every_corpus_file(shared_paragraphs):
    """The article's language is scored by the batched scorer: the same answer as classify."""
    from pathlib import Path

    from corpora.languages import ARTICLE_SAMPLE

    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    kinds = Path(__file__).resolve().parents[2] / "corpora" / "testdata" / "kinds"
    texts = ["\n\n".join(t) for t in shared_paragraphs.values()]
    texts += [normalize_newlines(p.read_text(encoding="utf-8")) for p in sorted(kinds.rglob("*.txt"))]
    texts += [" ".join(FOREIGN.values()), FOREIGN["ru"] + " " + FOREIGN["fr"], "Ὅτι μὲν ὑμεῖς, ὦ ἄνδρες Ἀθηναῖοι " * 3]
    assert len(texts) > 30
    for text in texts:
        assert article_language(text) == reference.classify(text[:ARTICLE_SAMPLE])[0], text[:80]
