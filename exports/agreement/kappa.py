"""Categorical agreement between raters: Cohen's kappa matrix, Fleiss' kappa, confusion, percent agreement.

Input is long format: parallel arrays ``unit``, ``rater``, ``label`` (one label per rater and unit).
The statistics themselves come from scikit-learn (Cohen) and statsmodels (Fleiss); this module only
shapes the data for them, vectorised with numpy.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as _statsmodels_fleiss


def _finite(x) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


class LabelTable:
    """Long-format labels factorised once: unit codes, rater codes, label codes."""

    def __init__(
        self,
        unit: Sequence[Hashable],
        rater: Sequence[Hashable],
        label: Sequence[Hashable],
        labels: Sequence[Hashable] | None = None,
    ):
        df = pd.DataFrame({"unit": list(unit), "rater": list(rater), "label": list(label)})
        if df.duplicated(["unit", "rater"]).any():
            raise ValueError("A rater has two labels for the same unit; give one label per rater and unit.")
        self.unit_codes, self.units = pd.factorize(df["unit"], sort=True)
        self.rater_codes, self.raters = pd.factorize(df["rater"], sort=True)
        present = pd.unique(df["label"])
        if labels is None:
            self.labels = sorted(present, key=str)
        else:
            unknown = set(present) - set(labels)
            if unknown:
                raise ValueError(f"Labels not in the label list: {sorted(map(str, unknown))}.")
            self.labels = list(labels)
        lookup = {v: i for i, v in enumerate(self.labels)}
        self.label_codes = df["label"].map(lookup).to_numpy()
        U, L = len(self.units), len(self.labels)
        # units x labels counts
        self.counts = sparse.csr_matrix((np.ones(len(df)), (self.unit_codes, self.label_codes)), shape=(U, L))
        self.m = np.bincount(self.unit_codes, minlength=U)

    def pair_counts(self, units_mask: np.ndarray | None = None) -> np.ndarray:
        """Ordered pairs of labels given to the same unit by two different raters (L x L, symmetric)."""
        C = self.counts if units_mask is None else self.counts[np.flatnonzero(units_mask)]
        pairs = np.asarray((C.T @ C).todense())
        pairs -= np.diag(np.asarray(C.sum(axis=0)).ravel())
        return pairs

    def confusion(self) -> dict:
        pairs = self.pair_counts(self.m >= 2)
        return {"labels": [str(x) for x in self.labels], "matrix": pairs.astype(int).tolist()}

    def percent_agreement(self) -> float | None:
        """Share of ordered rater pairs on the same unit that gave the same label."""
        pairs = self.pair_counts(self.m >= 2)
        total = pairs.sum()
        return _finite(np.trace(pairs) / total) if total else None

    def per_rater_agreement(self) -> dict:
        """For each rater: pairs with another rater on the same unit, and the share that agree."""
        if not len(self.unit_codes):
            return {}
        same = np.asarray(self.counts[self.unit_codes, self.label_codes]).ravel() - 1
        others = self.m[self.unit_codes] - 1
        agree = np.bincount(self.rater_codes, weights=same, minlength=len(self.raters))
        total = np.bincount(self.rater_codes, weights=others, minlength=len(self.raters))
        return {
            r: {"pairs": int(t), "agreement": (float(a / t) if t else None)}
            for r, a, t in zip(self.raters, agree, total, strict=True)
        }

    def matrix(self) -> np.ndarray:
        """units x raters label codes, -1 where a rater did not label the unit."""
        out = np.full((len(self.units), len(self.raters)), -1, dtype=np.int64)
        out[self.unit_codes, self.rater_codes] = self.label_codes
        return out

    def cohen_kappa_matrix(self, *, min_units: int = 2) -> dict:
        """Cohen's kappa (scikit-learn) for every two raters over the units both labelled."""
        M = self.matrix()
        R = len(self.raters)
        kappa = [[None] * R for _ in range(R)]
        shared = [[0] * R for _ in range(R)]
        label_ids = list(range(len(self.labels)))
        for i in range(R):
            kappa[i][i] = 1.0
            for j in range(i + 1, R):
                both = (M[:, i] >= 0) & (M[:, j] >= 0)
                n = int(both.sum())
                shared[i][j] = shared[j][i] = n
                shared[i][i] = int((M[:, i] >= 0).sum())
                if n < min_units:
                    continue
                a, b = M[both, i], M[both, j]
                if len(np.union1d(a, b)) < 2:  # one label only: kappa is 0/0
                    continue
                with np.errstate(divide="ignore", invalid="ignore"):
                    k = _finite(cohen_kappa_score(a, b, labels=label_ids))
                kappa[i][j] = kappa[j][i] = k
        if R:
            shared[R - 1][R - 1] = int((M[:, R - 1] >= 0).sum())
        return {
            "raters": [r.item() if hasattr(r, "item") else r for r in self.raters],
            "matrix": kappa,
            "shared_units": shared,
        }

    def fleiss(self) -> dict:
        """Fleiss' kappa (statsmodels) over the units rated by the most common number of raters.

        Fleiss' kappa needs the same number of raters on every unit; when the data are unbalanced
        the units with the modal count are used and ``all_units`` says so.
        """
        rated = self.m[self.m >= 2]
        if not len(rated):
            return {"value": None, "n_units": 0, "n_raters": 0, "all_units": True}
        counts_of_counts = np.bincount(rated)
        k = int(np.argmax(counts_of_counts))
        mask = self.m == k
        table = np.asarray(self.counts[np.flatnonzero(mask)].todense())
        with np.errstate(divide="ignore", invalid="ignore"):
            value = _finite(_statsmodels_fleiss(table, method="fleiss"))
        return {"value": value, "n_units": int(mask.sum()), "n_raters": k, "all_units": bool(mask.sum() == len(rated))}


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters' parallel label lists (scikit-learn)."""
    return _finite(cohen_kappa_score(list(a), list(b)))


def fleiss_kappa_from_table(table) -> float | None:
    """Fleiss' kappa of a units x categories count table (statsmodels)."""
    return _finite(_statsmodels_fleiss(np.asarray(table), method="fleiss"))
