"""Claims ranked by what the project has learned, with a reason for each.

Parts of the score of claim c for a paragraph (similarities are cosines of L2-normalised vectors):
  text        max over the paragraph and each of its sentences of sim(., codebook text of c)
  words       share of c's content words that occur in the paragraph
  terms       TF-IDF cosine between the paragraph and c's codebook text (sublinear term counts, IDF
              over the labelled paragraphs and the codebook): the exact names and terms a claim
              shares with a paragraph, which the sentence embedding blurs
  examples    max over the paragraph's sentences of sim(., a labelled example of c), where an
              example is the sentence of a labelled paragraph closest to c
  neighbours  over the k labelled paragraphs most similar to this one, the similarity-weighted
              share that hold a statement about c
  decisions   accepted / rejected suggestions of c: (accepted + 1) / (accepted + rejected + 2) - 0.5
score = text + w_words * words + w_neighbours * neighbours + w_examples * examples + w_terms * terms
        + 0.5 * decisions.
The weights are learned per project (`fit_weights`): article-grouped cross-validation over the
labelled paragraphs picks, from a small grid that includes all-zero (the codebook alone), the
weights with the best top-3 recall on held-out articles. Where the project's articles share few
claims, what was learned from other articles does not transfer and the weights stay at zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .direction import words as _words

K_NEIGHBOURS = 5
WEIGHT_GRID = [
    (w, n, e, t)
    for w in (0.0, 0.15, 0.3)
    for n in (0.0, 0.1, 0.25, 0.5)
    for e in (0.0, 0.25)
    for t in (0.0, 0.25, 0.5, 1.0)
]
WEIGHT_NAMES = ("words", "neighbours", "examples", "terms")
STOP_WORDS = frozenset(
    """
a an the of to and in on for is are was were be been being should would could will can its it with by as
that this these those from has have had at or but not their they them his her he she we our than more most
""".split()
)


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _words(text) if w not in STOP_WORDS and len(w) > 1)


def _terms(text: str) -> list[str]:
    stop = _english_stop_words()
    return [w for w in _words(text) if w not in stop and w not in STOP_WORDS and len(w) > 1]


def _english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, imported on first use: importing sklearn at start-up pulls in
    pandas and psutil, which the web tier loads no other way (tests/test_startup.py)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


def fit_idf(texts: Sequence[str]) -> dict[str, float]:
    """Smoothed inverse document frequency of each term of `texts`; unseen terms get `idf[""]`."""
    df: dict[str, int] = {}
    for text in texts:
        for term in set(_terms(text)):
            df[term] = df.get(term, 0) + 1
    n = len(texts)
    idf = {term: math.log((1 + n) / (1 + count)) + 1.0 for term, count in df.items()}
    idf[""] = math.log(1 + n) + 1.0
    return idf


def tfidf_vector(text: str, idf: dict[str, float]) -> dict[str, float]:
    """L2-normalised TF-IDF weights (1 + log tf) of the text's terms."""
    counts: dict[str, int] = {}
    for term in _terms(text):
        counts[term] = counts.get(term, 0) + 1
    unseen = idf.get("", 1.0)
    weights = {t: (1.0 + math.log(c)) * idf.get(t, unseen) for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


@dataclass
class ClaimMemory:
    """What the ranker learned: labelled paragraph vectors with their claims, and example sentences."""

    claim_keys: list[str]
    codebook: np.ndarray  # one row per claim key
    paragraph_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    paragraph_claims: list[frozenset[str]] = field(default_factory=list)
    example_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    example_claims: list[str] = field(default_factory=list)
    decisions: dict[str, tuple[int, int]] = field(default_factory=dict)  # claim -> (accepted, rejected)
    claim_words: list[frozenset[str]] = field(default_factory=list)
    weights: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)  # WEIGHT_NAMES; older memories have no terms weight
    idf: dict[str, float] | None = None  # None (older memories): the terms part is 0
    claim_terms: list[dict[str, float]] | None = None


def _weights(memory: ClaimMemory) -> tuple[float, float, float, float]:
    w = tuple(memory.weights)
    return tuple(w + (0.0,) * (len(WEIGHT_NAMES) - len(w)))[: len(WEIGHT_NAMES)]


@dataclass(frozen=True)
class RankedClaim:
    key: str
    score: float
    text_score: float
    neighbours: int  # labelled neighbours that hold this claim
    why: str


def build_memory(
    *,
    claim_keys: Sequence[str],
    codebook: np.ndarray,
    claim_texts: Sequence[str],
    paragraph_vectors: np.ndarray,
    paragraph_claims: Sequence[frozenset[str]],
    sentence_vectors: Sequence[np.ndarray],
    decisions: dict[str, tuple[int, int]] | None = None,
    weights: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0),
    paragraph_texts: Sequence[str] = (),
) -> ClaimMemory:
    """sentence_vectors[i]: the sentences of labelled paragraph i (rows), for the examples;
    paragraph_texts (with the claim texts) give the IDF of the terms part."""
    index = {k: j for j, k in enumerate(claim_keys)}
    examples, example_claims = [], []
    for claims, sentences in zip(paragraph_claims, sentence_vectors, strict=True):
        for key in sorted(claims):
            if key in index and len(sentences):
                examples.append(sentences[int(np.argmax(sentences @ codebook[index[key]]))])
                example_claims.append(key)
    dim = codebook.shape[1] if codebook.size else 0
    return ClaimMemory(
        claim_keys=list(claim_keys),
        codebook=codebook,
        paragraph_vectors=np.asarray(paragraph_vectors, dtype=np.float32).reshape(-1, dim),
        paragraph_claims=list(paragraph_claims),
        example_vectors=np.asarray(examples, dtype=np.float32).reshape(-1, dim),
        example_claims=example_claims,
        decisions=dict(decisions or {}),
        claim_words=[content_words(t) for t in claim_texts],
        weights=tuple(weights),
        idf=(idf := fit_idf(list(paragraph_texts) + list(claim_texts))),
        claim_terms=[tfidf_vector(t, idf) for t in claim_texts],
    )


def _components(memory: ClaimMemory, paragraph_text: str, paragraph_vector: np.ndarray, sentence_vectors: np.ndarray):
    keys = memory.claim_keys
    index = {k: j for j, k in enumerate(keys)}
    views = (
        np.vstack([paragraph_vector[None, :], sentence_vectors]) if len(sentence_vectors) else paragraph_vector[None, :]
    )
    text = (views @ memory.codebook.T).max(axis=0)
    present = content_words(paragraph_text)
    lexical = (
        np.array([len(present & cw) / len(cw) if cw else 0.0 for cw in memory.claim_words])
        if memory.claim_words
        else np.zeros(len(keys))
    )
    examples = np.zeros(len(keys))
    if len(memory.example_claims):
        sims = (views @ memory.example_vectors.T).max(axis=0)
        for sim, key in zip(sims, memory.example_claims, strict=True):
            j = index.get(key)
            if j is not None:
                examples[j] = max(examples[j], float(sim))
    neighbours = np.zeros(len(keys))
    holders = np.zeros(len(keys), dtype=int)
    if len(memory.paragraph_claims):
        sims = memory.paragraph_vectors @ paragraph_vector
        nearest = np.argsort(-sims, kind="stable")[:K_NEIGHBOURS]
        weight = np.clip(sims[nearest], 0, None)
        total = weight.sum() or 1.0
        for i, w in zip(nearest, weight, strict=True):
            for key in memory.paragraph_claims[i]:
                j = index.get(key)
                if j is not None:
                    neighbours[j] += w / total
                    holders[j] += 1
    terms = np.zeros(len(keys))
    if memory.idf is not None and memory.claim_terms:
        mine = tfidf_vector(paragraph_text, memory.idf)
        terms = np.array([_cosine(mine, c) for c in memory.claim_terms])
    decided = np.array(
        [(memory.decisions.get(k, (0, 0))[0] + 1) / (sum(memory.decisions.get(k, (0, 0))) + 2) - 0.5 for k in keys]
    )
    return text, lexical, neighbours, examples, decided, holders, terms


def _combine(parts, weights) -> np.ndarray:
    text, lexical, neighbours, examples, decided, _, terms = parts
    w_words, w_neighbours, w_examples, w_terms = weights
    return (
        text + w_words * lexical + w_neighbours * neighbours + w_examples * examples + w_terms * terms + 0.5 * decided
    )


def rank_claims(
    memory: ClaimMemory,
    paragraph_text: str,
    paragraph_vector: np.ndarray,
    sentence_vectors: np.ndarray,
    *,
    top_k: int = 5,
) -> list[RankedClaim]:
    keys = memory.claim_keys
    if not keys:
        return []
    parts = _components(memory, paragraph_text, paragraph_vector, sentence_vectors)
    text, lexical, _, examples, _, holders, terms = parts
    score = _combine(parts, _weights(memory))
    w_words, w_neighbours, w_examples, w_terms = _weights(memory)
    out = []
    for j in np.argsort(-score, kind="stable")[:top_k]:
        reasons = [f"text similarity {text[j]:.2f}"]
        if w_words and lexical[j]:
            reasons.append(f"{lexical[j]:.0%} of its words in the paragraph")
        if w_neighbours and holders[j]:
            reasons.append(f"similar to {holders[j]} labelled paragraph{'s' if holders[j] > 1 else ''}")
        if w_terms and terms[j] > 0:
            reasons.append(f"shares terms with it ({terms[j]:.2f})")
        if w_examples and examples[j] > 0:
            reasons.append(f"like a labelled example ({examples[j]:.2f})")
        accepted, rejected = memory.decisions.get(keys[j], (0, 0))
        if accepted or rejected:
            reasons.append(f"accepted {accepted}, rejected {rejected}")
        out.append(
            RankedClaim(
                key=keys[j],
                score=round(float(score[j]), 4),
                text_score=round(float(text[j]), 4),
                neighbours=int(holders[j]),
                why="; ".join(reasons),
            )
        )
    return out


def fit_weights(
    *,
    claim_keys: Sequence[str],
    codebook: np.ndarray,
    claim_texts: Sequence[str],
    paragraph_texts: Sequence[str],
    paragraph_vectors: np.ndarray,
    paragraph_claims: Sequence[frozenset[str]],
    sentence_vectors: Sequence[np.ndarray],
    groups: Sequence[str],
) -> tuple[tuple[float, float, float, float], dict]:
    """The grid weights with the best top-3 recall on held-out articles (ties: the smaller weights),
    and the recall of each tried. Fewer than two articles: the codebook alone."""
    unique = sorted(set(groups))
    if len(unique) < 2 or not claim_keys:
        return (0.0, 0.0, 0.0, 0.0), {}
    g = np.asarray(groups)
    parts_by_fold = []
    for held in unique:
        train, test = np.where(g != held)[0], np.where(g == held)[0]
        memory = build_memory(
            claim_keys=claim_keys,
            codebook=codebook,
            claim_texts=claim_texts,
            paragraph_vectors=paragraph_vectors[train],
            paragraph_claims=[paragraph_claims[i] for i in train],
            sentence_vectors=[sentence_vectors[i] for i in train],
            paragraph_texts=[paragraph_texts[i] for i in train],
        )
        no_sentences = np.zeros((0, codebook.shape[1]), dtype=np.float32)
        parts_by_fold += [
            (_components(memory, paragraph_texts[i], paragraph_vectors[i], no_sentences), paragraph_claims[i])
            for i in test
            if paragraph_claims[i]
        ]
    index = {k: j for j, k in enumerate(claim_keys)}
    tried = {}
    for weights in WEIGHT_GRID:
        hits = total = 0
        for parts, claims in parts_by_fold:
            top = set(np.argsort(-_combine(parts, weights), kind="stable")[:3].tolist())
            hits += sum(index[c] in top for c in claims if c in index)
            total += sum(c in index for c in claims)
        tried[weights] = hits / total if total else 0.0
    best = max(WEIGHT_GRID, key=lambda w: (round(tried[w], 6), -sum(w)))
    return best, {",".join(str(x) for x in w): round(v, 4) for w, v in tried.items()}


def learned_scores(memory: ClaimMemory, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """Combined scores (rows: paragraphs, columns: memory.claim_keys), from paragraph vectors only."""
    no_sentences = np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32)
    return (
        np.vstack(
            [
                _combine(_components(memory, t, v, no_sentences), _weights(memory))
                for t, v in zip(texts, vectors, strict=True)
            ]
        )
        if len(texts)
        else np.zeros((0, len(memory.claim_keys)))
    )


def with_codebook(
    memory: ClaimMemory, *, claim_keys: Sequence[str], codebook: np.ndarray, claim_texts: Sequence[str]
) -> ClaimMemory:
    """The learned memory over the registry's current claims (added claims get no neighbours yet)."""
    return ClaimMemory(
        claim_keys=list(claim_keys),
        codebook=codebook,
        paragraph_vectors=memory.paragraph_vectors,
        paragraph_claims=memory.paragraph_claims,
        example_vectors=memory.example_vectors,
        example_claims=memory.example_claims,
        decisions=memory.decisions,
        claim_words=[content_words(t) for t in claim_texts],
        weights=memory.weights,
        idf=memory.idf,
        claim_terms=[tfidf_vector(t, memory.idf) for t in claim_texts] if memory.idf is not None else None,
    )
