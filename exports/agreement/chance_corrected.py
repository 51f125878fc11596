"""Chance-corrected agreement for any number of raters, with missing ratings (Gwet's framework).

Input is a units x categories count table (how many raters put unit i in category k; units may have
different numbers of raters) and, for Conger's kappa, the units x raters label codes (-1: not rated).
Every coefficient has the form (pa - pe) / (1 - pe) with the weighted observed agreement

    pa = mean over units with r_i >= 2 of  sum_k c_ik (c*_ik - 1) / (r_i (r_i - 1)),   c*_ik = sum_l w_kl c_il

and a chance agreement pe of its own (Gwet, Handbook of Inter-Rater Reliability, 4th ed. 2014, ch. 2-3):

    Gwet's AC1 / AC2          pe = T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k),   T_w = sum of the weights
    Fleiss' kappa (generalised; Scott's pi for two raters)   pe = sum_kl w_kl pi_k pi_l
    Brennan-Prediger (Bennett's S for two raters)            pe = T_w / q^2
    Conger's kappa            pe = sum_kl w_kl (pbar_k pbar_l - s2_kl / r)   (rater-specific marginals)
    Krippendorff's alpha      Gwet's formulation (equal to the coincidence-matrix alpha)
    percent agreement         pe = 0

with pi_k = mean over rated units of c_ik / r_i. Standard errors are Gwet's linearised variances,
conditional on the raters (as computed by his irrCAC packages), and the intervals use Student's t with
n - 1 degrees of freedom, the upper bound capped at 1. Everything is a handful of array operations on
the count table: no loop over units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

WEIGHTS = ("identity", "linear", "quadratic", "ordinal", "radical", "ratio", "circular", "bipolar")


def weight_matrix(categories: Sequence[float] | int, name: str = "identity") -> np.ndarray:
    """Gwet's agreement weights (Handbook, ch. 3) for numeric ``categories`` (or 1..q when given q).

    Non-numeric categories are scored 1..q in the order given.
    """
    if name not in WEIGHTS:
        raise ValueError(f"Unknown weights {name!r}; use one of {', '.join(WEIGHTS)}.")
    if isinstance(categories, (int, np.integer)):
        categories = list(range(1, int(categories) + 1))
    cats = list(categories)
    q = len(cats)
    x = np.asarray(cats if all(isinstance(c, (int, float, np.number)) for c in cats) else range(1, q + 1), float)
    if name == "identity" or q < 2:
        return np.eye(q)
    k, m = np.meshgrid(x, x, indexing="ij")
    lo, hi = x.min(), x.max()
    if name == "linear":
        return 1 - np.abs(k - m) / (hi - lo)
    if name == "quadratic":
        return 1 - ((k - m) / (hi - lo)) ** 2
    if name == "radical":
        return 1 - np.sqrt(np.abs(k - m)) / np.sqrt(hi - lo)
    if name == "ratio":
        d = ((k - m) / (k + m)) ** 2
        return 1 - d / ((hi - lo) / (hi + lo)) ** 2
    if name == "ordinal":
        rank = np.arange(1, q + 1)
        a, b = np.meshgrid(rank, rank, indexing="ij")
        n_kl = np.abs(a - b) + 1
        d = n_kl * (n_kl - 1) / 2
        return 1 - d / d.max()
    if name == "circular":
        d = np.sin(np.pi * (k - m) / (hi - lo + 1)) ** 2
        return 1 - d / d.max()
    # bipolar
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(k == m, 0.0, (k - m) ** 2 / ((k + m - 2 * lo) * (2 * hi - k - m)))
    return 1 - d / d.max()


@dataclass(frozen=True)
class Coefficient:
    key: str
    name: str
    value: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    pa: float | None
    pe: float | None
    n_units: int
    formula: str

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "value": self.value,
            "se": self.se,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "pa": self.pa,
            "pe": self.pe,
            "n_units": self.n_units,
            "formula": self.formula,
        }


def _f(x) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


class RatingTable:
    """A units x categories count table, optionally with the units x raters labels (for Conger's kappa)."""

    def __init__(
        self,
        counts,
        *,
        weights: np.ndarray | None = None,
        rater_labels: np.ndarray | None = None,
        confidence: float = 0.95,
    ):
        counts = np.asarray(counts, dtype=float)
        rated = counts.sum(axis=1) > 0
        self.counts = counts[rated]  # units without any rating do not count (Gwet)
        self.q = self.counts.shape[1]
        self.w = np.eye(self.q) if weights is None else np.asarray(weights, dtype=float)
        if self.w.shape != (self.q, self.q):
            raise ValueError(f"weights must be {self.q} x {self.q}.")
        self.labels = None if rater_labels is None else np.asarray(rater_labels)[rated]
        self.confidence = confidence
        self.r = self.counts.sum(axis=1)
        self.n = len(self.r)
        self.two = self.r >= 2
        self.n2 = int(self.two.sum())
        c_star = self.counts @ self.w.T
        den = np.where(self.two, self.r * (self.r - 1), 1.0)
        self.pa_i = np.where(self.two, (self.counts * (c_star - 1)).sum(axis=1) / den, 0.0)
        self.pa = float(self.pa_i.sum() / self.n2) if self.n2 else np.nan
        self.pi = (self.counts / self.r[:, None]).mean(axis=0) if self.n else np.zeros(self.q)
        self.t_w = float(self.w.sum())

    # -- the common pieces ---------------------------------------------------------------------------------
    def _result(
        self, key: str, name: str, pe: float, pe_i: np.ndarray | None, formula: str, value: float | None = None
    ) -> Coefficient:
        if self.n2 == 0 or not np.isfinite(self.pa):
            return Coefficient(key, name, None, None, None, None, None, None, self.n2, formula)
        pe = np.float64(pe)  # 1 - pe may be 0 (one label only): nan under errstate, not an exception
        with np.errstate(divide="ignore", invalid="ignore"):
            coef = (self.pa - pe) / (1 - pe) if value is None else value
            kap_i = (self.n / self.n2) * (self.pa_i - pe * self.two) / (1 - pe)
            if pe_i is not None:
                kap_i = kap_i - 2 * (1 - coef) * (pe_i - pe) / (1 - pe)
            se = np.sqrt(((kap_i - coef) ** 2).sum() / (self.n * (self.n - 1))) if self.n >= 2 else np.nan
        lo = hi = None
        if np.isfinite(coef) and np.isfinite(se) and self.n >= 2:
            lo, hi = stats.t.interval(self.confidence, df=self.n - 1, loc=coef, scale=max(se, 1e-15))
            lo, hi = float(lo), float(min(1.0, hi))
        return Coefficient(key, name, _f(coef), _f(se), lo, hi, _f(self.pa), _f(pe), self.n2, formula)

    # -- the coefficients ----------------------------------------------------------------------------------
    def percent_agreement(self) -> Coefficient:
        """Gwet's generalised percent agreement: the mean over units of each unit's pair agreement."""
        return self._result(
            "percent_agreement", "Percent agreement", 0.0, None, "generalised (Gwet 2014): mean of per-unit agreement"
        )

    def gwet(self) -> Coefficient:
        """Gwet's AC1 (identity weights) or AC2 (any other weights)."""
        pe = self.t_w * float((self.pi * (1 - self.pi)).sum()) / (self.q * (self.q - 1)) if self.q >= 2 else 1.0
        pe_i = (self.t_w / (self.q * (self.q - 1))) * (self.counts @ (1 - self.pi)) / self.r if self.q >= 2 else None
        weighted = not np.allclose(self.w, np.eye(self.q))
        return self._result(
            "ac2" if weighted else "ac1",
            "Gwet's AC2" if weighted else "Gwet's AC1",
            pe,
            pe_i,
            "Gwet 2008 / 2014, missing ratings allowed",
        )

    def fleiss(self) -> Coefficient:
        """Fleiss' kappa, generalised to missing ratings (Gwet 2014); Scott's pi when there are two raters."""
        pe = float(self.pi @ self.w @ self.pi)
        pi_w = (self.w @ self.pi + self.w.T @ self.pi) / 2
        pe_i = (self.counts @ pi_w) / self.r
        return self._result("fleiss_kappa", "Fleiss' κ", pe, pe_i, "generalised (Gwet 2014), missing ratings allowed")

    def brennan_prediger(self) -> Coefficient:
        """Brennan & Prediger (1981): chance agreement T_w / q^2; Bennett's S (1954) for two raters."""
        pe = self.t_w / self.q**2 if self.q >= 2 else 1.0
        return self._result(
            "brennan_prediger",
            "Brennan–Prediger",
            pe,
            None,
            "Brennan & Prediger 1981 (= Bennett's S), missing ratings allowed",
        )

    def conger(self) -> Coefficient:
        """Conger's (1980) kappa: Cohen-type chance agreement from each rater's own marginals."""
        if self.labels is None:
            raise ValueError("Conger's kappa needs the units x raters labels (rater_labels).")
        L = self.labels[:, (self.labels >= 0).any(axis=0)]  # raters with no rating here do not count
        R = L.shape[1]
        if R < 2:
            return Coefficient(
                "conger_kappa",
                "Conger's κ",
                None,
                None,
                None,
                None,
                None,
                None,
                self.n2,
                "Conger 1980, missing ratings allowed",
            )
        rated = L >= 0
        onehot = np.zeros((R, self.q))
        np.add.at(onehot, (np.nonzero(rated)[1], L[rated]), 1.0)
        ng = onehot.sum(axis=1)  # ratings per rater
        p = onehot / ng[:, None]  # rater x category
        pbar = p.mean(axis=0)
        s2 = (p.T @ p - R * np.outer(pbar, pbar)) / (R - 1)
        pe = float((self.w * (np.outer(pbar, pbar) - s2 / R)).sum())
        # Gwet's per-unit chance-agreement term, vectorised over units and raters.
        A = R * pbar[None, :] - p  # rater x category
        aw = A @ self.w  # (A W)[g, l]
        b = (A * (p @ self.w.T)).sum(axis=1)  # per rater
        eps = rated.astype(float)
        g_idx = np.broadcast_to(np.arange(R), L.shape)
        term1 = np.where(rated, aw[g_idx, np.where(rated, L, 0)], 0.0)
        lam = (self.n / ng)[None, :] * (term1 - (eps - ng[None, :] / self.n) * b[None, :])
        pe_i = lam.sum(axis=1) / (R * (R - 1))
        return self._result("conger_kappa", "Conger's κ", pe, pe_i, "Conger 1980, missing ratings allowed")

    def krippendorff(self) -> Coefficient:
        """Krippendorff's alpha in Gwet's formulation, with his standard error (units with r_i >= 2)."""
        c, r = self.counts[self.two], self.r[self.two]
        n = len(r)
        if n < 1:
            return Coefficient(
                "krippendorff_alpha",
                "Krippendorff's α",
                None,
                None,
                None,
                None,
                None,
                None,
                0,
                "Krippendorff 2011 (Gwet's variance)",
            )
        r_mean = r.mean()
        eps = 1 / r.sum()
        sum_q = (c * (c @ self.w.T - 1)).sum(axis=1)
        pa_prime = np.float64((sum_q / (r_mean * (r - 1))).mean())
        pa = (1 - eps) * pa_prime + eps
        pi = c.mean(axis=0) / r_mean
        pe = np.float64(pi @ self.w @ pi)  # numpy scalars: 0/0 is nan under errstate, not an exception
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = (pa - pe) / (1 - pe)
            alpha_prime = (pa_prime - pe) / (1 - pe)
            pa_i = sum_q / (r_mean * (r - 1)) - pa * (r - r_mean) / r_mean
            k_i = (pa_i - pe) / (1 - pe)
            pi_w = (self.w @ pi + self.w.T @ pi) / 2
            pe_i = (c @ pi_w) / r_mean - pe * (r - r_mean) / r_mean
            k_i = k_i - 2 * (1 - alpha_prime) * (pe_i - pe) / (1 - pe)
            se = np.sqrt(((k_i - alpha_prime) ** 2).sum() / (n * (n - 1))) if n >= 2 else np.nan
        lo = hi = None
        if np.isfinite(alpha) and np.isfinite(se) and n >= 2:
            lo, hi = stats.t.interval(self.confidence, df=n - 1, loc=alpha, scale=max(se, 1e-15))
            lo, hi = float(lo), float(min(1.0, hi))
        return Coefficient(
            "krippendorff_alpha",
            "Krippendorff's α",
            _f(alpha),
            _f(se),
            lo,
            hi,
            _f(pa),
            _f(pe),
            n,
            "Krippendorff 2011 (Gwet's variance)",
        )


def bennett_s(a: Sequence, b: Sequence, q: int | None = None) -> float | None:
    """Bennett, Alpert & Goldstein's (1954) S of two raters' parallel labels: (po - 1/q) / (1 - 1/q)."""
    a, b = list(a), list(b)
    q = q or len(set(a) | set(b))
    if not a or q < 2:
        return None
    po = float(np.mean([x == y for x, y in zip(a, b, strict=True)]))
    return (po - 1 / q) / (1 - 1 / q)


def scott_pi(a: Sequence, b: Sequence) -> float | None:
    """Scott's (1955) pi of two raters' parallel labels: chance from the pooled marginals."""
    a, b = list(a), list(b)
    if not a:
        return None
    po = float(np.mean([x == y for x, y in zip(a, b, strict=True)]))
    _, pooled = np.unique(np.asarray(a + b, dtype=object).astype(str), return_counts=True)
    pe = float(((pooled / pooled.sum()) ** 2).sum())
    return None if pe >= 1 else (po - pe) / (1 - pe)
