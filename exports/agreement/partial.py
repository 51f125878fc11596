"""Agreement with partial credit, from the report's frames: unitizing α for actor spans, statement α.

Kept apart from report.py so that the report only gathers the figures.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .statement_alpha import statement_alpha
from .unitizing import unitizing_alpha


def paragraph_lengths(raters: pd.DataFrame, spans: pd.DataFrame, lengths=None) -> pd.Series:
    """Length of every unit's paragraph: ``lengths`` where given, else the furthest span end marked in it
    (then the continuum ends at the last marked character, and gaps after it are not counted)."""
    tasks = pd.Index(raters["task"].unique())
    marked = spans.groupby("task")["end"].max() if len(spans) else pd.Series(dtype=float)
    out = marked.reindex(tasks).fillna(0.0)
    if lengths is not None:
        given = pd.Series(lengths, dtype=float).reindex(tasks)
        out = given.fillna(out).combine(out, max)
    return out.astype(float)


def partial_credit_figures(
    raters: pd.DataFrame,
    statements: pd.DataFrame,
    *,
    lengths=None,
    weights: dict | None = None,
    stance_order: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> dict:
    spans = statements.dropna(subset=["start", "end"])[["task", "rater", "start", "end", "actor"]]
    length = paragraph_lengths(raters, spans, lengths)
    mentions = unitizing_alpha(
        spans.assign(label="actor mention")[["task", "rater", "start", "end", "label"]], raters, length, top=1
    )
    by_actor = unitizing_alpha(spans.rename(columns={"actor": "label"}), raters, length)
    return {
        "unitizing": {
            "mentions": {k: v for k, v in mentions.items() if k != "by_label"},
            "by_actor": by_actor,
            "definition": "Krippendorff's α_U (2004), paragraphs as one continuum; 'mentions' ignores which actor, "
            "'by_actor' labels each span with its canonical actor (overall: mean D_o / mean D_e).",
        },
        "statements": statement_alpha(
            raters, statements, weights=weights, stance_order=stance_order, n_boot=n_boot, seed=seed
        ),
    }
