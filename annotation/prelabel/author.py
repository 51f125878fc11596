"""Does a paragraph speak in the author's voice? Learned from the project's labels.

A labelled paragraph is positive when one of its statements has the author as actor, negative when
it was labelled with attributed statements only or with none. Features: the paragraph embedding and
the direction counts (quotation marks, reporting verbs, first person...). A class-balanced logistic
regression gives the probability, used as the author suggestion's score; the author is suggested
at or above `threshold`. With no positive or no negative label it learns nothing (None).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_THRESHOLD = 0.5


def author_features(paragraph_vectors: np.ndarray, direction: np.ndarray) -> np.ndarray:
    return np.hstack([paragraph_vectors, direction * 4.0]).astype(np.float32)


@dataclass
class AuthorModel:
    model: object
    threshold: float = DEFAULT_THRESHOLD

    def probability(self, paragraph_vectors: np.ndarray, direction: np.ndarray) -> np.ndarray:
        if len(paragraph_vectors) == 0:
            return np.zeros(0)
        probs = self.model.predict_proba(author_features(paragraph_vectors, direction))
        return probs[:, list(self.model.classes_).index(1)]


def train_author(
    paragraph_vectors: np.ndarray, direction: np.ndarray, has_author: Sequence[bool], *, seed: int = 0
) -> AuthorModel | None:
    y = np.asarray([1 if v else 0 for v in has_author])
    if len(set(y.tolist())) < 2:
        return None
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=0.5, class_weight="balanced", max_iter=3000, random_state=seed)
    model.fit(author_features(paragraph_vectors, direction), y)
    return AuthorModel(model=model)
