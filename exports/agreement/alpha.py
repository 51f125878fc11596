"""Krippendorff's alpha, vectorised, with weighted recomputation for bootstrap and groups.

Data are pairable values: parallel arrays ``unit`` (any hashable codes) and ``value``. Units with
fewer than two values are not pairable and are dropped, as in Krippendorff (2011).

For a distance ``delta`` with ``delta(c, c) == 0`` and values in [0, 1] (nominal, MASI) we write
``s = 1 - delta`` as a (sparse) similarity matrix S over the distinct values. With n_u the value
counts of unit u, m_u = |n_u| and n = sum of all counts:

    observed agreement of unit u   a_u = (n_u' S n_u - m_u) / (m_u - 1)
    alpha = 1 - (n - 1) * (n - sum_u a_u) / (n^2 - n' S n)

which equals the coincidence-matrix formula. Interval data use sums of values and squares instead.
Every sum is linear in per-unit quantities, so a weight matrix W (rows: bootstrap replicates or
groups, columns: units) gives one alpha per row with a couple of matrix products. See README.md.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from .metric_distance import METRIC_LEVELS, metric_delta

LEVELS = ("nominal", "ordinal", "interval", "ratio", "masi")


@dataclass(frozen=True)
class AlphaResult:
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n_units: int
    n_values: int

    def as_dict(self) -> dict:
        return {
            "value": self.value,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "n_units": self.n_units,
            "n_values": self.n_values,
            "reading": reading(self.value),
        }


def reading(alpha: float | None) -> str:
    """Krippendorff's usual reading of alpha."""
    if alpha is None:
        return "undefined (no variation in the values)"
    if alpha >= 0.8:
        return "reliable"
    if alpha >= 0.667:
        return "tentative conclusions only"
    return "unreliable"


def _finite(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


class AlphaParts:
    """Per-unit sufficient statistics of alpha; ``alpha(W)`` recomputes it for each row of W."""

    def __init__(self, units: Sequence[Hashable], values: Sequence, level: str = "nominal"):
        if level not in LEVELS and level != "masi_codes":
            raise ValueError(f"Unknown level of measurement {level!r}; use one of {', '.join(LEVELS)}.")
        self.level = level
        units = pd.Series(list(units) if not isinstance(units, (np.ndarray, pd.Series)) else units)
        if level != "masi_codes" and len(units) != len(values):
            raise ValueError(f"units and values differ in length ({len(units)} != {len(values)}).")
        unit_codes, unit_keys = pd.factorize(units, sort=True)
        counts_per_unit = np.bincount(unit_codes, minlength=len(unit_keys))
        keep_unit = counts_per_unit >= 2
        keep = keep_unit[unit_codes]
        # Re-number the pairable units 0..U-1 in sorted key order.
        new_code = np.cumsum(keep_unit) - 1
        self.unit_keys = np.asarray(unit_keys)[keep_unit]
        codes = new_code[unit_codes[keep]]
        self.n_units = len(self.unit_keys)
        self.m = counts_per_unit[keep_unit].astype(float)
        self.unit_of_value = codes
        if level == "interval":
            vals = np.asarray(values, dtype=float)[keep]
            s1 = np.bincount(codes, weights=vals, minlength=self.n_units)
            s2 = np.bincount(codes, weights=vals * vals, minlength=self.n_units)
            self.s1, self.s2 = s1, s2
            self.d = (2 * self.m * s2 - 2 * s1 * s1) / (self.m - 1)  # within-unit ordered-pair disagreement
            return
        if level == "masi":
            value_codes, value_keys = _factorize_sets([v for v, k in zip(values, keep, strict=True) if k])
            self.sim = masi_similarity_matrix(value_keys)
        elif level == "masi_codes":
            # values: (set code per value, list of distinct frozensets) from factorize_set_rows.
            set_codes, value_keys = values
            value_codes = np.asarray(set_codes)[keep]
            self.sim = masi_similarity_matrix(value_keys)
            self.level = "masi"
        else:
            value_codes, value_keys = pd.factorize(pd.Series(np.asarray(values, dtype=object)[keep]), sort=True)
            self.sim = sparse.identity(len(value_keys), format="csr")
            if level in METRIC_LEVELS:  # ordinal, ratio: S = 1 - delta, dense (metric_distance.py)
                freq = np.bincount(value_codes, minlength=len(value_keys))
                self.sim = sparse.csr_matrix(1 - metric_delta(level, np.asarray(value_keys, float), freq))
        self.value_keys = list(value_keys)
        self.counts = sparse.csr_matrix(
            (np.ones(len(codes)), (codes, value_codes)), shape=(self.n_units, len(value_keys))
        )
        # Few distinct values (nominal labels): dense products are much faster than sparse ones.
        self._counts_w = self.counts.toarray() if len(value_keys) <= 64 else self.counts
        quad = np.asarray(self.counts.multiply(self.counts @ self.sim).sum(axis=1)).ravel()
        # For replicates: S = D + U + U' (U strictly upper), so n'Sn = n'Dn + 2 n'Un, in float32.
        self._sim_diag = self.sim.diagonal().astype(np.float32)
        self._sim_lower = sparse.triu(self.sim, k=1).T.tocsr().astype(np.float32)
        self.a = (quad - self.m) / (self.m - 1)

    @property
    def n_values(self) -> int:
        return int(self.m.sum())

    def _linear(self) -> np.ndarray:
        """Per-unit columns every alpha is linear in, so one matrix product serves a whole weight matrix."""
        if getattr(self, "_lin", None) is None:
            if self.level == "interval":
                cols = [self.m, self.d, self.s1, self.s2]
            else:
                cols = [self.m, self.a]
                if not sparse.issparse(self._counts_w):
                    cols += list(np.asarray(self._counts_w, dtype=float).T)
            self._lin = np.ascontiguousarray(np.column_stack(cols), dtype=np.float64)
        return self._lin

    def alpha(self, weights=None) -> np.ndarray:
        """Alpha for each row of ``weights`` (R x units, dense or sparse); one value when None."""
        W = np.ones((1, self.n_units)) if weights is None else weights
        R = np.asarray(W @ self._linear(), dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            n = R[:, 0]
            if self.level == "interval":
                D, S1, S2 = R[:, 1], R[:, 2], R[:, 3]
                expected = 2 * n * S2 - 2 * S1 * S1
                out = 1 - (n - 1) * D / expected
            else:
                A = R[:, 1]
                if sparse.issparse(self._counts_w):
                    Nv = W @ self._counts_w
                    Nv = Nv.toarray() if sparse.issparse(Nv) else np.asarray(Nv)
                else:
                    Nv = R[:, 2:]
                if weights is None or not sparse.issparse(self._counts_w):
                    quad = np.einsum("ij,ij->i", Nv, np.asarray((self.sim @ Nv.T).T))
                else:
                    # Replicates over many distinct sets: symmetric half of S, float32 (counts are exact).
                    N32 = np.ascontiguousarray(Nv, dtype=np.float32)
                    upper = np.einsum("ij,ji->i", N32, self._sim_lower @ np.ascontiguousarray(N32.T))
                    quad = (N32 * N32) @ self._sim_diag + 2 * upper.astype(np.float64)
                expected = n * n - quad
                out = 1 - (n - 1) * (n - A) / expected
        # 0/0: every value identical -> alpha undefined; n < 2 likewise.
        out = np.where((expected <= 1e-12) | (n < 2), np.nan, out)
        return out

    def value(self) -> float | None:
        return _finite(self.alpha()[0]) if self.n_units else None

    def bootstrap(self, *, n_boot: int = 1000, seed: int = 0) -> np.ndarray:
        """Alphas of ``n_boot`` resamples of the units (with replacement), reproducible from ``seed``."""
        return bootstrap_alphas([self], n_boot=n_boot, seed=seed)[0]

    def result(self, *, n_boot: int = 1000, seed: int = 0) -> AlphaResult:
        return alpha_results([self], n_boot=n_boot, seed=seed)[0]

    def by_group(self, unit_groups: Sequence[Hashable]) -> dict:
        """Alpha per group, ``unit_groups`` giving a group for every pairable unit (in unit order)."""
        if len(unit_groups) != self.n_units:
            raise ValueError("unit_groups needs one group per pairable unit.")
        if not self.n_units:
            return {}
        codes, keys = pd.factorize(pd.Series(list(unit_groups)), sort=True)
        W = sparse.csr_matrix(
            (np.ones(self.n_units), (codes, np.arange(self.n_units))), shape=(len(keys), self.n_units)
        )
        alphas = self.alpha(W)
        n_units = np.bincount(codes, minlength=len(keys))
        # A single unit gives a number but no evidence about reliability: report it as undefined.
        return {
            k: {"alpha": _finite(a) if c >= 2 else None, "n_units": int(c)}
            for k, a, c in zip(keys, alphas, n_units, strict=True)
        }


def bootstrap_alphas(
    parts: Sequence[AlphaParts], *, n_boot: int = 1000, seed: int = 0, chunk: int = 50
) -> list[np.ndarray]:
    """Bootstrap alphas for several statistics over the same units, with the same resamples."""
    sizes = {p.n_units for p in parts}
    if len(sizes) != 1:
        raise ValueError("bootstrap_alphas needs statistics over the same units.")
    U = sizes.pop()
    outs = [np.full(n_boot, np.nan) for _ in parts]
    if U == 0:
        return outs
    rng = np.random.default_rng(seed)
    for start in range(0, n_boot, chunk):
        r = min(chunk, n_boot - start)
        idx = rng.integers(0, U, size=(r, U), dtype=np.int64 if r * U >= 2**31 else np.int32)
        idx += (np.arange(r, dtype=idx.dtype) * U)[:, None]
        W = np.bincount(idx.ravel(), minlength=r * U).reshape(r, U).astype(float)
        for p, out in zip(parts, outs, strict=True):
            out[start : start + r] = p.alpha(W)
    return outs


def alpha_results(parts: Sequence[AlphaParts], *, n_boot: int = 1000, seed: int = 0) -> list[AlphaResult]:
    """Point estimates with 95% percentile bootstrap intervals (seeded, reproducible)."""
    values = [p.value() for p in parts]
    reps = (
        bootstrap_alphas(parts, n_boot=n_boot, seed=seed)
        if n_boot > 0 and any(v is not None for v in values)
        else [np.array([]) for _ in parts]
    )
    out = []
    for p, v, rep in zip(parts, values, reps, strict=True):
        rep = rep[np.isfinite(rep)]
        lo = hi = None
        if v is not None and len(rep):
            lo, hi = (float(x) for x in np.percentile(rep, [2.5, 97.5]))
        out.append(AlphaResult(v, lo, hi, p.n_units, p.n_values))
    return out


def factorize_set_rows(n_rows: int, row: np.ndarray, item: np.ndarray) -> tuple[np.ndarray, list[frozenset]]:
    """Set code for each of ``n_rows`` rows whose members are the (row, item) pairs, vectorised.

    Each distinct item gets a random 64-bit key and a row's set is identified by the sum of its
    members' keys (collisions have probability ~ rows^2 / 2^64); rows without items hold the empty set.
    """
    row = np.asarray(row, dtype=np.int64)
    item_codes, _items = pd.factorize(pd.Series(np.asarray(item)))
    pairs = pd.DataFrame({"row": row, "item": item_codes}).drop_duplicates()
    keys = np.random.default_rng(12345).integers(1, 2**63 - 1, size=max(len(_items), 1), dtype=np.uint64)
    h = np.zeros(n_rows, dtype=np.uint64)
    np.add.at(h, pairs["row"].to_numpy(), keys[pairs["item"].to_numpy()])
    codes, uniques = pd.factorize(h)
    first_row = np.full(len(uniques), -1, dtype=np.int64)
    first_row[codes[::-1]] = np.arange(n_rows)[::-1]
    sel = pairs[pairs["row"].isin(first_row)]
    code_of_row = dict(zip(first_row.tolist(), range(len(uniques)), strict=True))
    members: dict[int, list] = {}
    for r, i in zip(sel["row"].tolist(), sel["item"].tolist(), strict=True):
        members.setdefault(code_of_row[r], []).append(_items[i])
    sets = [frozenset(members.get(c, ())) for c in range(len(uniques))]
    return codes, sets


def _factorize_sets(values: Iterable) -> tuple[np.ndarray, list[frozenset]]:
    index: dict[frozenset, int] = {}
    codes = np.fromiter((index.setdefault(frozenset(v), len(index)) for v in values), dtype=np.int64)
    return codes, list(index)


def masi_similarity_matrix(sets: Sequence[frozenset]) -> sparse.csr_matrix:
    """1 - MASI distance between every two sets, sparse (disjoint sets have similarity 0).

    MASI (Passonneau 2006) = Jaccard x monotonicity (1 equal, 2/3 subset, 1/3 overlap, 0 disjoint).
    Two empty sets are taken as equal (similarity 1).
    """
    V = len(sets)
    items: dict = {}
    rows, cols = [], []
    for i, s in enumerate(sets):
        for x in s:
            rows.append(i)
            cols.append(items.setdefault(x, len(items)))
    M = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(V, max(len(items), 1)))
    inter = (M @ M.T).tocoo()
    size = np.array([len(s) for s in sets], dtype=float)
    i, j, x = inter.row, inter.col, inter.data
    union = size[i] + size[j] - x
    monotonicity = np.where(
        (x == size[i]) & (x == size[j]), 1.0, np.where((x == size[i]) | (x == size[j]), 2 / 3, 1 / 3)
    )
    sim = sparse.csr_matrix((x / union * monotonicity, (i, j)), shape=(V, V))
    empty = np.flatnonzero(size == 0)
    if len(empty):
        sim = sim + sparse.csr_matrix((np.ones(len(empty)), (empty, empty)), shape=(V, V))
    return sim.tocsr()


def masi_distance(a: Iterable, b: Iterable) -> float:
    """MASI distance between two label sets (same as nltk's, plus 0 for two empty sets)."""
    sim = masi_similarity_matrix([frozenset(a), frozenset(b)])
    return float(1 - sim[0, 1]) if frozenset(a) != frozenset(b) else 0.0


def krippendorff_alpha(reliability_data, level: str = "nominal") -> float | None:
    """Alpha of a coders x units matrix with None/NaN for missing values (the paper's layout)."""
    rows = [list(r) for r in reliability_data]
    units, values = [], []
    for coder_row in rows:
        for u, v in enumerate(coder_row):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                continue
            units.append(u)
            values.append(v)
    return AlphaParts(units, values, level).value()
