"""Stance classifier trained on the project's own labels.

Features: the paragraph's embedding p, the embedding q of "actor: claim", and p*q (so the model can
see whether the paragraph talks about that actor and claim). A class-balanced logistic regression
is cross-validated (stratified k-fold, k <= 5) before the final fit on all labels; accuracy and
per-label F1 from the out-of-fold predictions are stored with the model version. With fewer labels
than the project's minimum, or a single stance label, training refuses (NotEnoughLabels) so the
pipeline suggests nothing rather than guessing.
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


def train_stance(paragraph_vectors: np.ndarray, pair_vectors: np.ndarray, labels: Sequence[str], *,
                 min_labels: int, seed: int = 0) -> TrainedStance:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict
    import joblib

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
    params.update(cv_folds=folds.get_n_splits(), macro_f1=round(float(np.mean(f1)), 4),
                  label_counts=dict(sorted(counts.items())),
                  cv_confusion=confusion_matrix(y, predicted, labels=label_list).tolist())
    classifier.fit(X, y)
    buffer = io.BytesIO()
    joblib.dump(classifier, buffer)
    return TrainedStance(n_labels=n, labels=label_list, cv_accuracy=round(float(accuracy_score(y, predicted)), 4),
                         per_label_f1={lab: round(float(v), 4) for lab, v in zip(label_list, f1)},
                         params=params, artifact=buffer.getvalue())


class StanceClassifier:
    """A fitted stance model loaded from its stored artifact."""

    name = MODEL_NAME

    def __init__(self, artifact: bytes, version: str):
        self.artifact = artifact
        self.version = version
        self.model = None

    def load(self) -> None:
        import joblib

        self.model = joblib.load(io.BytesIO(bytes(self.artifact)))

    @property
    def labels(self) -> list[str]:
        if self.model is None:
            self.load()
        return [str(c) for c in self.model.classes_]

    def predict_proba(self, paragraph_vectors: np.ndarray, pair_vectors: np.ndarray) -> np.ndarray:
        if self.model is None:
            self.load()
        if len(paragraph_vectors) == 0:
            return np.zeros((0, len(self.labels)))
        return self.model.predict_proba(features(paragraph_vectors, pair_vectors))
