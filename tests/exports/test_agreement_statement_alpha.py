"""Statement-level alpha with partial credit: the set distance's properties and alpha over paragraphs."""

from itertools import permutations

import numpy as np
import pandas as pd
import pytest

from exports.agreement import agreement_report
from exports.agreement.statement_alpha import statement_alpha, statement_set_distance
from exports.agreement.synthetic import synthetic_annotations

ORDER = ["against", "neutral", "favor"]


def brute_distance(A, B, w=(1 / 3, 1 / 3, 1 / 3), order=None):
    """Every one-to-one matching tried by hand; unmatched statements cost 1; divided by the larger size."""
    A, B = list(set(A)), list(set(B))
    k = max(len(A), len(B))
    if k == 0:
        return 0.0

    def d(s, t):
        stance = (abs(order.index(s[2]) - order.index(t[2])) / (len(order) - 1)) if order else float(s[2] != t[2])
        return w[0] * (s[0] != t[0]) + w[1] * (s[1] != t[1]) + w[2] * stance

    A_, B_ = A + [None] * (k - len(A)), B + [None] * (k - len(B))
    best = min(
        sum(
            0.0 if a is None and b is None else 1.0 if a is None or b is None else d(a, b)
            for a, b in zip(A_, perm, strict=True)
        )
        for perm in permutations(B_)
    )
    return best / k


def random_set(rng, max_size=6):
    return [
        (int(rng.integers(3)), int(rng.integers(3)), ORDER[rng.integers(3)])
        for _ in range(int(rng.integers(0, max_size + 1)))
    ]


def test_distance_identical_disjoint_and_partial():
    A = [(1, 10, "favor"), (2, 20, "against")]
    assert statement_set_distance(A, A) == 0.0
    assert statement_set_distance(A, list(reversed(A))) == 0.0
    assert statement_set_distance([], []) == 0.0
    assert statement_set_distance(A, [(3, 30, "neutral"), (4, 40, "neutral")]) == pytest.approx(1.0)
    assert statement_set_distance(A, []) == pytest.approx(1.0)
    # same actor and claim, other stance: one third of a statement apart
    assert statement_set_distance([A[0]], [(1, 10, "against")]) == pytest.approx(1 / 3)
    # ordinal stance: favor vs against is twice as far as favor vs neutral
    assert statement_set_distance([A[0]], [(1, 10, "neutral")], stance_order=ORDER) == pytest.approx(1 / 6)
    assert statement_set_distance([A[0]], [(1, 10, "against")], stance_order=ORDER) == pytest.approx(1 / 3)
    assert statement_set_distance(
        [A[0]], [(1, 10, "against")], weights={"actor": 0.5, "claim": 0.3, "stance": 0.2}
    ) == pytest.approx(0.2)


def test_distance_rejects_bad_weights_and_unknown_ordinal_labels():
    with pytest.raises(ValueError):
        statement_set_distance([(1, 1, "favor")], [], weights={"actor": 0.9})
    with pytest.raises(ValueError):
        statement_set_distance([(1, 1, "favor")], [(1, 1, "unclear")], stance_order=ORDER)


def test_distance_is_the_best_matching_symmetric_and_bounded_on_random_sets():
    rng = np.random.default_rng(7)
    for _ in range(300):
        A, B = random_set(rng), random_set(rng)
        d = statement_set_distance(A, B)
        assert d == pytest.approx(brute_distance(A, B), abs=1e-12)
        assert d == pytest.approx(statement_set_distance(B, A), abs=1e-12)
        assert 0.0 <= d <= 1.0
        assert statement_set_distance(A, B, stance_order=ORDER) == pytest.approx(brute_distance(A, B, order=ORDER))


def test_large_sets_use_the_assignment_solver_and_agree_with_enumeration():
    rng = np.random.default_rng(3)
    for _ in range(5):
        A = [(int(rng.integers(4)), int(rng.integers(4)), ORDER[rng.integers(3)]) for _ in range(7)]
        B = [(int(rng.integers(4)), int(rng.integers(4)), ORDER[rng.integers(3)]) for _ in range(6)]
        if len(set(A)) > 4 and len(set(B)) > 0:
            assert statement_set_distance(A, B) == pytest.approx(brute_distance(A, B), abs=1e-12)


def frames(units):
    """units: {task: {rater: [(actor, claim, stance), ...]}} -> (raters, statements)."""
    raters = pd.DataFrame([(t, r) for t, by in units.items() for r in by], columns=["task", "rater"])
    st = pd.DataFrame(
        [(t, r, *s) for t, by in units.items() for r, sts in by.items() for s in sts],
        columns=["task", "rater", "actor", "claim", "stance"],
    )
    return raters, st


# The worked example of exports/agreement/README.md ("Statement α"), computed by hand there:
# D_o = 5/12, D_e = 2/3, alpha = 3/8.
WORKED = {
    1: {"A": [("Minister", "tax cut", "favor")], "B": [("Minister", "tax cut", "against")]},
    2: {"A": [("Union", "strike", "against")], "B": [("Union", "strike", "against"), ("Minister", "strike", "favor")]},
}


def test_hand_computed_example_of_the_readme():
    raters, st = frames(WORKED)
    res = statement_alpha(raters, st, n_boot=0)
    assert res["observed"] == pytest.approx(5 / 12)
    assert res["expected"] == pytest.approx(2 / 3)
    assert res["value"] == pytest.approx(3 / 8)
    assert res["expected_exact"] and res["expected_se"] == 0.0


def test_alpha_is_one_on_perfect_agreement_and_units_need_two_annotators():
    rng = np.random.default_rng(0)
    units = {
        t: dict.fromkeys(("A", "B", "C")[: 2 + t % 2], sts)
        for t, sts in ((t, random_set(rng, 3)) for t in range(1, 40))
    }
    units[99] = {"A": [(1, 1, "favor")]}  # one annotator: not pairable
    raters, st = frames(units)
    res = statement_alpha(raters, st, n_boot=200)
    assert res["value"] == pytest.approx(1.0)
    assert res["n_units"] == 39
    assert res["ci_low"] == pytest.approx(1.0) and res["ci_high"] == pytest.approx(1.0)


def test_chance_level_on_shuffled_labels_and_the_sampled_expected_disagreement():
    ann, st = synthetic_annotations(n_tasks=3000, n_raters=3, seed=5)
    raters = ann[["task", "rater"]]
    real = statement_alpha(raters, st, n_boot=0)
    assert real["value"] > 0.5
    # move every (task, rater)'s whole statement set to a random other (task, rater)
    rng = np.random.default_rng(1)
    keys = raters.drop_duplicates().reset_index(drop=True)
    new = keys.iloc[rng.permutation(len(keys))].reset_index(drop=True)
    mapping = pd.DataFrame({"task": keys["task"], "rater": keys["rater"], "t2": new["task"], "r2": new["rater"]})
    shuffled = (
        st.merge(mapping, on=["task", "rater"])
        .drop(columns=["task", "rater"])
        .rename(columns={"t2": "task", "r2": "rater"})
    )
    res = statement_alpha(raters, shuffled, n_boot=100, max_pairs=50_000)
    assert abs(res["value"]) < 0.03
    assert res["ci_low"] < 0 < res["ci_high"] or abs(res["value"]) < 0.01


def test_sampled_expected_disagreement_is_within_its_standard_error_of_the_exact_one():
    ann, st = synthetic_annotations(n_tasks=500, n_raters=3, seed=5)
    raters = ann[["task", "rater"]]
    exact = statement_alpha(raters, st, n_boot=0, max_pairs=10**7)
    sampled = statement_alpha(raters, st, n_boot=0, max_pairs=5_000, seed=3)
    assert exact["expected_exact"] and not sampled["expected_exact"]
    assert abs(sampled["expected"] - exact["expected"]) < 4 * sampled["expected_se"]
    assert sampled["observed"] == pytest.approx(exact["observed"])


def test_bootstrap_interval_is_seeded_and_brackets_the_estimate():
    ann, st = synthetic_annotations(n_tasks=400, n_raters=3, seed=2)
    a = statement_alpha(ann[["task", "rater"]], st, n_boot=300, seed=4)
    b = statement_alpha(ann[["task", "rater"]], st, n_boot=300, seed=4)
    assert a == b
    assert a["ci_low"] < a["value"] < a["ci_high"]


def test_partial_credit_beside_exact_triple_f1_in_the_report():
    raters, st = frames(WORKED)
    ann = raters.assign(article=1, submitted_at="2026-09-07T10:00:00Z")
    st = st.assign(start=np.nan, end=np.nan)
    report = agreement_report(ann, st, n_boot=0)
    assert report["statements"]["triple_f1"]["f1"] == pytest.approx(0.4)
    assert report["statements"]["alpha_partial"]["value"] == pytest.approx(3 / 8)
    headline = {h["key"]: h for h in report["headline"]}
    assert headline["alpha_statements"]["value"] == pytest.approx(3 / 8)
