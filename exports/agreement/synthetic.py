"""Synthetic annotations with a known reliability, for tests and the benchmark.

Model: every paragraph has a true value; each annotator copies it with probability ``1 - error``
and otherwise draws a value at random from the same marginal distribution. Then two annotators
disagree beyond chance only when one of them guessed, and Krippendorff's alpha is
``(1 - error) ** 2`` (up to the small-sample factor (n - 1) / n). This holds for the stance-bearing
decision and, on the units where two annotators named the same actor and claim, for the stance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LABELS = ["favor", "against", "neutral", "unclear"]
LABEL_P = np.array([0.35, 0.35, 0.2, 0.1])


def expected_alpha(error: float) -> float:
    return (1 - error) ** 2


def synthetic_annotations(
    *,
    n_tasks: int,
    n_raters: int = 3,
    error: float = 0.15,
    p_bearing: float = 0.6,
    n_actors: int = 500,
    n_claims: int = 50,
    n_articles: int | None = None,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(annotations, statements) frames in the layout ``agreement_report`` reads.

    Kept as one function: one seeded generator draws every value, and a seed gives the same frames
    only while the draws keep their order; split, that order would be spread over several functions."""
    rng = np.random.default_rng(seed)
    n_articles = n_articles or max(1, n_tasks // 12)
    tasks = np.arange(1, n_tasks + 1)
    article = 1 + (tasks - 1) * n_articles // n_tasks
    truth_bear = rng.random(n_tasks) < p_bearing
    # True statements: one or two per stance-bearing paragraph.
    per_task = np.where(truth_bear, 1 + (rng.random(n_tasks) < 0.4), 0)
    t_task = np.repeat(tasks, per_task)
    n_true = len(t_task)
    t_actor = rng.integers(1, n_actors + 1, n_true)
    t_claim = rng.integers(1, n_claims + 1, n_true)
    t_stance = rng.choice(len(LABELS), n_true, p=LABEL_P)
    t_start = rng.integers(0, 400, n_true)
    t_end = t_start + rng.integers(3, 25, n_true)
    start_week = pd.Timestamp("2026-09-07", tz="UTC")
    ann_frames, st_frames = [], []
    for r in range(1, n_raters + 1):
        guess = rng.random(n_tasks) >= 1 - error
        bear = np.where(guess, rng.random(n_tasks) < p_bearing, truth_bear)
        submitted = start_week + pd.to_timedelta(rng.integers(0, 8 * 7 * 24 * 3600, n_tasks), unit="s")
        ann_frames.append(pd.DataFrame({"task": tasks, "article": article, "rater": r, "submitted_at": submitted}))
        # Copies of true statements where both the truth and this annotator are stance-bearing.
        keep = bear[t_task - 1]
        k = int(keep.sum())
        stance_guess = rng.random(k) >= 1 - error
        stance = np.where(stance_guess, rng.choice(len(LABELS), k, p=LABEL_P), t_stance[keep])
        shift = np.where(rng.random(k) < 0.8, 0, rng.integers(-3, 4, k))
        start = t_start[keep]
        end = np.maximum(t_end[keep] + shift, start + 1)
        copies = pd.DataFrame(
            {
                "task": t_task[keep],
                "rater": r,
                "actor": t_actor[keep],
                "start": start,
                "end": end,
                "claim": t_claim[keep],
                "stance": np.array(LABELS)[stance],
            }
        )
        # Invented statements where the annotator saw a stance the truth lacks.
        invent = tasks[bear & ~truth_bear]
        m = len(invent)
        s0 = rng.integers(0, 400, m)
        invented = pd.DataFrame(
            {
                "task": invent,
                "rater": r,
                "actor": rng.integers(1, n_actors + 1, m),
                "start": s0,
                "end": s0 + rng.integers(3, 25, m),
                "claim": rng.integers(1, n_claims + 1, m),
                "stance": np.array(LABELS)[rng.choice(len(LABELS), m, p=LABEL_P)],
            }
        )
        st_frames += [copies, invented]
    annotations = pd.concat(ann_frames, ignore_index=True)
    statements = pd.concat(st_frames, ignore_index=True).astype({"start": float, "end": float})
    return annotations, statements
