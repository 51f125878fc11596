"""Krippendorff's alpha over whole statement sets, with partial credit (see README.md, "Statement α").

A value is the set of statements (actor, claim, stance) one annotator gave a paragraph. Two statements
differ by

    d(s, t) = w_actor [actor differs] + w_claim [claim differs] + w_stance * delta_stance(s, t)

(weights summing to 1; delta_stance nominal, or ordinal |rank difference| / (k - 1) over a given order),
and two sets A, B by the best one-to-one matching, every unmatched statement costing 1:

    D(A, B) = (min over matchings of sum of matched d + |#A - #B|) / max(#A, #B),   D(empty, empty) = 0

so D is 0 for identical sets, 1 for sets that share no component, symmetric, and in [0, 1]. Alpha uses
it as its distance: alpha = 1 - D_o / D_e with D_o the mean distance between annotators of the same
paragraph (each paragraph weighted by its number of values, as in Krippendorff 2011) and D_e the mean
distance between any two values of the whole study. D_e is exact when there are at most
``max_pairs`` ordered pairs of values, and otherwise estimated from ``max_pairs`` pairs drawn with a
fixed seed (its standard error is reported). Distances are computed once per pair of distinct sets:
matchings of up to four statements a side by enumerating the permutations (vectorised), larger ones
with ``scipy.optimize.linear_sum_assignment``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import permutations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

DEFAULT_WEIGHTS = {"actor": 1 / 3, "claim": 1 / 3, "stance": 1 / 3}
MAX_ENUMERATED = 4


@dataclass(frozen=True)
class SetTable:
    """Distinct statement sets as padded member arrays (-1: no statement)."""

    actor: np.ndarray  # sets x width, codes
    claim: np.ndarray
    stance: np.ndarray  # stance rank (nominal: label code)
    size: np.ndarray


def statement_distance_weights(weights: dict | None) -> tuple[float, float, float]:
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    parts = (float(w["actor"]), float(w["claim"]), float(w["stance"]))
    if min(parts) < 0 or not np.isclose(sum(parts), 1.0):
        raise ValueError("Statement distance weights must be non-negative and sum to 1.")
    return parts


def _pair_costs(t: SetTable, a: np.ndarray, b: np.ndarray, width: int, w: tuple, stance_scale: float | None):
    """cost[p, i, j] between member i of set a[p] and member j of set b[p] (padded to ``width``)."""
    A = [x[a][:, :width, None] for x in (t.actor, t.claim, t.stance)]
    B = [x[b][:, None, :width] for x in (t.actor, t.claim, t.stance)]
    pad_a, pad_b = A[0] < 0, B[0] < 0
    if stance_scale is None:
        ds = (A[2] != B[2]).astype(float)
    else:
        ds = np.abs(A[2] - B[2]) / stance_scale
    cost = w[0] * (A[0] != B[0]) + w[1] * (A[1] != B[1]) + w[2] * ds
    cost = np.where(pad_a | pad_b, 1.0, cost)
    return np.where(pad_a & pad_b, 0.0, cost)


def set_distances(
    t: SetTable, a: np.ndarray, b: np.ndarray, *, weights=None, stance_scale: float | None = None, chunk: int = 200_000
) -> np.ndarray:
    """D(set a[p], set b[p]) for every pair p."""
    w = statement_distance_weights(weights)
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    k = np.maximum(t.size[a], t.size[b])
    out = np.zeros(len(a))
    for width in np.unique(k):
        if width == 0:
            continue
        sel = np.flatnonzero(k == width)
        if width <= MAX_ENUMERATED:
            perms = np.array(list(permutations(range(width))))
            rows = np.arange(width)
            for s in range(0, len(sel), chunk):
                p = sel[s : s + chunk]
                cost = _pair_costs(t, a[p], b[p], width, w, stance_scale)
                best = cost[:, rows[None, :], perms].sum(axis=2).min(axis=1)
                out[p] = best / width
        else:
            for p in sel:
                cost = _pair_costs(t, a[p : p + 1], b[p : p + 1], width, w, stance_scale)[0]
                r, c = linear_sum_assignment(cost)
                out[p] = cost[r, c].sum() / width
    return out


def statement_set_distance(
    A: Sequence[tuple], B: Sequence[tuple], *, weights=None, stance_order: Sequence[str] | None = None
) -> float:
    """D between two lists of (actor, claim, stance) statements (duplicates count once)."""
    frame = pd.DataFrame(
        [(0, *s) for s in set(A)] + [(1, *s) for s in set(B)], columns=["row", "actor", "claim", "stance"]
    )
    table, codes = _set_table(frame, 2, stance_order)
    scale = None if stance_order is None else max(len(stance_order) - 1, 1)
    return float(set_distances(table, codes[:1], codes[1:], weights=weights, stance_scale=scale)[0])


def _set_table(st: pd.DataFrame, n_rows: int, stance_order: Sequence[str] | None) -> tuple[SetTable, np.ndarray]:
    """Distinct sets among ``n_rows`` rows given (row, actor, claim, stance) members; a code per row."""
    st = st.drop_duplicates(["row", "actor", "claim", "stance"])
    if stance_order is not None:
        rank = {v: i for i, v in enumerate(stance_order)}
        unknown = set(st["stance"]) - set(rank)
        if unknown:
            raise ValueError(f"Stance labels missing from the ordinal order: {sorted(map(str, unknown))}.")
        stance = st["stance"].map(rank).to_numpy(np.int64)
    else:
        stance = pd.factorize(st["stance"])[0]
    actor = pd.factorize(st["actor"])[0]
    claim = pd.factorize(st["claim"])[0]
    # Identify each row's set by the sum of random 64-bit keys of its members.
    item, _ = pd.factorize(pd.MultiIndex.from_arrays([actor, claim, stance]))
    keys = np.random.default_rng(54321).integers(
        1, 2**63 - 1, size=max(int(item.max(initial=-1)) + 1, 1), dtype=np.uint64
    )
    rows = st["row"].to_numpy(np.int64)
    h = np.zeros(n_rows, dtype=np.uint64)
    np.add.at(h, rows, keys[item])
    codes, uniques = pd.factorize(h)
    first = np.full(len(uniques), -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(n_rows)[::-1]
    is_first = np.zeros(n_rows, dtype=bool)
    is_first[first] = True
    m = is_first[rows]
    set_of = codes[rows[m]]
    order = np.argsort(set_of, kind="stable")
    set_of = set_of[order]
    size = np.bincount(set_of, minlength=len(uniques))
    width = max(int(size.max(initial=0)), 1)
    pos = np.arange(len(set_of)) - np.r_[0, np.cumsum(size)][set_of]
    arrays = []
    for col in (actor, claim, stance):
        arr = np.full((len(uniques), width), -1, dtype=np.int64)
        arr[set_of, pos] = col[m][order]
        arrays.append(arr)
    return SetTable(*arrays, size=size), codes


def statement_alpha(
    raters: pd.DataFrame,
    statements: pd.DataFrame,
    *,
    weights=None,
    stance_order: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    max_pairs: int = 200_000,
) -> dict:
    """alpha over paragraphs with the statement-set distance, a bootstrap interval and D_e's sampling error.

    ``raters``: (task, rater) of every annotator of every unit; ``statements``: (task, rater, actor,
    claim, stance). Units with fewer than two annotators are not pairable and are left out.

    One pass: the pair distances feed D_o, the sampled D_e and the bootstrap, and one seeded
    generator draws D_e's sample first and the bootstrap's resamples after it.
    """
    m_all = raters.groupby("task")["rater"].transform("size")
    r = raters[m_all >= 2].drop_duplicates(["task", "rater"]).sort_values(["task", "rater"]).reset_index(drop=True)
    n = len(r)
    out = _empty_result(n, statement_distance_weights(weights), stance_order)
    if n < 2:
        return out
    row_of = pd.Series(np.arange(n), index=pd.MultiIndex.from_frame(r[["task", "rater"]]))
    st = statements[["task", "rater", "actor", "claim", "stance"]]
    st_row = row_of.reindex(pd.MultiIndex.from_frame(st[["task", "rater"]])).to_numpy()
    st = st[~np.isnan(st_row)].assign(row=st_row[~np.isnan(st_row)].astype(np.int64))
    table, codes = _set_table(st, n, stance_order)
    scale = None if stance_order is None else max(len(stance_order) - 1, 1)
    out["distinct_sets"] = int(len(table.size))

    def dist(a, b):
        return _distinct_pair_distances(table, a, b, weights=weights, stance_scale=scale)

    task_code, m, unit_sum = _observed(r, codes, dist)
    rng = np.random.default_rng(seed)
    i, j, out["expected_exact"] = _expected_pairs(n, max_pairs, rng)
    d_exp = dist(codes[i], codes[j])
    U = len(m)
    d_o = float(unit_sum.sum() / m.sum())
    d_e = float(d_exp.mean())
    out.update(
        n_units=U,
        observed=d_o,
        expected=d_e,
        expected_pairs=int(len(d_exp)),
        expected_se=0.0 if out["expected_exact"] else float(d_exp.std(ddof=1) / np.sqrt(len(d_exp))),
    )
    if d_e <= 0:
        return out
    out["value"] = float(1 - d_o / d_e)
    if n_boot > 0:
        rep = _bootstrap(rng, n_boot, m, unit_sum, d_exp, task_code[i], task_code[j])
        if len(rep):
            out["ci_low"], out["ci_high"] = (float(x) for x in np.percentile(rep, [2.5, 97.5]))
    return out


def _empty_result(n: int, w: tuple, stance_order) -> dict:
    """The result's keys, with what they hold while nothing is computed yet."""
    return {
        "value": None,
        "ci_low": None,
        "ci_high": None,
        "n_units": 0,
        "n_values": n,
        "observed": None,
        "expected": None,
        "expected_se": None,
        "expected_pairs": 0,
        "expected_exact": True,
        "weights": dict(zip(("actor", "claim", "stance"), w, strict=True)),
        "stance_distance": "nominal" if stance_order is None else "ordinal",
        "distinct_sets": 0,
    }


def _distinct_pair_distances(table: SetTable, a, b, *, weights, stance_scale) -> np.ndarray:
    """set_distances for the pairs (a[p], b[p]) of set codes, each distinct (low, high) pair computed once."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = lo * len(table.size) + hi
    uniq, inv = np.unique(key, return_inverse=True)
    d = set_distances(
        table, uniq // len(table.size), uniq % len(table.size), weights=weights, stance_scale=stance_scale
    )
    return d[inv]


def _observed(r: pd.DataFrame, codes: np.ndarray, dist) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """D_o's parts from the ordered pairs within each unit: each value's unit code, the units'
    numbers of values m, and each unit's sum of pair distances over (m - 1)."""
    n = len(r)
    task_code, _ = pd.factorize(r["task"])
    U = int(task_code.max()) + 1
    m = np.bincount(task_code, minlength=U).astype(float)
    g = r.assign(code=codes, unit=task_code, i=np.arange(n))[["unit", "code", "i"]]
    pairs = g.merge(g, on="unit", suffixes=("", "_o"))
    pairs = pairs[pairs["i"] != pairs["i_o"]]
    d_pairs = dist(pairs["code"].to_numpy(), pairs["code_o"].to_numpy())
    unit_sum = np.bincount(pairs["unit"].to_numpy(), weights=d_pairs, minlength=U) / (m - 1)  # per unit
    return task_code, m, unit_sum


def _expected_pairs(n: int, max_pairs: int, rng) -> tuple[np.ndarray, np.ndarray, bool]:
    """D_e's pairs (i, j): all ordered pairs of values (i != j), or ``max_pairs`` of them drawn from
    ``rng``; and whether they are all of them."""
    if n * (n - 1) <= max_pairs:
        i, j = np.divmod(np.arange(n * n), n)
        keep = i != j
        return i[keep], j[keep], True
    i = rng.integers(0, n, max_pairs)
    j = (i + rng.integers(1, n, max_pairs)) % n  # uniform over j != i
    return i, j, False


def _bootstrap(rng, n_boot: int, m, unit_sum, d_exp, ui, uj) -> np.ndarray:
    """The finite alphas of ``n_boot`` resamples of the units (drawn from ``rng``, in chunks)."""
    U = len(m)

    def alpha_of(wu: np.ndarray) -> np.ndarray:
        """alpha for each row of unit weights ``wu`` (R x U); D_e reweights the pairs by their units' weights."""
        n_w = wu @ m
        d_o = (wu @ unit_sum) / n_w
        pw = wu[:, ui] * wu[:, uj]
        d_e = (pw @ d_exp) / pw.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(d_e > 0, 1 - d_o / d_e, np.nan)

    reps = []
    chunk = max(1, min(50, 2_000_000 // max(len(d_exp), 1)))
    for s in range(0, n_boot, chunk):
        k = min(chunk, n_boot - s)
        idx = rng.integers(0, U, size=(k, U)) + (np.arange(k) * U)[:, None]
        wu = np.bincount(idx.ravel(), minlength=k * U).reshape(k, U).astype(float)
        reps.append(alpha_of(wu))
    rep = np.concatenate(reps)
    return rep[np.isfinite(rep)]
