"""The whole agreement report from plain tables (no Django): what the page, API, HTML and command show.

Units are paragraphs (tasks) with two or more submitted annotations. Inputs:

- annotations: DataFrame (task, article, rater, submitted_at) — one row per submitted annotation;
- statements: DataFrame (task, rater, actor, start, end, claim, stance) — ``actor`` is an int key
  (the canonical actor id, or a negative code for the author / an implied actor); ``start``/``end``
  are NaN when the actor is not a span;
- gold_tasks / gold: adjudicated tasks and their gold statements (task, actor, claim, stance).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .alpha import AlphaParts, alpha_results, factorize_set_rows, reading
from .gold_accuracy import accuracy_against_gold
from .kappa import LabelTable
from .pairwise import exact_matches, f1_summary, overlap_matches, per_rater_f1, per_task_agreement
from .partial import partial_credit_figures
from .stance_coefficients import stance_figures

ANNOTATION_COLUMNS = ["task", "article", "rater", "submitted_at"]
STATEMENT_COLUMNS = ["task", "rater", "actor", "start", "end", "claim", "stance"]
SCHEMA_VERSION = 2  # 2: stance.percent_agreement is an object; stance.chance_corrected


def _frame(rows, columns) -> pd.DataFrame:
    if isinstance(rows, pd.DataFrame):
        missing = set(columns) - set(rows.columns)
        if missing:
            raise ValueError(f"Missing columns: {sorted(missing)}.")
        return rows[columns]
    return pd.DataFrame(list(rows), columns=columns)


def _none(x):
    if x is None:
        return None
    if isinstance(x, (float, np.floating)) and not np.isfinite(x):
        return None
    return x.item() if hasattr(x, "item") else x


def iso_week(ts: pd.Series) -> pd.Series:
    ts = pd.to_datetime(ts, utc=True)
    iso = ts.dt.isocalendar()
    return (iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)).fillna("unknown")


def agreement_report(
    annotations,
    statements,
    *,
    gold_tasks: Sequence[int] = (),
    gold=None,
    labels: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    worst: int = 50,
    article: int | None = None,
    rater: int | None = None,
    label: str | None = None,
    lengths=None,
    statement_weights: dict | None = None,
    stance_order: Sequence[str] | None = None,
    missing_formula: str = "generalised",
) -> dict:
    """Compute every figure of the report. Filters restrict the units (paragraphs):
    ``article`` to one article, ``rater`` to paragraphs that rater annotated, ``label`` to paragraphs
    where some annotator used that stance label. ``lengths`` (task -> paragraph length) bounds the
    continuum of unitizing α; ``statement_weights`` and ``stance_order`` set the statement distance;
    ``missing_formula`` ("generalised" or "textbook") how Fleiss' κ and percent agreement treat units with
    different numbers of annotators (see stance_coefficients.py).

    The numbered sections build the frames the later ones share; each is a function below, and
    _assemble lays the figures out as the report's JSON. What is left here (longer than 60 lines, a
    third of them the signature and this docstring) is the order of the sections, which pass frames
    to one another: split further, those frames would only be handed through another signature."""
    ann = _frame(annotations, ANNOTATION_COLUMNS).drop_duplicates(["task", "rater"])
    st = _frame(statements, STATEMENT_COLUMNS)
    gold_df = _frame(gold if gold is not None else [], ["task", "actor", "claim", "stance"])
    st = st.merge(ann[["task", "rater"]], on=["task", "rater"], how="inner")
    ann, st, task_info = _units(ann, st, article=article, rater=rater, label=label)  # 1.
    raters = ann[["task", "rater"]]
    boot = {"n_boot": n_boot, "seed": seed}
    bearing, bearing_table = _stance_bearing(raters, st)  # 2.
    actor_parts, claim_parts = _named_sets(raters, st)  # 3.
    # 4. Actor spans: exact and overlapping pairwise F1.
    spans = st.dropna(subset=["start", "end"])[["task", "rater", "start", "end"]]
    span_f1 = {
        "span_f1_exact": f1_summary(exact_matches(spans, ["start", "end"]), raters),
        "span_f1_overlap": f1_summary(overlap_matches(spans), raters),
    }
    stance = _stance_units(st, labels)  # 5.
    # 6. Whole statements: (actor, claim, stance) triples.
    triples = exact_matches(st[["task", "rater", "actor", "claim", "stance"]], ["actor", "claim", "stance"])
    triple_summary = f1_summary(triples, raters)
    task_agreement = per_task_agreement(triples, raters)
    # 7. Per annotator.
    kappa = stance.pair_table.cohen_kappa_matrix()
    per_annotator = _per_annotator(
        raters,
        kappa=kappa,
        pair_table=stance.pair_table,
        bearing_table=bearing_table,
        triples=triples,
        gold_acc=accuracy_against_gold(raters, st, list(gold_tasks), gold_df),
    )
    alphas = _alphas(bearing, actor_parts, claim_parts, stance.parts, boot)
    stance_cc = stance_figures(stance.table, stance.pair_table, missing_formula=missing_formula)
    # Issue 17 §2-3: unitizing α for actor spans, statement α with partial credit (see partial.py).
    partial = partial_credit_figures(
        raters, st, lengths=lengths, weights=statement_weights, stance_order=stance_order, **boot
    )
    headline = _headline(alphas, partial)
    grouped = {
        key: _grouped(key, task_info, bearing=bearing, stance=stance, task_agreement=task_agreement)
        for key in ("week", "article")
    }
    return _assemble(
        params={
            "n_boot": n_boot,
            "seed": seed,
            "missing_formula": missing_formula,
            "ci": "95% percentile bootstrap over units",
            "filters": {"article": article, "annotator": rater, "label": label},
        },
        ann=ann,
        st=st,
        task_info=task_info,
        headline=headline,
        alphas=alphas,
        bearing_table=bearing_table,
        span_f1=span_f1,
        partial=partial,
        stance=stance,
        kappa=kappa,
        stance_cc=stance_cc,
        triple_summary=triple_summary,
        per_annotator=per_annotator,
        grouped=grouped,
        worst_units=_worst_units(task_agreement, task_info, worst),
    )


def _units(ann, st, *, article, rater, label):
    """Section 1: the units, tasks with >= 2 submitted annotations, then the filters; returns the
    annotations and statements of those units and one row of facts per unit (``task_info``)."""
    n_raters = ann.groupby("task")["rater"].transform("size")
    ann = ann[n_raters >= 2]
    if article is not None:
        ann = ann[ann["article"] == article]
    if rater is not None:
        ann = ann[ann["task"].isin(ann.loc[ann["rater"] == rater, "task"])]
    if label is not None:
        ann = ann[ann["task"].isin(st.loc[st["stance"] == label, "task"])]
    st = st[st["task"].isin(ann["task"])]
    ann = ann.sort_values(["task", "rater"]).reset_index(drop=True)
    task_info = ann.groupby("task").agg(
        article=("article", "first"), last=("submitted_at", "max"), raters=("rater", "size")
    )
    task_info["week"] = iso_week(task_info["last"]).to_numpy() if len(task_info) else []
    return ann, st, task_info


def _stance_bearing(raters, st) -> tuple[AlphaParts, LabelTable | None]:
    """Section 2: stance-bearing or not, per (task, rater)."""
    n_st = st.groupby(["task", "rater"]).size()
    bears = (n_st.reindex(pd.MultiIndex.from_frame(raters), fill_value=0).to_numpy() > 0).astype(int)
    bearing = AlphaParts(raters["task"].to_numpy(), bears, "nominal")
    bearing_table = LabelTable(raters["task"], raters["rater"], bears, labels=[0, 1]) if len(raters) else None
    return bearing, bearing_table


def _named_sets(raters, st) -> tuple[AlphaParts, AlphaParts]:
    """Section 3: the actor and the claim sets per (task, rater); empty when the annotator named none."""
    row_of = pd.Series(np.arange(len(raters)), index=pd.MultiIndex.from_frame(raters))
    st_row = row_of.reindex(pd.MultiIndex.from_frame(st[["task", "rater"]])).to_numpy()

    def set_parts(column: str) -> AlphaParts:
        codes = factorize_set_rows(len(raters), st_row, st[column].to_numpy())
        return AlphaParts(raters["task"].to_numpy(), codes, "masi_codes")

    return set_parts("actor"), set_parts("claim")


@dataclass(frozen=True)
class _StanceUnits:
    parts: AlphaParts  # one unit per (task, actor, claim)
    table: LabelTable  # every stance given
    pair_table: LabelTable  # only units that two or more annotators named
    unit_task: np.ndarray  # the task of each of parts' units


def _stance_units(st, labels) -> _StanceUnits:
    """Section 5: stance where annotators named the same actor and claim."""
    stance_rows = st.drop_duplicates(["task", "rater", "actor", "claim"])
    unit_id = stance_rows.groupby(["task", "actor", "claim"], sort=True).ngroup().to_numpy()
    stance_parts = AlphaParts(unit_id, stance_rows["stance"].to_numpy(), "nominal")
    label_list = list(labels) if labels else sorted(stance_rows["stance"].unique())
    table = LabelTable(unit_id, stance_rows["rater"], stance_rows["stance"], labels=label_list)
    paired = table.m[table.unit_codes] >= 2
    pair_table = LabelTable(
        unit_id[paired],
        stance_rows["rater"].to_numpy()[paired],
        stance_rows["stance"].to_numpy()[paired],
        labels=label_list,
    )
    unit_task = (
        stance_rows.assign(u=unit_id)
        .drop_duplicates("u")
        .set_index("u")["task"]
        .reindex(stance_parts.unit_keys)
        .to_numpy()
    )
    return _StanceUnits(stance_parts, table, pair_table, unit_task)


def _alphas(bearing, actor_parts, claim_parts, stance_parts, boot) -> dict:
    """Krippendorff's α with its bootstrap interval for the four unit-level questions. Stance-bearing,
    actors and claims share their units (paragraphs), so they share resamples."""
    per_task = alpha_results([bearing, actor_parts, claim_parts], **boot)
    return {
        "stance_bearing": per_task[0].as_dict(),
        "actors": per_task[1].as_dict(),
        "claims": per_task[2].as_dict(),
        "stance": stance_parts.result(**boot).as_dict(),
    }


def _assemble(
    *,
    params,
    ann,
    st,
    task_info,
    headline,
    alphas,
    bearing_table,
    span_f1,
    partial,
    stance,
    kappa,
    stance_cc,
    triple_summary,
    per_annotator,
    grouped,
    worst_units,
) -> dict:
    """The report's JSON layout (schema SCHEMA_VERSION) from the figures of the sections."""
    return {
        "schema_version": SCHEMA_VERSION,
        "params": params,
        "counts": {
            "units": int(len(task_info)),
            "annotations": int(len(ann)),
            "statements": int(len(st)),
            "annotators": int(ann["rater"].nunique()),
            "stance_units": stance.parts.n_units,
        },
        "headline": headline,
        "stance_bearing": {
            "alpha": alphas["stance_bearing"],
            "percent_agreement": bearing_table.percent_agreement() if bearing_table else None,
        },
        "actors": {
            "alpha_masi": alphas["actors"],
            **span_f1,
            "unitizing_alpha": partial["unitizing"],
        },
        "claims": {"alpha_masi": alphas["claims"]},
        "stance": {
            "alpha": alphas["stance"],
            "percent_agreement": stance_cc["percent_agreement"],
            "cohen_kappa": kappa,
            "fleiss_kappa": stance_cc["fleiss_kappa"],
            "confusion": stance.pair_table.confusion(),
            "chance_corrected": stance_cc["chance_corrected"],
        },
        "statements": {"triple_f1": triple_summary, "alpha_partial": partial["statements"]},
        "per_annotator": per_annotator,
        "by_week": grouped["week"],
        "by_article": grouped["article"],
        "worst_units": worst_units,
        "readings": {
            "reliable": 0.8,
            "tentative": 0.667,
            "text": "α ≥ 0.8: reliable; 0.667 ≤ α < 0.8: tentative conclusions only; below: unreliable.",
        },
    }


def _per_annotator(raters, *, kappa, pair_table, bearing_table, triples, gold_acc) -> list[dict]:
    """Section 7 of the report: each annotator's agreement with the others, and with gold."""
    rater_ids = kappa["raters"]
    stance_agree = pair_table.per_rater_agreement()
    bearing_agree = bearing_table.per_rater_agreement() if bearing_table else {}
    triple_f1 = per_rater_f1(triples, raters)
    units_per_rater = raters.groupby("rater").size()
    out = []
    for r in units_per_rater.index:
        i = rater_ids.index(r) if r in rater_ids else None
        kap = [k for j, k in enumerate(kappa["matrix"][i]) if j != i and k is not None] if i is not None else []
        out.append(
            {
                "annotator": _none(r),
                "units": int(units_per_rater[r]),
                "stance_bearing_agreement": bearing_agree.get(r, {}).get("agreement"),
                "stance_agreement": stance_agree.get(r, {}).get("agreement"),
                "stance_pairs": stance_agree.get(r, {}).get("pairs", 0),
                "mean_cohen_kappa": float(np.mean(kap)) if kap else None,
                "triple_f1": _none(triple_f1.get(r)),
                "gold": gold_acc.get(r),
            }
        )
    return out


def _grouped(key: str, task_info, *, bearing, stance: _StanceUnits, task_agreement) -> list[dict]:
    """Section 8: the figures per ``key`` ("week" of the last submission, or "article")."""
    if not len(task_info):
        return []
    g_bearing = bearing.by_group(task_info.loc[bearing.unit_keys, key].to_list())
    g_stance = stance.parts.by_group(task_info.loc[stance.unit_task, key].to_list()) if stance.parts.n_units else {}
    ta = task_agreement.join(task_info[[key]])
    sums = ta.groupby(key).agg(hits=("hits", "sum"), den=("den", "sum"), units=("m", "size"))
    out = []
    for k, row in sums.iterrows():
        out.append(
            {
                key: _none(k),
                "units": int(row.units),
                "triple_f1": float(row.hits / row.den) if row.den else None,
                "alpha_stance_bearing": g_bearing.get(k, {}).get("alpha"),
                "alpha_stance": g_stance.get(k, {}).get("alpha"),
                "stance_units": g_stance.get(k, {}).get("n_units", 0),
            }
        )
    return out


def _worst_units(task_agreement, task_info, worst: int) -> list[dict]:
    """Section 9: the ``worst`` units with the most disagreement (ties: split on stance-bearing first)."""
    ta = task_agreement.join(task_info[["article"]])
    ta["disagreement"] = 1 - ta["f1"]
    ta["bearing_split"] = (ta["raters_with_items"] > 0) & (ta["raters_with_items"] < ta["m"])
    worst_rows = ta.sort_values(
        ["disagreement", "bearing_split", "items"], ascending=[False, False, False], kind="stable"
    ).head(worst)
    return [
        {
            "task": _none(t),
            "article": _none(row.article),
            "annotators": int(row.m),
            "annotators_with_statements": int(row.raters_with_items),
            "statements": int(row["items"]),
            "triple_f1": float(row.f1),
            "disagreement": float(row.disagreement),
        }
        for t, row in worst_rows.iterrows()
        if row.disagreement > 0
    ]


def _headline(alphas: dict, partial: dict) -> list[dict]:
    """The report's headline figures, in the order the page shows them."""
    return [
        {"key": "alpha_stance_bearing", "name": "Stance-bearing or not (α, nominal)", **alphas["stance_bearing"]},
        {"key": "alpha_actors", "name": "Actors named (α, MASI)", **alphas["actors"]},
        {"key": "alpha_claims", "name": "Claims named (α, MASI)", **alphas["claims"]},
        {"key": "alpha_stance", "name": "Stance for the same actor and claim (α, nominal)", **alphas["stance"]},
        # Issue 17 §2-3: statement α with partial credit (see partial.py).
        {
            "key": "alpha_statements",
            "name": "Whole statements, partial credit (α, matching distance)",
            **{k: partial["statements"][k] for k in ("value", "ci_low", "ci_high", "n_units", "n_values")},
            "reading": reading(partial["statements"]["value"]),
        },
    ]


__all__ = ["agreement_report", "reading"]
