"""Which tagged mentions hold a statement, and where their spans start: learned from the project's labels.

Most registry mentions in a paragraph are objects of what is said ("ties with China"), not the actor
who says it. From the labelled paragraphs the holder model learns, for every mention the tagger
finds there, whether an annotator labelled it (or a span overlapping it) as a statement's actor:

- the words around the mention (previous word, next two words, a possessive, sentence start);
- how often this actor's mentions are holders in the labels of *other* articles (smoothed);
- whether this actor holds a statement in the most similar labelled paragraphs (k nearest
  neighbours over paragraph embeddings, other articles only while training).

A class-balanced logistic regression gives each mention a holder probability, which becomes its
score; each actor keeps its most probable mention and a paragraph keeps its `keep` most probable
actors (the pipeline pairs at most three actors with claims anyway). Boundaries: a word right
before the mention that the labels include in the span more often than they leave it out ("the"
in "the US") is prepended. With fewer than two labelled articles, or no holder and non-holder
mention, it learns nothing (None).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .actors import REPORTING_VERBS
from .base import Suggestion

NEIGHBOURS = 5
PRIOR_WEIGHT = 2.0
DEFAULT_THRESHOLD = 0.0
KEEP = 3
PREPOSITIONS = frozenset(
    (
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "into",
        "onto",
        "over",
        "under",
        "between",
        "among",
        "against",
        "about",
        "toward",
        "towards",
        "through",
        "across",
        "within",
        "without",
        "upon",
        "via",
        "than",
        "like",
        "as",
        "beyond",
        "around",
        "behind",
    )
)
AUXILIARIES = frozenset(
    (
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "does",
        "did",
        "do",
        "also",
    )
)
_WORD = re.compile(r"[\w’']+|[^\w\s]")


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _prev_word(text: str, start: int) -> tuple[str, int] | None:
    """The word right before `start` (separated by spaces only) and where it starts."""
    m = re.search(r"([\w’']+)\s+$", text[:start])
    return (m.group(1), m.start(1)) if m else None


def context_features(text: str, start: int, end: int) -> dict[str, float]:
    """Word-class features around a mention (closed classes of English, no lexicon of the labels):
    they generalise across articles where the exact neighbouring words do not."""
    before = _WORD.findall(text[max(0, start - 60) : start])
    after = _WORD.findall(text[end : end + 60])
    prev = before[-1].lower() if before else ""
    nxt = [w.lower() for w in after[:3]]
    feats = {}
    if not before or before[-1] in ".!?\"“”:;(":
        feats["sentence_start"] = 1.0
    if prev in PREPOSITIONS:
        feats["after_preposition"] = 1.0
    if prev in ("and", "or", ","):
        feats["after_conjunction"] = 1.0
    if text[end : end + 2] in ("’s", "'s") or (nxt and nxt[0] in ("’", "'")):
        feats["possessive"] = 1.0
    if any(w in REPORTING_VERBS for w in nxt):
        feats["reporting_verb_after"] = 1.0
    if any(w in REPORTING_VERBS for w in (w.lower() for w in before[-3:])):
        feats["reporting_verb_before"] = 1.0
    if nxt and nxt[0] in AUXILIARIES:
        feats["auxiliary_after"] = 1.0
    if nxt and nxt[0] in PREPOSITIONS | {",", ".", ")", "-", "–", "—"}:
        feats["no_verb_after"] = 1.0
    if nxt and nxt[0].isalpha() and nxt[0].endswith(("s", "ed")) and nxt[0] not in PREPOSITIONS:
        feats["verb_like_after"] = 1.0
    return feats


@dataclass
class HolderModel:
    vectorizer: object
    model: object
    prior: dict[str, float]  # actor key -> smoothed holder rate
    base_rate: float
    memory_vectors: np.ndarray  # labelled paragraphs' embeddings
    memory_holders: list[frozenset]  # actor keys holding a statement there
    extend: frozenset = field(default_factory=frozenset)  # words the labels put at a span's start
    threshold: float = DEFAULT_THRESHOLD
    keep: int = KEEP

    def _neighbour_share(self, vector: np.ndarray, key: str, exclude: np.ndarray | None = None) -> float:
        sims = self.memory_vectors @ vector
        if exclude is not None:
            sims = np.where(exclude, -np.inf, sims)
        order = np.argsort(-sims, kind="stable")[:NEIGHBOURS]
        order = [j for j in order if np.isfinite(sims[j])]
        return sum(key in self.memory_holders[j] for j in order) / len(order) if order else 0.0

    def features(
        self,
        text: str,
        mention: Suggestion,
        vector: np.ndarray,
        *,
        prior: float | None = None,
        exclude: np.ndarray | None = None,
        repeat: bool = False,
    ) -> dict[str, float]:
        feats = context_features(text, mention.start, mention.end)
        if repeat:
            feats["repeat_mention"] = 1.0
        feats["prior"] = self.prior.get(mention.label, self.base_rate) if prior is None else prior
        feats["neighbours"] = self._neighbour_share(vector, mention.label, exclude)
        return feats

    def rescore(self, text: str, mentions: Sequence[Suggestion], vector: np.ndarray) -> list[Suggestion]:
        """The paragraph's suggestions with its registry mentions re-ranked as holders: each actor's
        most probable mention (widened by the learned boundaries), scored by its holder probability;
        the `keep` most probable actors stay, and of those beyond the first, the ones under
        `threshold` go. Other suggestions (new-actor candidates) pass unchanged."""
        actors = [m for m in mentions if m.kind == "actor"]
        if not actors:
            return list(mentions)
        probs = self.probabilities(text, actors, vector)
        best: dict[str, tuple[float, Suggestion]] = {}
        for j in np.argsort(-probs, kind="stable"):
            best.setdefault(actors[j].label, (float(probs[j]), actors[j]))
        ranked = sorted(best.values(), key=lambda pm: -pm[0])[: self.keep]
        out = [m for m in mentions if m.kind != "actor"]
        out += [
            replace(self.widen(text, m), score=round(p, 4))
            for n, (p, m) in enumerate(ranked)
            if n == 0 or p >= self.threshold
        ]
        out.sort(key=lambda s: (s.start, s.kind))
        return out

    def probabilities(self, text: str, mentions: Sequence[Suggestion], vector: np.ndarray) -> np.ndarray:
        rows = [self.features(text, m, vector, repeat=r) for m, r in zip(mentions, _repeats(mentions), strict=True)]
        return self.model.predict_proba(self.vectorizer.transform(rows))[:, list(self.model.classes_).index(1)]

    def widen(self, text: str, mention: Suggestion) -> Suggestion:
        prev = _prev_word(text, mention.start)
        if prev and prev[0].lower() in self.extend:
            return replace(mention, start=prev[1], surface=text[prev[1] : mention.end])
        return mention


def _repeats(mentions: Sequence[Suggestion]) -> list[bool]:
    """Whether each mention repeats an actor mentioned earlier in the paragraph."""
    seen, out = set(), []
    for m in sorted(mentions, key=lambda s: s.start):
        out.append((m.start, m.label) if m.label in seen else None)
        seen.add(m.label)
    repeated = {o for o in out if o}
    return [(m.start, m.label) in repeated for m in mentions]


def _learn_extensions(texts, tagged, spans) -> frozenset:
    """Words before a mention that labelled spans include more often than they start after."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for text, mentions, gold in zip(texts, tagged, spans, strict=True):
        for m in mentions:
            prev = _prev_word(text, m.start)
            if not prev:
                continue
            word = prev[0].lower()
            if (prev[1], m.end) in gold:
                counts[word]["in"] += 1
            elif (m.start, m.end) in gold:
                counts[word]["out"] += 1
    return frozenset(w for w, c in counts.items() if c["in"] > c["out"])


def train_holders(
    texts: Sequence[str],
    vectors: np.ndarray,
    tagged: Sequence[Sequence[Suggestion]],
    holders: Sequence[Sequence[tuple[str | None, int | None, int | None]]],
    groups: Sequence[str],
    *,
    seed: int = 0,
) -> HolderModel | None:
    """`holders[i]`: (actor key, start, end) of each labelled statement of paragraph i with an actor."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(set(groups)) < 2:
        return None
    spans = [{(s, e) for _, s, e in h if s is not None} for h in holders]
    keys = [frozenset(k for k, _, _ in h if k) for h in holders]
    groups_arr = np.asarray(groups)
    # per-group holder counts for out-of-article priors
    per_group: dict[str, Counter] = defaultdict(Counter)
    rows, y, items = [], [], []
    for i, mentions in enumerate(tagged):
        actors = [m for m in mentions if m.kind == "actor"]
        for m, repeat in zip(actors, _repeats(actors), strict=True):
            hit = any(_overlaps((m.start, m.end), g) for g in spans[i])
            per_group[groups[i]][(m.label, hit)] += 1
            items.append((i, m, repeat))
            y.append(int(hit))
    if len(set(y)) < 2:
        return None
    base_rate = sum(y) / len(y)

    def smoothed(counter: Counter, key: str) -> float:
        hits, misses = counter[(key, True)], counter[(key, False)]
        return (hits + PRIOR_WEIGHT * base_rate) / (hits + misses + PRIOR_WEIGHT)

    overall = sum(per_group.values(), Counter())
    prior = {k: smoothed(overall, k) for k, _ in overall}
    model = HolderModel(
        vectorizer=None,
        model=None,
        prior=prior,
        base_rate=base_rate,
        memory_vectors=np.asarray(vectors, dtype=np.float32),
        memory_holders=keys,
        extend=_learn_extensions(texts, tagged, spans),
    )
    for i, m, repeat in items:
        others = overall - per_group[groups[i]]
        rows.append(
            model.features(
                texts[i], m, vectors[i], prior=smoothed(others, m.label), exclude=groups_arr == groups[i], repeat=repeat
            )
        )
    vectorizer = DictVectorizer()
    clf = LogisticRegression(C=0.3, class_weight="balanced", max_iter=3000, random_state=seed)
    clf.fit(vectorizer.fit_transform(rows), np.asarray(y))
    model.vectorizer, model.model = vectorizer, clf
    return model
