"""Bootstrap intervals and per-group alphas (no database)."""

import numpy as np
import pytest

from exports.agreement import AlphaParts
from exports.agreement.alpha import bootstrap_alphas


def parts(seed=0, units=300):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, units)
    u = np.repeat(np.arange(units), 3)
    v = np.where(rng.random(units * 3) < 0.8, np.repeat(truth, 3), rng.integers(0, 3, units * 3))
    return AlphaParts(u, v, "nominal"), u, v


def test_bootstrap_is_reproducible_from_its_seed_and_changes_with_it():
    p, _, _ = parts()
    a = p.bootstrap(n_boot=200, seed=3)
    assert np.array_equal(a, p.bootstrap(n_boot=200, seed=3))
    assert not np.array_equal(a, p.bootstrap(n_boot=200, seed=4))


def test_bootstrap_interval_contains_the_estimate_and_matches_a_slow_resample():
    p, u, v = parts()
    result = p.result(n_boot=400, seed=1)
    assert result.ci_low < result.value < result.ci_high
    # The weighted recomputation equals recomputing alpha on an explicitly resampled data set.
    rng = np.random.default_rng(11)
    pick = rng.integers(0, p.n_units, p.n_units)
    W = np.bincount(pick, minlength=p.n_units)[None, :].astype(float)
    units, values = [], []
    for copy, unit in enumerate(pick):
        mask = u == unit
        units += [copy] * int(mask.sum())
        values += list(v[mask])
    assert p.alpha(W)[0] == pytest.approx(AlphaParts(units, values, "nominal").value())


def test_statistics_over_the_same_units_share_resamples():
    p, u, v = parts()
    q = AlphaParts(u, [{x} for x in v], "masi")
    a, b = bootstrap_alphas([p, q], n_boot=50, seed=2)
    # MASI on singleton sets is nominal: same resamples give the same alphas.
    assert np.allclose(a, b)


def test_group_alphas_equal_alphas_computed_on_each_group_alone():
    p, u, v = parts()
    groups = ["early" if unit < 100 else "late" for unit in p.unit_keys]
    by = p.by_group(groups)
    early = u < 100
    assert by["early"]["alpha"] == pytest.approx(AlphaParts(u[early], v[early], "nominal").value())
    assert by["late"]["n_units"] == 200


def test_alpha_is_undefined_when_every_value_is_the_same():
    p = AlphaParts([0, 0, 1, 1], ["x", "x", "x", "x"], "nominal")
    assert p.value() is None
    assert p.result(n_boot=10).ci_low is None


def test_report_set_alphas_equal_alphas_over_explicit_frozensets():
    from exports.agreement import agreement_report
    from exports.agreement.synthetic import synthetic_annotations

    ann, st = synthetic_annotations(n_tasks=300, seed=4)
    report = agreement_report(ann, st, n_boot=20)
    for column, key in (("actor", "actors"), ("claim", "claims")):
        sets = st.groupby(["task", "rater"])[column].agg(frozenset)
        values = [sets.get((t, r), frozenset()) for t, r in zip(ann["task"], ann["rater"], strict=True)]
        expected = AlphaParts(ann["task"].to_numpy(), values, "masi").value()
        assert report[key]["alpha_masi"]["value"] == pytest.approx(expected, abs=1e-12)


def test_float32_replicates_match_float64_alpha_closely():
    p, u, v = parts()
    q = AlphaParts(u, [{x, x + 10} if x else {x} for x in v], "masi")
    W = np.random.default_rng(0).integers(0, 3, size=(5, q.n_units)).astype(float)
    for row in W:
        # One replicate at a time through the float64 path (weights=None on re-expanded data).
        units, values = [], []
        for unit, weight in enumerate(row):
            for copy in range(int(weight)):
                mask = u == unit
                units += [(unit, copy)] * int(mask.sum())
                values += [{x, x + 10} if x else {x} for x in v[mask]]
        assert q.alpha(row[None, :])[0] == pytest.approx(AlphaParts(units, values, "masi").value(), abs=1e-5)
