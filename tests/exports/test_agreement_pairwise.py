"""Pairwise F1 and accuracy against gold, checked against hand-computed answers (no database)."""

import pandas as pd
import pytest

from exports.agreement.gold_accuracy import accuracy_against_gold
from exports.agreement.pairwise import exact_matches, f1_summary, overlap_matches, per_rater_f1, per_task_agreement

RATERS = pd.DataFrame({"task": [1, 1, 2, 2, 2], "rater": ["a", "b", "a", "b", "c"]})
SPANS = pd.DataFrame(
    {
        "task": [1, 1, 1, 1, 2, 2],
        "rater": ["a", "a", "b", "b", "a", "c"],
        "start": [0, 10, 0, 11, 0, 1],
        "end": [5, 15, 5, 20, 3, 2],
    }
)


def test_exact_span_f1_by_hand():
    # Task 1: one of a's two spans equals one of b's -> 2 matched of 4 (ordered pairs).
    # Task 2: no equal spans; a and c have one span each, three annotators -> 0 of 4.
    summary = f1_summary(exact_matches(SPANS, ["start", "end"]), RATERS)
    assert summary["f1"] == pytest.approx(2 / 8)
    assert summary["items"] == 6 and summary["rater_pairs"] == 1 + 3


def test_overlapping_span_f1_by_hand():
    # Task 1: (10,15) overlaps (11,20) -> all four spans match; task 2: (0,3) overlaps (1,2) -> 2 of 4.
    assert f1_summary(overlap_matches(SPANS), RATERS)["f1"] == pytest.approx(6 / 8)


def test_touching_spans_do_not_overlap():
    spans = pd.DataFrame({"task": [1, 1], "rater": ["a", "b"], "start": [0, 5], "end": [5, 9]})
    assert f1_summary(overlap_matches(spans), RATERS[RATERS.task == 1])["f1"] == 0.0


def test_per_task_agreement_counts_two_empty_annotations_as_agreeing():
    raters = pd.DataFrame({"task": [1, 1, 3, 3], "rater": ["a", "b", "a", "b"]})
    per_task = per_task_agreement(exact_matches(SPANS[SPANS.task == 1], ["start", "end"]), raters)
    assert per_task.loc[1, "f1"] == pytest.approx(0.5)
    assert per_task.loc[3, "f1"] == 1.0


def test_per_rater_f1_by_hand():
    matched = exact_matches(SPANS[SPANS.task == 1], ["start", "end"])
    # a: 1 hit; precision 1/2 (a's 2 spans x 1 other), recall 1/2 (b's 2 spans) -> F1 0.5.
    assert per_rater_f1(matched, RATERS[RATERS.task == 1]) == {"a": pytest.approx(0.5), "b": pytest.approx(0.5)}


def test_accuracy_against_gold_by_hand():
    raters = pd.DataFrame({"task": [1, 1], "rater": ["a", "b"]})
    statements = pd.DataFrame(
        {
            "task": [1, 1, 1],
            "rater": ["a", "a", "b"],
            "actor": [1, 2, 1],
            "claim": [10, 10, 10],
            "stance": ["favor", "against", "against"],
        }
    )
    gold = pd.DataFrame({"task": [1], "actor": [1], "claim": [10], "stance": ["favor"]})
    acc = accuracy_against_gold(raters, statements, [1], gold)
    assert acc["a"]["triple_precision"] == 0.5 and acc["a"]["triple_recall"] == 1.0
    assert acc["a"]["triple_f1"] == pytest.approx(2 / 3)
    assert acc["a"]["stance_accuracy"] == 1.0 and acc["b"]["stance_accuracy"] == 0.0
    assert acc["b"]["triple_f1"] == 0.0 and acc["b"]["stance_bearing_accuracy"] == 1.0


def test_gold_without_statements_scores_stance_bearing_accuracy():
    raters = pd.DataFrame({"task": [5, 5], "rater": ["a", "b"]})
    statements = pd.DataFrame({"task": [5], "rater": ["a"], "actor": [1], "claim": [1], "stance": ["favor"]})
    acc = accuracy_against_gold(raters, statements, [5], pd.DataFrame(columns=["task", "actor", "claim", "stance"]))
    assert acc["a"]["stance_bearing_accuracy"] == 0.0 and acc["b"]["stance_bearing_accuracy"] == 1.0
