"""Prevalence and bias indices (Byrt, Bishop & Carlin 1993), one label against the rest, and the reading.

For two raters and a 2 x 2 table (a: both say the label, d: neither, b / c: only the first / second):

    prevalence index  PI = (a - d) / n        bias index  BI = (b - c) / n
    PABAK = 2 po - 1  and  Cohen's kappa = (PABAK - PI^2 + BI^2) / (1 - PI^2 + BI^2)

With more raters, PI is taken over all ordered pairs of raters on a unit (the pooled confusion
matrix), and BI per pair of raters over the units both labelled; the report gives the mean |BI| over
pairs weighted by their shared units, and the largest.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse


def prevalence_index(pair_counts: np.ndarray, k: int) -> float | None:
    """PI of label ``k`` from a (symmetric or 2-rater) label-pair count matrix."""
    P = np.asarray(pair_counts, dtype=float)
    total = P.sum()
    if not total:
        return None
    a = P[k, k]
    d = total - P[k, :].sum() - P[:, k].sum() + a
    return float((a - d) / total)


def bias_indices(rater_labels: np.ndarray, k: int) -> dict:
    """BI of label ``k`` for every two raters (units x raters labels, -1 where not rated), vectorised."""
    L = np.asarray(rater_labels)
    rated = sparse.csr_matrix((L >= 0).astype(float))
    says = sparse.csr_matrix((k == L).astype(float))
    shared = np.asarray((rated.T @ rated).todense())
    k_vs = np.asarray((says.T @ rated).todense())  # [j, l]: units both rated where j said k
    diff = k_vs - k_vs.T  # b - c for the pair (j, l)
    iu = np.triu_indices(L.shape[1], k=1)
    n, bc = shared[iu], diff[iu]
    ok = n > 0
    bi = np.abs(bc[ok] / n[ok])
    if not len(bi):
        return {"mean_abs": None, "max_abs": None, "pairs": 0}
    return {"mean_abs": float(np.average(bi, weights=n[ok])), "max_abs": float(bi.max()), "pairs": int(ok.sum())}


def kappa_from_indices(po: float, pi: float, bi: float) -> float:
    """Byrt et al. (1993): Cohen's kappa of a 2 x 2 table from PABAK, PI and BI."""
    pabak = 2 * po - 1
    return (pabak - pi**2 + bi**2) / (1 - pi**2 + bi**2)


def divergence_reading(
    *,
    majority_label: str,
    majority_share: float,
    observed: float | None,
    kappa: float | None,
    ac1: float | None,
    bias: float | None,
) -> str | None:
    """One line when chance-corrected coefficients part ways with the observed agreement, else None."""
    if observed is None or kappa is None:
        return None
    skewed = majority_share >= 0.6
    gap = observed - kappa
    if skewed and gap >= 0.15:
        line = (
            f"Labels are skewed: {majority_share:.0%} {majority_label}; κ is low ({kappa:.2f}) while observed "
            f"agreement is {observed:.2f}"
        )
        if ac1 is not None:
            line += f" and AC1 is {ac1:.2f}"
        return line + " (the kappa paradox: κ's chance agreement is high when one label dominates)."
    if bias is not None and bias >= 0.1:
        return (
            f"Annotators use “{majority_label}” at different rates (mean |bias index| {bias:.2f}): "
            "check the guidelines for that label."
        )
    return None
