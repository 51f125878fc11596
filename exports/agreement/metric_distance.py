"""Krippendorff's metric differences for ordinal and ratio data (Krippendorff 2011, section E).

For the distinct values c < k present among the pairable values, with n_g their frequencies:

    ordinal  delta(c, k) = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2
    ratio    delta(c, k) = ((c - k) / (c + k))^2

alpha.py turns them into the similarity S = 1 - delta its sums use (delta need not be <= 1 there).
"""

from __future__ import annotations

import numpy as np

METRIC_LEVELS = ("ordinal", "ratio")


def metric_delta(level: str, values: np.ndarray, frequencies: np.ndarray) -> np.ndarray:
    """Difference matrix between the sorted distinct ``values`` with their ``frequencies``."""
    v = np.asarray(values, dtype=float)
    if level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(frequencies, dtype=float)])
        i, j = np.meshgrid(np.arange(len(v)), np.arange(len(v)), indexing="ij")
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        between = cum[hi + 1] - cum[lo]
        n = np.asarray(frequencies, dtype=float)
        return (between - (n[i] + n[j]) / 2) ** 2
    if level == "ratio":
        a, b = np.meshgrid(v, v, indexing="ij")
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(a == b, 0.0, ((a - b) / (a + b)) ** 2)
    raise ValueError(f"No metric difference for level {level!r}.")
