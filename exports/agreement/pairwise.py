"""Pairwise F1 between annotators of the same paragraph: exact items (triples, spans) and overlapping spans.

Every ordered pair of annotators (a, b) on a task contributes a's items as "predicted" and b's as
"reference". Micro-averaged over all ordered pairs, precision equals recall, so

    F1 = sum over a's items of (number of other annotators matching it) / sum_a |A_a| * (m_t - 1)

where m_t counts every annotator of the task, including those with no items. For each item row we
compute ``k`` (how many other annotators match it); everything else is a grouped sum.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _ratio(num: float, den: float) -> float | None:
    return float(num / den) if den else None


def exact_matches(items: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Deduplicated (task, rater, *keys) rows with ``k``: how many other raters have the same item."""
    items = items.drop_duplicates(["task", "rater", *keys]).copy()
    items["k"] = items.groupby(["task", *keys], sort=False)["rater"].transform("size").to_numpy() - 1
    return items


def overlap_matches(spans: pd.DataFrame) -> pd.DataFrame:
    """Deduplicated (task, rater, start, end) rows with ``k``: other raters with an overlapping span."""
    spans = spans.drop_duplicates(["task", "rater", "start", "end"]).reset_index(drop=True)
    spans["row"] = np.arange(len(spans))
    left = spans[["task", "rater", "start", "end", "row"]]
    pairs = left.merge(left, on="task", suffixes=("", "_o"))
    pairs = pairs[
        (pairs["rater"] != pairs["rater_o"]) & (pairs["start"] < pairs["end_o"]) & (pairs["start_o"] < pairs["end"])
    ]
    k = pairs.drop_duplicates(["row", "rater_o"]).groupby("row").size()
    spans["k"] = k.reindex(spans["row"], fill_value=0).to_numpy()
    return spans.drop(columns="row")


def f1_summary(matched: pd.DataFrame, raters: pd.DataFrame) -> dict:
    """Micro F1 over ordered rater pairs. ``raters`` lists (task, rater) of every unit's annotators."""
    m = raters.groupby("task").size().rename("m")
    per = matched.groupby(["task", "rater"]).agg(items=("k", "size"), hits=("k", "sum")).reset_index()
    per = per.join(m, on="task")
    den = float((per["items"] * (per["m"] - 1)).sum())
    return {
        "f1": _ratio(float(per["hits"].sum()), den),
        "items": int(per["items"].sum()),
        "rater_pairs": int((m * (m - 1) // 2).sum()),
    }


def per_task_agreement(matched: pd.DataFrame, raters: pd.DataFrame) -> pd.DataFrame:
    """Per task: pairwise F1 among its annotators (1.0 when nobody has any item)."""
    m = raters.groupby("task").size().rename("m")
    per = matched.groupby(["task", "rater"]).agg(items=("k", "size"), hits=("k", "sum")).reset_index()
    per = per.join(m, on="task")
    per["den"] = per["items"] * (per["m"] - 1)
    agg = per.groupby("task").agg(
        hits=("hits", "sum"), den=("den", "sum"), items=("items", "sum"), raters_with_items=("rater", "size")
    )
    out = pd.DataFrame(index=m.index).join(agg).fillna(0)
    out["m"] = m
    out["f1"] = np.where(out["den"] > 0, out["hits"] / out["den"].where(out["den"] > 0, 1), 1.0)
    return out


def per_rater_f1(matched: pd.DataFrame, raters: pd.DataFrame) -> dict:
    """Each rater against the others on the same tasks (exact matching: hits are symmetric)."""
    m = raters.groupby("task").size().rename("m")
    per = matched.groupby(["task", "rater"]).agg(items=("k", "size"), hits=("k", "sum")).reset_index()
    full = raters[["task", "rater"]].merge(per, on=["task", "rater"], how="left").fillna({"items": 0, "hits": 0})
    full = full.join(m, on="task")
    task_items = full.groupby("task")["items"].transform("sum")
    full["p_den"] = full["items"] * (full["m"] - 1)
    full["r_den"] = task_items - full["items"]
    g = full.groupby("rater").agg(hits=("hits", "sum"), p_den=("p_den", "sum"), r_den=("r_den", "sum"))
    out = {}
    for rater, row in g.iterrows():
        p, r = _ratio(row.hits, row.p_den), _ratio(row.hits, row.r_den)
        out[rater] = None if p is None or r is None or p + r == 0 else (0.0 if p + r == 0 else 2 * p * r / (p + r))
    return out
