"""Language of articles and paragraphs (no Django), with py3langid.

py3langid (a numpy port of langid.py, 97 languages) costs about 0.25 ms for a 400-character
paragraph on this machine, most of it a per-byte Python loop, so cost grows with length. To keep
ingestion above 3,000 paragraphs/s:

* an article's language is read from its first ``ARTICLE_SAMPLE`` characters;
* a paragraph's from its first ``PARAGRAPH_SAMPLE`` characters (a sentence or two is plenty for
  a confident answer);
* paragraphs shorter than ``MIN_CHARS`` UTF-8 bytes are not classified: on a name, a date or "Comments" the
  classifier guesses (Tagalog, French, ...), so they take the article's language.

A paragraph counts as another language only when the classifier is at least ``MIN_CONFIDENCE``
sure (normalised probability) and its text is long enough to judge; that is what turns a body
paragraph into a ``footer`` (see ``corpora.kinds`` and the README).
"""

from functools import lru_cache

ARTICLE_SAMPLE = 2000
PARAGRAPH_SAMPLE = 160
MIN_CHARS = 40
MIN_CONFIDENCE = 0.9


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def classify(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, normalised probability) for ``text``."""
    lang, prob = _identifier().classify(text)
    return lang, float(prob)


def article_language(text: str) -> str:
    sample = text[:ARTICLE_SAMPLE]
    return classify(sample)[0] if len(sample.strip()) >= MIN_CHARS else ""


def paragraph_language(text: str, article_lang: str) -> tuple[str, bool]:
    """(language, differs): ``differs`` is True only for a confident, different language."""
    if len(text) < MIN_CHARS and len(text.encode()) < MIN_CHARS:  # bytes: CJK packs more in a character
        return article_lang, False
    lang, prob = classify(text[:PARAGRAPH_SAMPLE])
    if prob < MIN_CONFIDENCE:
        return article_lang, False
    return lang, bool(article_lang) and lang != article_lang
