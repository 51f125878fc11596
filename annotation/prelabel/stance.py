"""Stance classifier trained on the project's own labels.

`train_stance_selected` (what the service uses): candidates are chosen by article-grouped
cross-validation against the majority baseline (stance_select.py); the artifact is a bundle
{"format": 2, "chosen", "model", "classes", "threshold", "features"}. When no candidate beats the
baseline the bundle holds no model and the classifier serves no stance at all (`labels` is empty).

`train_stance` (the first model, kept for its callers): the paragraph's embedding p, the embedding
q of "actor: claim", and p*q, a class-balanced logistic regression cross-validated with stratified
k-fold (k <= 5), stored as the bare fitted estimator. The classifier reads both artifacts.
With fewer labels than the project's minimum, or a single stance label, training refuses
(NotEnoughLabels) so the pipeline suggests nothing rather than guessing.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

MODEL_NAME = "stance-logreg"


class NotEnoughLabels(ValueError):
    pass


def pair_text(actor: str, claim: str) -> str:
    return f"{actor}: {claim}"


def features(paragraph_vectors: np.ndarray, pair_vectors: np.ndarray) -> np.ndarray:
    return np.hstack([paragraph_vectors, pair_vectors, paragraph_vectors * pair_vectors]).astype(np.float32)


def uncertainty(probabilities: np.ndarray) -> np.ndarray:
    """1 - max probability, rescaled to 0..1 (0: certain, 1: uniform over the labels)."""
    k = probabilities.shape[1]
    if k < 2:
        return np.zeros(len(probabilities))
    return (1.0 - probabilities.max(axis=1)) * k / (k - 1)


@dataclass
class TrainedStance:
    n_labels: int
    labels: list[str]
    cv_accuracy: float | None
    per_label_f1: dict[str, float]
    params: dict = field(default_factory=dict)
    artifact: bytes = b""


def train_stance(
    paragraph_vectors: np.ndarray, pair_vectors: np.ndarray, labels: Sequence[str], *, min_labels: int, seed: int = 0
) -> TrainedStance:
    import joblib
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict

    y = np.asarray(labels)
    n = len(y)
    counts = Counter(labels)
    if n < max(min_labels, 2):
        raise NotEnoughLabels(f"{n} stance labels so far; the stance model needs at least {max(min_labels, 2)}.")
    if len(counts) < 2:
        raise NotEnoughLabels(f"All {n} labels are '{y[0]}'; the stance model needs at least two stance labels.")
    X = features(paragraph_vectors, pair_vectors)
    params = {"C": 1.0, "class_weight": "balanced", "max_iter": 2000, "features": "p|q|p*q"}
    classifier = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=seed)
    smallest = min(counts.values())
    if smallest >= 2:
        folds = StratifiedKFold(n_splits=min(5, smallest), shuffle=True, random_state=seed)
    else:
        folds = KFold(n_splits=min(5, n), shuffle=True, random_state=seed)
    predicted = cross_val_predict(classifier, X, y, cv=folds)
    label_list = sorted(counts)
    f1 = f1_score(y, predicted, labels=label_list, average=None, zero_division=0)
    params.update(
        cv_folds=folds.get_n_splits(),
        macro_f1=round(float(np.mean(f1)), 4),
        label_counts=dict(sorted(counts.items())),
        cv_confusion=confusion_matrix(y, predicted, labels=label_list).tolist(),
    )
    classifier.fit(X, y)
    buffer = io.BytesIO()
    joblib.dump(classifier, buffer)
    return TrainedStance(
        n_labels=n,
        labels=label_list,
        cv_accuracy=round(float(accuracy_score(y, predicted)), 4),
        per_label_f1={lab: round(float(v), 4) for lab, v in zip(label_list, f1, strict=True)},
        params=params,
        artifact=buffer.getvalue(),
    )


def _check_counts(labels: Sequence[str], min_labels: int) -> Counter:
    counts = Counter(labels)
    n = len(labels)
    if n < max(min_labels, 2):
        raise NotEnoughLabels(f"{n} stance labels so far; the stance model needs at least {max(min_labels, 2)}.")
    if len(counts) < 2:
        raise NotEnoughLabels(f"All {n} labels are '{labels[0]}'; the stance model needs at least two stance labels.")
    return counts


def train_stance_selected(
    inputs,
    *,
    min_labels: int,
    seed: int = 0,
    candidates: Sequence[str] | None = None,
    author=None,
    claim_memory=None,
    holders=None,
) -> TrainedStance:
    """Select among the candidates and the majority baseline (article-grouped CV), refit the chosen
    one on every label. `author`: an AuthorModel (author.py), `claim_memory`: a ClaimMemory
    (claim_ranker.py), `holders`: a HolderModel (holders.py), each shipped in the same bundle, or None.
    The version's figures are the chosen model's, or the baseline's when none was chosen (then the
    model serves nothing and params["reason"] says why).

    Over 60 lines because it spells out two records where they are written: the version's params
    and the shipped bundle (format 2), which the serving code reads by these keys."""
    import joblib

    from .stance_select import CANDIDATES, select_stance_model

    counts = _check_counts(inputs.labels, min_labels)
    selection = select_stance_model(inputs, seed=seed, candidates=tuple(candidates or CANDIDATES))
    shown = selection.figures[selection.chosen or "majority"]
    threshold = float(selection.threshold.get("threshold", 0.0)) if selection.chosen else None
    features_kind = CANDIDATES[selection.chosen][0] if selection.chosen else None
    params = {
        "served": selection.chosen is not None,
        "chosen": selection.chosen,
        "reason": selection.reason,
        "cv": selection.cv,
        "features": features_kind,
        "threshold": selection.threshold,
        "calibration": selection.calibration,
        "candidates": selection.figures,
        "baseline": selection.figures["majority"],
        "macro_f1": shown["macro_f1"],
        "label_counts": dict(sorted(counts.items())),
    }
    buffer = io.BytesIO()
    joblib.dump(
        {
            "format": 2,
            "chosen": selection.chosen,
            "model": selection.model,
            "classes": selection.classes,
            "threshold": threshold,
            "features": features_kind,
            "author": author,
            "claim_memory": claim_memory,
            "holders": holders,
        },
        buffer,
    )
    params["author_model"] = author is not None
    params["holder_model"] = holders is not None
    params["claim_weights"] = list(claim_memory.weights) if claim_memory is not None else None
    return TrainedStance(
        n_labels=len(inputs.labels),
        labels=selection.classes,
        cv_accuracy=shown["accuracy"],
        per_label_f1=shown["per_label_f1"],
        params=params,
        artifact=buffer.getvalue(),
    )


class StanceClassifier:
    """A fitted stance model loaded from its stored artifact (a bundle, or a bare estimator)."""

    name = MODEL_NAME

    def __init__(self, artifact: bytes, version: str):
        self.artifact = artifact
        self.version = version
        self.model = None
        self.loaded = False
        self.chosen: str | None = "logreg-embeddings"
        self.features_kind: str | None = "embeddings"
        self.threshold = 0.0
        self.author = None  # AuthorModel: does a paragraph speak in the author's voice?
        self.claim_memory = None  # ClaimMemory: what the labels teach the claim ranking
        self.holders = None  # HolderModel: which actor mentions hold statements

    def load(self) -> None:
        import joblib

        obj = joblib.load(io.BytesIO(bytes(self.artifact)))
        if isinstance(obj, dict) and obj.get("format") == 2:
            self.model, self.chosen, self.features_kind = obj["model"], obj["chosen"], obj["features"]
            self.threshold = float(obj.get("threshold") or 0.0)
            self.author = obj.get("author")
            self.claim_memory = obj.get("claim_memory")
            self.holders = obj.get("holders")
        else:
            self.model = obj
        self.loaded = True

    @property
    def labels(self) -> list[str]:
        """The labels it can suggest; empty when the selection served no model."""
        if not self.loaded:
            self.load()
        return [str(c) for c in self.model.classes_] if self.model is not None else []

    @property
    def needs_sentences(self) -> bool:
        if not self.loaded:
            self.load()
        return self.features_kind in ("direction", "direction-only")

    def predict_proba(self, paragraph_vectors: np.ndarray, pair_vectors: np.ndarray) -> np.ndarray:
        if not self.loaded:
            self.load()
        if len(paragraph_vectors) == 0 or self.model is None:
            return np.zeros((len(paragraph_vectors), len(self.labels)))
        return self.model.predict_proba(features(paragraph_vectors, pair_vectors))

    def predict_inputs(self, inputs) -> np.ndarray:
        """Probabilities from full StanceInputs (the features of the chosen candidate)."""
        from .stance_select import feature_matrix

        if not self.loaded:
            self.load()
        if self.model is None or len(inputs.p) == 0:
            return np.zeros((len(inputs.p), len(self.labels)))
        return self.model.predict_proba(feature_matrix(self.features_kind, inputs))
