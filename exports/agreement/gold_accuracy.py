"""Each annotator against gold (adjudicated) statements, on the gold tasks they annotated."""

from __future__ import annotations

import pandas as pd


def _ratio(num: float, den: float) -> float | None:
    return float(num / den) if den else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def accuracy_against_gold(
    raters: pd.DataFrame, statements: pd.DataFrame, gold_tasks: list[int], gold: pd.DataFrame
) -> dict:
    """Per rater: triple precision/recall/F1, stance accuracy where actor and claim match gold, and
    stance-bearing accuracy (statements vs none), over the gold tasks the rater annotated.

    ``raters``: (task, rater); ``statements``: (task, rater, actor, claim, stance);
    ``gold``: (task, actor, claim, stance); ``gold_tasks``: every adjudicated task, with or without statements.
    """
    if not len(gold_tasks):
        return {}
    tasks = pd.Index(gold_tasks)
    r = raters[raters["task"].isin(tasks)][["task", "rater"]].drop_duplicates()
    if not len(r):
        return {}
    s = statements[statements["task"].isin(tasks)].drop_duplicates(["task", "rater", "actor", "claim", "stance"])
    g = gold.drop_duplicates(["task", "actor", "claim", "stance"])
    gold_count = g.groupby("task").size()
    trip = s.merge(g.assign(hit=1), on=["task", "actor", "claim", "stance"], how="left").fillna({"hit": 0})
    ac = s.drop_duplicates(["task", "rater", "actor", "claim"]).merge(
        g.drop_duplicates(["task", "actor", "claim"]).rename(columns={"stance": "gold_stance"}),
        on=["task", "actor", "claim"],
        how="inner",
    )
    has = s.groupby(["task", "rater"]).size().rename("n").reset_index()
    bearing = r.merge(has, on=["task", "rater"], how="left").fillna({"n": 0})
    bearing["rater_bears"] = bearing["n"] > 0
    bearing["gold_bears"] = gold_count.reindex(bearing["task"], fill_value=0).to_numpy() > 0
    out = {}
    for rater, rows in r.groupby("rater"):
        mine = trip[trip["rater"] == rater]
        hits = float(mine["hit"].sum())
        p = _ratio(hits, len(mine))
        rec = _ratio(hits, float(gold_count.reindex(rows["task"], fill_value=0).sum()))
        stance_rows = ac[ac["rater"] == rater]
        b = bearing[bearing["rater"] == rater]
        out[rater] = {
            "gold_tasks": int(len(rows)),
            "triple_precision": p,
            "triple_recall": rec,
            "triple_f1": _f1(p, rec),
            "stance_accuracy": _ratio(
                float((stance_rows["stance"] == stance_rows["gold_stance"]).sum()), len(stance_rows)
            ),
            "stance_pairs": int(len(stance_rows)),
            "stance_bearing_accuracy": _ratio(float((b["rater_bears"] == b["gold_bears"]).sum()), len(b)),
        }
    return out
