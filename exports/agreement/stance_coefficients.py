"""The stance block of the report: chance-corrected coefficients, prevalence and bias, the divergence reading.

Built from the report's stance ``LabelTable`` (unit = paragraph, actor and claim; value = stance label).
``missing_formula`` chooses how Fleiss' κ and percent agreement treat units with different numbers of
annotators: "generalised" (Gwet 2014: every unit with two or more ratings counts, each unit weighs the
same) or "textbook" (Fleiss 1971 on the units with the most common number of annotators; percent
agreement pooled over ordered pairs of annotators, so a unit with more annotators weighs more).
"""

from __future__ import annotations

import numpy as np

from .chance_corrected import RatingTable
from .kappa import LabelTable
from .prevalence import bias_indices, divergence_reading, prevalence_index

MISSING_FORMULAS = ("generalised", "textbook")
TEXTBOOK_FLEISS = "textbook (Fleiss 1971, statsmodels): units with the most common number of annotators only"
TEXTBOOK_PERCENT = "textbook: pooled over ordered pairs of annotators (a unit with more annotators weighs more)"


def rating_table(table: LabelTable) -> RatingTable:
    """Gwet's count table (units x labels) and the units x annotators labels of a LabelTable."""
    return RatingTable(np.asarray(table.counts.todense()), rater_labels=table.matrix().astype(np.int32))


def stance_figures(table: LabelTable, pair_table: LabelTable, *, missing_formula: str = "generalised") -> dict:
    """``fleiss_kappa``, ``percent_agreement`` (each saying its formula and units) and ``chance_corrected``.

    ``table`` holds every stance unit (a unit rated once still counts in Gwet's category shares);
    ``pair_table`` only the units rated by two or more, for the textbook formulas and the indices.

    Kept as one function: the reading at the end needs the κ and percent agreement the
    ``missing_formula`` branch chose and the prevalence and bias computed after it, and all of them
    go into the one result."""
    if missing_formula not in MISSING_FORMULAS:
        raise ValueError(f"Unknown missing_formula {missing_formula!r}; use one of {', '.join(MISSING_FORMULAS)}.")
    rt = rating_table(table)
    coefficients = [
        rt.gwet(),
        rt.brennan_prediger(),
        rt.fleiss(),
        rt.conger(),
        rt.krippendorff(),
        rt.percent_agreement(),
    ]
    by_key = {c.key: c for c in coefficients}
    if missing_formula == "generalised":
        f = by_key["fleiss_kappa"]
        fleiss = {
            "value": f.value,
            "se": f.se,
            "n_units": f.n_units,
            "formula": f.formula,
            "missing_formula": missing_formula,
            "n_raters": None,
            "all_units": True,
        }
        p = by_key["percent_agreement"]
        percent = {"value": p.value, "n_units": p.n_units, "formula": p.formula, "missing_formula": missing_formula}
    else:
        fleiss = {**pair_table.fleiss(), "se": None, "formula": TEXTBOOK_FLEISS, "missing_formula": missing_formula}
        percent = {
            "value": pair_table.percent_agreement(),
            "n_units": int(len(pair_table.units)),
            "formula": TEXTBOOK_PERCENT,
            "missing_formula": missing_formula,
        }

    # Prevalence of the most used label among the ratings of units rated twice or more, and bias indices.
    counts = np.asarray(pair_table.counts.sum(axis=0)).ravel()
    prevalence = bias = None
    majority = None
    if counts.sum():
        k = int(np.argmax(counts))
        majority = str(pair_table.labels[k])
        share = float(counts[k] / counts.sum())
        prevalence = {
            "label": majority,
            "share": share,
            "index": prevalence_index(pair_table.pair_counts(pair_table.m >= 2), k),
        }
        bias = {"label": majority, **bias_indices(pair_table.matrix(), k)}
    kappa_for_reading = by_key["fleiss_kappa"].value if missing_formula == "generalised" else fleiss["value"]
    line = (
        divergence_reading(
            majority_label=majority or "",
            majority_share=prevalence["share"] if prevalence else 0.0,
            observed=percent["value"],
            kappa=kappa_for_reading,
            ac1=by_key["ac1"].value,
            bias=bias["mean_abs"] if bias else None,
        )
        if prevalence
        else None
    )
    return {
        "fleiss_kappa": fleiss,
        "percent_agreement": percent,
        "chance_corrected": {
            "coefficients": [c.as_dict() for c in coefficients],
            "confidence": rt.confidence,
            "ci": "Student's t on Gwet's linearised standard error (conditional on the annotators)",
            "missing_ratings": "Gwet 2014: units rated once count in the category shares, pairs need two ratings",
            "prevalence": prevalence,
            "bias": bias,
            "reading": line,
        },
    }
