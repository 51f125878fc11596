"""Krippendorff's alpha for unitizing (alpha_U) over paragraphs as continua, vectorised.

Krippendorff (2004, Content Analysis, 2nd ed., ch. 12.4; 1995 "On the reliability of unitizing
contiguous data") and its implementation in DKPro Statistics (``KrippendorffAlphaUnitizingAgreement``):
every annotator divides a continuum into units of a label and the gaps between them. For one label c,
two annotators' segments that overlap contribute

    both units, overlapping:              (b_i - b_j)^2 + (e_i - e_j)^2
    a unit lying inside the other's gap:  l^2
    anything else (gap against gap):      0

summed over annotator pairs, and

    D_o(c) = 2 * sum / (R (R - 1) L^2)
    D_e(c) = (2 / L) * sum_units [ (N_c - 1)(2l^3 - 3l^2 + l) / 3 + l^2 * sum_{gaps g >= l} (g - l + 1) ]
             / (R L (R L - 1) - sum_units l (l - 1))
    alpha_U(c) = 1 - D_o(c) / D_e(c);  over all labels, alpha_U = 1 - mean_c D_o(c) / mean_c D_e(c)

(R annotators, L the continuum's length, N_c the number of units of label c, lengths l, gaps g).

Here the continuum is the project's paragraphs laid end to end: gaps stop at paragraph ends, and a
paragraph annotated by m_p annotators adds m_p (m_p - 1) L_p instead of R (R - 1) L_p to the first
denominator and m_p L_p to R L in the second. With every paragraph annotated by the same number of
annotators both are exactly Krippendorff's formulas. A rater's overlapping units of one label are
merged into their union first (alpha_U assumes they do not overlap).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _merge_overlaps(units: pd.DataFrame) -> pd.DataFrame:
    """Union of each (task, rater, label)'s overlapping units, sorted by start."""
    u = units.sort_values(["task", "rater", "label", "start", "end"], kind="stable").reset_index(drop=True)
    if not len(u):
        return u
    key = u.groupby(["task", "rater", "label"], sort=False).ngroup().to_numpy()
    start, end = u["start"].to_numpy(), u["end"].to_numpy()
    reach = pd.Series(end).groupby(key).cummax().to_numpy()
    prev_reach = np.r_[-1, reach[:-1]]
    new = np.r_[True, key[1:] != key[:-1]] | (start >= prev_reach)
    block = np.cumsum(new) - 1
    out = u.loc[new, ["task", "rater", "label", "start"]].reset_index(drop=True)
    out["end"] = pd.Series(end).groupby(block).max().to_numpy()
    return out


def _gap_sum(
    keys: np.ndarray, gaps: np.ndarray, sign: np.ndarray, q_keys: np.ndarray, q_len: np.ndarray, width: int
) -> np.ndarray:
    """For each query (label, l): sum over gaps g of that label with g >= l of sign * (g - l + 1)."""
    if not len(gaps):
        return np.zeros(len(q_len))
    code = keys.astype(np.int64) * width + gaps.astype(np.int64)
    order = np.argsort(code, kind="stable")
    code, g, s = code[order], gaps[order].astype(float), sign[order].astype(float)
    # suffix sums of sign and sign * g, so a range [lo, hi) of the sorted codes costs two lookups
    cs = np.r_[0.0, np.cumsum(s)]
    cg = np.r_[0.0, np.cumsum(s * g)]
    lo = np.searchsorted(code, q_keys.astype(np.int64) * width + q_len.astype(np.int64), "left")
    hi = np.searchsorted(code, q_keys.astype(np.int64) * width + width, "left")
    count = cs[hi] - cs[lo]
    total = cg[hi] - cg[lo]
    return total - (q_len - 1) * count


def unitizing_alpha(units: pd.DataFrame, raters: pd.DataFrame, lengths: pd.Series, *, top: int = 10) -> dict:
    """alpha_U over paragraphs.

    ``units``: (task, rater, start, end, label) with 0 <= start <= end <= length of the task;
    ``raters``: (task, rater) of every annotator of every unit (paragraph), including those who marked
    nothing; ``lengths``: paragraph length per task (index: task). Returns the overall alpha_U, its
    D_o and D_e, and the ``top`` most used labels' alpha_U.

    (Krippendorff's (2004) formulas, vectorised over every section pair: _observed_disagreement and
    _expected_disagreement give D_o(c) and D_e(c) for all labels at once. Checked against DKPro's examples.)
    """
    m = raters.groupby("task").size()
    m = m[m >= 2]
    empty = {
        "value": None,
        "observed": None,
        "expected": None,
        "n_units": int(len(m)),
        "n_segments": 0,
        "n_labels": 0,
        "by_label": [],
    }
    if not len(m):
        return empty
    L_p = lengths.reindex(m.index).astype(float)
    if L_p.isna().any():
        raise ValueError("unitizing_alpha needs a length for every paragraph.")
    u, label_keys = _segments(units, raters, m, L_p)
    C = len(label_keys)
    empty["n_segments"] = int(len(u))
    if C == 0:
        return empty
    d_o = _observed_disagreement(u, m, L_p, C)
    d_e, n_c = _expected_disagreement(u, raters, m, L_p, C)

    def alpha(o: float, e: float) -> float | None:
        return float(1 - o / e) if e > 0 and np.isfinite(e) else None

    order = np.argsort(-n_c, kind="stable")[:top]
    by_label = [
        {
            "label": label_keys[c].item() if hasattr(label_keys[c], "item") else label_keys[c],
            "segments": int(n_c[c]),
            "value": alpha(d_o[c], d_e[c]),
            "observed": float(d_o[c]),
            "expected": float(d_e[c]),
        }
        for c in order
    ]
    o, e = float(d_o.mean()), float(d_e.mean())
    return {
        "value": alpha(o, e),
        "observed": o,
        "expected": e,
        "n_units": int(len(m)),
        "n_segments": int(len(u)),
        "n_labels": C,
        "by_label": by_label,
    }


def _segments(units: pd.DataFrame, raters: pd.DataFrame, m: pd.Series, L_p: pd.Series):
    """The pairable units' segments, clipped to their paragraphs, labels coded 0..C-1 (sorted) and
    each (task, rater, label)'s overlaps merged; and the labels those codes stand for."""
    u = units[units["task"].isin(m.index)]
    u = u.merge(raters[raters["task"].isin(m.index)][["task", "rater"]], on=["task", "rater"])
    u = u.assign(
        start=np.clip(u["start"].to_numpy(float), 0, L_p.reindex(u["task"]).to_numpy()),
        end=np.clip(u["end"].to_numpy(float), 0, L_p.reindex(u["task"]).to_numpy()),
    )
    u = u[u["end"] >= u["start"]]
    label_codes, label_keys = pd.factorize(u["label"], sort=True)
    return _merge_overlaps(u.assign(label=label_codes)), label_keys


def _observed_disagreement(u: pd.DataFrame, m: pd.Series, L_p: pd.Series, C: int) -> np.ndarray:
    """D_o(c) for every label c."""
    L = float(L_p.sum())
    mp = m.astype(float)
    pair_len = float((mp * (mp - 1) * L_p).sum())  # R (R - 1) L in the uniform case
    lab = u["label"].to_numpy()
    length = u["end"].to_numpy(float) - u["start"].to_numpy(float)
    task_m = m.reindex(u["task"]).to_numpy(float)
    # Overlapping pairs of units of one label from different raters (each pair seen twice).
    seg = u.assign(row=np.arange(len(u)))[["task", "label", "rater", "start", "end", "row"]]
    pairs = seg.merge(seg, on=["task", "label"], suffixes=("", "_o"))
    pairs = pairs[
        (pairs["rater"] != pairs["rater_o"]) & (pairs["start"] < pairs["end_o"]) & (pairs["start_o"] < pairs["end"])
    ]
    both = ((pairs["start"] - pairs["start_o"]) ** 2 + (pairs["end"] - pairs["end_o"]) ** 2).to_numpy()
    observed = np.bincount(pairs["label"].to_numpy(), weights=both, minlength=C) / 2
    # A unit inside another rater's gap: every other rater with no overlapping unit of that label.
    k = pairs.drop_duplicates(["row", "rater_o"]).groupby("row").size().reindex(np.arange(len(u)), fill_value=0)
    alone = task_m - 1 - k.to_numpy()
    observed += np.bincount(lab, weights=alone * length**2, minlength=C)
    return 2 * observed / (L * pair_len)


def _expected_disagreement(
    u: pd.DataFrame, raters: pd.DataFrame, m: pd.Series, L_p: pd.Series, C: int
) -> tuple[np.ndarray, np.ndarray]:
    """D_e(c) for every label c, and N_c, the number of units of each label."""
    L = float(L_p.sum())
    T = float((m.astype(float) * L_p).sum())  # R L in the uniform case
    lab = u["label"].to_numpy()
    start, end = u["start"].to_numpy(float), u["end"].to_numpy(float)
    length = end - start
    # Gaps of each label: the (task, rater)s with units of it get their actual gaps instead of the
    # whole paragraph, which every other (task, rater) contributes as one gap.
    prev_end = u.groupby(["task", "rater", "label"], sort=False)["end"].shift(1).fillna(0).to_numpy()
    first_gap = start - prev_end
    grp = u.drop_duplicates(["task", "rater", "label"], keep="last")
    last_gap = L_p.reindex(grp["task"]).to_numpy() - grp["end"].to_numpy(float)
    full = L_p.reindex(raters.loc[raters["task"].isin(m.index), "task"]).to_numpy()
    gap_label = np.r_[lab, grp["label"].to_numpy(), grp["label"].to_numpy()]
    gap_len = np.r_[first_gap, last_gap, L_p.reindex(grp["task"]).to_numpy()]
    gap_sign = np.r_[np.ones(len(lab) + len(grp)), -np.ones(len(grp))]
    keep = gap_len > 0
    width = int(max(L_p.max(), 1)) + 2
    gsum = _gap_sum(gap_label[keep], gap_len[keep], gap_sign[keep], lab, length, width)
    # every label also has the full-paragraph gaps of all (task, rater)s
    gsum += _gap_sum(
        np.zeros(len(full), dtype=np.int64), full, np.ones(len(full)), np.zeros(len(lab), dtype=np.int64), length, width
    )
    n_c = np.bincount(lab, minlength=C).astype(float)
    term = (n_c[lab] - 1) * (2 * length**3 - 3 * length**2 + length) / 3 + length**2 * gsum
    num = np.bincount(lab, weights=term, minlength=C) * 2 / L
    den = T * (T - 1) - np.bincount(lab, weights=length * (length - 1), minlength=C)
    return num / den, n_c
