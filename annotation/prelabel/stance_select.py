"""Choosing a project's stance model by article-grouped cross-validation, the baseline always among
the candidates.

Every candidate is scored on out-of-fold predictions where the folds never split an article
(leave-one-article-out up to five articles, five grouped folds beyond). The majority-label
baseline is always scored. A learned candidate is served only if it beats the baseline on both
accuracy and macro-F1 in that cross-validation; otherwise the project gets no stance suggestions
and the reason says which figures fell short. The served model's confidence threshold is the
lowest out-of-fold confidence at which its suggestions are at least as precise as the baseline.

Inputs are plain arrays (see `StanceInputs`); nothing here touches Django.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

MIN_COVERAGE = 0.1  # a threshold must leave at least this share of suggestions
RELIABILITY_BINS = 5


@dataclass
class StanceInputs:
    """One row per labelled statement. p: paragraph vectors, q: "actor: claim" vectors, s: vectors of
    the paragraph sentence closest to the claim, d: direction counts (sentence and paragraph)."""

    p: np.ndarray
    q: np.ndarray
    s: np.ndarray
    d: np.ndarray
    labels: list[str]
    groups: list[str]

    def subset(self, index: Sequence[int]) -> StanceInputs:
        idx = np.asarray(index, dtype=int)
        return StanceInputs(
            self.p[idx],
            self.q[idx],
            self.s[idx],
            self.d[idx],
            [self.labels[i] for i in idx],
            [self.groups[i] for i in idx],
        )


def feature_matrix(kind: str, x: StanceInputs) -> np.ndarray:
    if kind == "embeddings":
        parts = [x.p, x.q, x.p * x.q]
    elif kind == "direction":
        parts = [x.s, x.q, x.s * x.q, x.d * 4.0]
    elif kind == "direction-only":
        parts = [x.d * 4.0, (x.s * x.q).sum(axis=1, keepdims=True), (x.p * x.q).sum(axis=1, keepdims=True)]
    else:
        raise KeyError(f"unknown stance features {kind!r}")
    return np.hstack(parts).astype(np.float32)


CANDIDATES = {
    # name: (features, C)
    "logreg-embeddings": ("embeddings", 1.0),
    "logreg-direction": ("direction", 0.5),
    "logreg-direction-only": ("direction-only", 1.0),
}


class MajorityModel:
    """The baseline: the training prior as probabilities, the most frequent label as the answer."""

    def __init__(self, labels: Sequence[str], classes: Sequence[str]):
        counts = Counter(labels)
        self.classes_ = np.array(list(classes))
        total = sum(counts.values())
        self.prior = np.array([counts.get(c, 0) / total for c in classes])

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.tile(self.prior, (len(X), 1))


def _fit(name: str, x: StanceInputs, classes: Sequence[str], seed: int):
    if name == "majority":
        return MajorityModel(x.labels, classes)
    from sklearn.linear_model import LogisticRegression

    kind, c = CANDIDATES[name]
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=seed)
    model.fit(feature_matrix(kind, x), x.labels)
    return model


def predict_with(name: str, model, x: StanceInputs, classes: Sequence[str]) -> np.ndarray:
    """Probabilities over `classes` (a label the model never saw gets 0)."""
    if name == "majority":
        probs = model.predict_proba(x.p)
    else:
        probs = model.predict_proba(feature_matrix(CANDIDATES[name][0], x))
    out = np.zeros((len(x.labels) if x.labels else len(x.p), len(classes)))
    for j, c in enumerate(model.classes_):
        out[:, list(classes).index(str(c))] = probs[:, j]
    return out


def grouped_folds(groups: Sequence[str], labels: Sequence[str]) -> tuple[list[tuple[np.ndarray, np.ndarray]], str]:
    """Train/test index pairs that never split a group, and how they were made."""
    unique = sorted(set(groups))
    g = np.asarray(groups)
    if len(unique) >= 2:
        if len(unique) <= 5:
            folds = [(np.where(g != u)[0], np.where(g == u)[0]) for u in unique]
            return folds, f"leave-one-article-out ({len(unique)} articles)"
        from sklearn.model_selection import GroupKFold

        splitter = GroupKFold(n_splits=5)
        return list(splitter.split(np.zeros(len(g)), labels, g)), f"5 article-grouped folds ({len(unique)} articles)"
    from sklearn.model_selection import KFold

    n = len(labels)
    splitter = KFold(n_splits=min(5, n), shuffle=True, random_state=0)
    return list(splitter.split(np.zeros(n))), f"{min(5, n)} random folds (a single article: no grouping possible)"


def scores(truth: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    if not truth:
        return {"n": 0, "accuracy": None, "macro_f1": None, "per_label_f1": {}}
    present = sorted(set(truth) | set(predicted))
    f1 = f1_score(list(truth), list(predicted), labels=present, average=None, zero_division=0)
    return {
        "n": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(np.mean(f1)), 4),
        "per_label_f1": {lab: round(float(v), 4) for lab, v in zip(present, f1, strict=True)},
    }


def out_of_fold(name: str, x: StanceInputs, classes: Sequence[str], folds, seed: int = 0) -> np.ndarray:
    probs = np.zeros((len(x.labels), len(classes)))
    for train, test in folds:
        train_x = x.subset(train)
        if name != "majority" and len(set(train_x.labels)) < 2:
            model, used = _fit("majority", train_x, classes, seed), "majority"
        else:
            model, used = _fit(name, train_x, classes, seed), name
        probs[test] = predict_with(used, model, x.subset(test), classes)
    return probs


def reliability(truth: Sequence[str], probs: np.ndarray, classes: Sequence[str]) -> dict:
    """Expected calibration error and per-bin (mean confidence, accuracy, count) of the top label."""
    if len(truth) == 0:
        return {"ece": None, "bins": []}
    conf = probs.max(axis=1)
    right = np.array([classes[i] == t for i, t in zip(probs.argmax(axis=1), truth, strict=True)], dtype=float)
    edges = np.round(np.linspace(0, 1, RELIABILITY_BINS + 1), 6)
    bins, ece = [], 0.0
    for lo, hi in pairwise(edges):
        mask = (conf >= lo) & ((conf < hi) if hi < 1 else (conf <= hi))
        if mask.any():
            bins.append(
                {
                    "from": round(float(lo), 2),
                    "to": round(float(hi), 2),
                    "n": int(mask.sum()),
                    "confidence": round(float(conf[mask].mean()), 4),
                    "accuracy": round(float(right[mask].mean()), 4),
                }
            )
            ece += mask.mean() * abs(conf[mask].mean() - right[mask].mean())
    return {"ece": round(float(ece), 4), "bins": bins}


def choose_threshold(truth: Sequence[str], probs: np.ndarray, classes: Sequence[str], *, target: float) -> dict:
    """The lowest confidence at which the served suggestions are right at least `target` of the time
    (keeping >= MIN_COVERAGE of them); else the most precise such threshold."""
    conf = probs.max(axis=1)
    right = np.array([classes[i] == t for i, t in zip(probs.argmax(axis=1), truth, strict=True)], dtype=float)
    best = None
    for i, t in enumerate(sorted(set(np.round(conf, 4)))):
        mask = conf >= t
        coverage = mask.mean()
        if coverage < MIN_COVERAGE:
            break
        precision = right[mask].mean()
        row = {"threshold": float(t), "precision": round(float(precision), 4), "coverage": round(float(coverage), 4)}
        if precision >= target:
            # precise enough at every confidence seen: no threshold is needed (0 serves everything)
            return dict(row, threshold=0.0 if i == 0 else float(t), reached=True)
        if best is None or precision > best["precision"]:
            best = row
    return dict(best or {"threshold": 1.0, "precision": None, "coverage": 0.0}, reached=False)


@dataclass
class StanceSelection:
    chosen: str | None  # None: serve nothing
    reason: str
    cv: str  # how the folds were made
    classes: list[str]
    figures: dict[str, dict] = field(default_factory=dict)  # candidate -> CV scores
    threshold: dict = field(default_factory=dict)
    calibration: dict = field(default_factory=dict)
    model: object = None  # the chosen candidate refitted on all rows


def select_stance_model(
    x: StanceInputs, *, candidates: Sequence[str] = tuple(CANDIDATES), seed: int = 0
) -> StanceSelection:
    """Score the baseline and each candidate out of fold, pick the best by macro-F1 among those that
    beat the baseline on accuracy and macro-F1, set its threshold, and refit it on every row."""
    classes = sorted(set(x.labels))
    folds, how = grouped_folds(x.groups, x.labels)
    figures, oof = {}, {}
    for name in ("majority", *candidates):
        oof[name] = out_of_fold(name, x, classes, folds, seed)
        figures[name] = scores(x.labels, [classes[i] for i in oof[name].argmax(axis=1)], classes)
    base = figures["majority"]
    winners = [
        n
        for n in candidates
        if figures[n]["macro_f1"] > base["macro_f1"] and figures[n]["accuracy"] >= base["accuracy"]
    ]
    if not winners:
        best = max(candidates, key=lambda n: figures[n]["macro_f1"]) if candidates else None
        detail = (
            (
                f"; the best candidate, {best}, reached accuracy {figures[best]['accuracy']} and macro-F1 "
                f"{figures[best]['macro_f1']}"
            )
            if best
            else ""
        )
        return StanceSelection(
            chosen=None,
            cv=how,
            classes=classes,
            figures=figures,
            reason=(
                f"No stance suggestions: no model beats the majority baseline (accuracy {base['accuracy']}, "
                f"macro-F1 {base['macro_f1']}) in {how}{detail}."
            ),
        )
    chosen = max(winners, key=lambda n: (figures[n]["macro_f1"], figures[n]["accuracy"]))
    threshold = choose_threshold(x.labels, oof[chosen], classes, target=base["accuracy"])
    return StanceSelection(
        chosen=chosen,
        cv=how,
        classes=classes,
        figures=figures,
        threshold=threshold,
        calibration=reliability(x.labels, oof[chosen], classes),
        model=_fit(chosen, x, classes, seed),
        reason=(
            f"{chosen} beats the majority baseline in {how}: accuracy {figures[chosen]['accuracy']} vs "
            f"{base['accuracy']}, macro-F1 {figures[chosen]['macro_f1']} vs {base['macro_f1']}."
        ),
    )


def stance_inputs(
    *,
    paragraphs: Sequence[str],
    paragraph_vectors: np.ndarray,
    sentences: Sequence[list[tuple[int, int]]],
    sentence_vectors: Sequence[np.ndarray],
    rows: Sequence[int],
    claim_vectors: np.ndarray,
    pair_vectors: np.ndarray,
    labels: Sequence[str],
    groups: Sequence[str],
) -> StanceInputs:
    """StanceInputs for statements: rows[i] is the paragraph of statement i, claim_vectors[i] the
    codebook vector of its claim, pair_vectors[i] the vector of "actor: claim"."""
    from .direction import direction_counts

    s_rows, d_rows = [], []
    for i, r in enumerate(rows):
        sv = sentence_vectors[r]
        best = int(np.argmax(sv @ claim_vectors[i])) if len(sv) else 0
        s_rows.append(sv[best] if len(sv) else paragraph_vectors[r])
        start, end = sentences[r][best] if sentences[r] else (0, len(paragraphs[r]))
        d_rows.append(np.concatenate([direction_counts(paragraphs[r][start:end]), direction_counts(paragraphs[r])]))
    dim = paragraph_vectors.shape[1]
    return StanceInputs(
        p=paragraph_vectors[list(rows)].reshape(-1, dim),
        q=np.asarray(pair_vectors).reshape(-1, dim),
        s=np.asarray(s_rows, dtype=np.float32).reshape(-1, dim),
        d=np.asarray(d_rows, dtype=np.float32).reshape(len(rows), -1),
        labels=list(labels),
        groups=list(groups),
    )
