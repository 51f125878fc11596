"""Language of articles and paragraphs (no Django), with py3langid.

py3langid (a numpy port of langid.py, 97 languages) walks a byte automaton in a Python loop and
then scores the features against every language; classifying paragraphs one by one costs about
0.15 ms for 160 characters, which alone would cap ingestion near 6,000 paragraphs/s on an idle
core. So:

* an article's language is read from its first ``ARTICLE_SAMPLE`` characters;
* a paragraph's from its first ``PARAGRAPH_SAMPLE`` characters (a sentence or two is plenty for
  a confident answer), and all paragraphs of an article are scored together
  (``paragraph_languages``): the automaton walk per paragraph is py3langid's own
  ``visit_counts``; the scoring is one sparse matrix product for the whole article, with the same
  model, the same length-calibrated softmax and the same alias folding as
  ``LanguageIdentifier.classify`` (a test checks both agree);
* before that, a paragraph made for at least ``SHARED_SHARE`` of its words of the article's
  common words (found in at least an eighth of its paragraphs: in practice the language's
  function words, "the", "of", "and") takes the article's language without the classifier. Only
  paragraphs that do not read like the rest are classified; foreign paragraphs under an eighth
  of the article cannot make their words "common", so they are always classified;
* paragraphs shorter than ``MIN_CHARS`` UTF-8 bytes are not classified: on a name, a date or
  "Comments" the classifier guesses (Tagalog, French, ...), so they take the article's language.

A paragraph counts as another language only when the classifier is at least ``MIN_CONFIDENCE``
sure (normalised probability); that is what turns a body paragraph into a ``footer`` (see
``corpora.kinds`` and the README).
"""

import math
import re
from collections import Counter
from functools import lru_cache

import numpy as np

ARTICLE_SAMPLE = 800
PARAGRAPH_SAMPLE = 160
MIN_CHARS = 40
MIN_CONFIDENCE = 0.9
FREQUENT_WORDS, SHARED_SHARE = 50, 0.25
_TOKEN = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def classify(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, normalised probability) for ``text``."""
    lang, prob = _identifier().classify(text)
    return lang, float(prob)


def article_language(text: str) -> str:
    """The language of the article's first ``ARTICLE_SAMPLE`` characters: ``classify``'s answer,
    scored as ``paragraph_languages`` scores (float32 weights, one sparse product; ~15x faster than
    py3langid's float16 product, same language)."""
    sample = text[:ARTICLE_SAMPLE]
    if len(sample.strip()) < MIN_CHARS:
        return ""
    scored = _scores([sample])
    if scored is None:  # no byte n-gram of the model at all: py3langid's own (uniform) answer
        return classify(sample)[0]
    return _identifier().nb_classes[scored[0][0]]


def paragraph_language(text: str, article_lang: str) -> tuple[str, bool]:
    """(language, differs): ``differs`` is True only for a confident, different language."""
    if not _long_enough(text):
        return article_lang, False
    lang, prob = classify(text[:PARAGRAPH_SAMPLE])
    if prob < MIN_CONFIDENCE:
        return article_lang, False
    return lang, bool(article_lang) and lang != article_lang


def _long_enough(text: str) -> bool:
    return len(text) >= MIN_CHARS or len(text.encode()) >= MIN_CHARS  # bytes: CJK packs more in a character


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text[:PARAGRAPH_SAMPLE].lower())


def _frequent_words(token_lists: list[list[str]]) -> frozenset[str]:
    """Up to FREQUENT_WORDS words found in at least an eighth of the paragraphs (and two):
    the article language's function words. A minority of foreign paragraphs cannot get in."""
    spread = Counter(word for tokens in token_lists for word in set(tokens))
    floor = max(2, math.ceil(len(token_lists) / 8))
    return frozenset(word for word, n in spread.most_common(FREQUENT_WORDS) if n >= floor)


def shares_article_vocabulary(tokens: list[str], frequent: frozenset[str]) -> bool:
    """Most running text of a language is its function words, and the article's most frequent
    words are those of its language: a paragraph made largely of them is in that language."""
    return len(tokens) >= 6 and sum(token in frequent for token in tokens) >= SHARED_SHARE * len(tokens)


def paragraph_languages(texts: list[str], article_lang: str, *, shortcut: bool = True) -> list[tuple[str, bool]]:
    """``paragraph_language`` for every text of one article at once.

    With ``shortcut``, paragraphs that share the article's vocabulary take the article's language
    without running the classifier; the others are scored in one matrix product.
    """
    ident = _identifier()
    results = [(article_lang, False)] * len(texts)
    candidates = [i for i, text in enumerate(texts) if _long_enough(text)]
    frequent = frozenset()
    if shortcut and article_lang:
        tokens = {i: _tokens(texts[i]) for i in candidates}
        frequent = _frequent_words(list(tokens.values()))
        candidates = [i for i in candidates if not shares_article_vocabulary(tokens[i], frequent)]
    scored = _scores([texts[i][:PARAGRAPH_SAMPLE] for i in candidates])
    if scored is None:
        return results
    for i, found in zip(candidates, scored, strict=True):
        if found is not None and found[1] >= MIN_CONFIDENCE:
            lang = ident.nb_classes[found[0]]
            results[i] = (lang, bool(article_lang) and lang != article_lang)
    return results


class _Float32Rows:
    """The model's float16 weights (features x languages) as float32, converted row by row the
    first time a feature is seen (converting the rows of every sample cost more than scoring it).
    The conversion is exact; the array is allocated untouched, so memory grows only with the
    features a process has met (a few thousand for a language's text, out of 100,000)."""

    def __init__(self, weights: np.ndarray):
        self.weights = weights
        self.rows = np.empty(weights.shape, dtype=np.float32)
        self.done = np.zeros(weights.shape[0], dtype=bool)

    def __call__(self, features: np.ndarray) -> np.ndarray:
        missing = features[~self.done[features]]
        if missing.size:
            self.rows[missing] = self.weights[missing]
            self.done[missing] = True
        return self.rows[features]


@lru_cache(maxsize=1)
def _float32_rows() -> _Float32Rows:
    return _Float32Rows(_identifier().nb_ptc)


def _weights(features: np.ndarray) -> np.ndarray:
    return _float32_rows()(features)


def _scores(samples: list[str]) -> list[tuple[int, float] | None] | None:
    """For each sample, (index of the best class, its normalised probability), as
    ``LanguageIdentifier.classify`` computes them, or None for a sample without a single feature;
    None when no sample has one. py3langid's automaton walk per sample (``visit_counts``), then one
    sparse matrix product for all samples with the same model, the same length-calibrated softmax
    and the same alias folding."""
    from py3langid.langid import visit_counts
    from scipy.sparse import csr_matrix

    ident = _identifier()
    rows, lengths, indptr, indices, counts = [], [], [0], [], []
    for row, text in enumerate(samples):
        sample = ident._encode(text)
        visits = visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, sample)
        if not visits:
            continue
        rows.append(row)
        lengths.append(len(sample))
        indices.extend(visits.keys())
        counts.extend(visits.values())
        indptr.append(len(indices))
    if not rows:
        return None
    features, columns = np.unique(np.asarray(indices, dtype=np.intp), return_inverse=True)
    matrix = csr_matrix(
        (np.log1p(np.asarray(counts, dtype=np.float32)), columns, indptr), shape=(len(rows), len(features))
    )
    scores = np.asarray(matrix @ _weights(features)) + ident.nb_pc
    scores *= (1.0 / np.sqrt(np.asarray(lengths, dtype=np.float32)))[:, None]
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    scores /= scores.sum(axis=1, keepdims=True)
    for a, b in ident._alias_pairs:
        scores[:, a] += scores[:, b]
        scores[:, b] = 0.0
    best = scores.argmax(axis=1)
    out: list[tuple[int, float] | None] = [None] * len(samples)
    for k, row in enumerate(rows):
        out[row] = (int(best[k]), float(scores[k, best[k]]))
    return out
