"""Gwet's family of coefficients against independent implementations, on random data with gaps."""

import json
from pathlib import Path

import agreement as agreement_pkg
import krippendorff
import numpy as np
import pytest
from agreement.utils import kernels
from nltk.metrics.agreement import AnnotationTask
from statsmodels.stats.inter_rater import fleiss_kappa

from exports.agreement import AlphaParts
from exports.agreement.chance_corrected import WEIGHTS, RatingTable, weight_matrix

REFERENCE = json.loads((Path(__file__).parent / "reference" / "irrcac_reference.json").read_text())
METHODS = {
    "gwet": "gwet",
    "fleiss": "fleiss",
    "bp": "brennan_prediger",
    "conger": "conger",
    "krippendorff": "krippendorff",
}


def counts_of(labels: np.ndarray, q: int) -> np.ndarray:
    return np.stack([(labels == k).sum(axis=1) for k in range(q)], axis=1)


def random_labels(seed: int, units=70, raters=4, q=4, missing=0.3, min_raters=1):
    rng = np.random.default_rng(seed)
    truth = rng.choice(q, size=units, p=[0.7] + [0.3 / (q - 1)] * (q - 1))
    labels = np.where(rng.random((units, raters)) < 0.65, truth[:, None], rng.integers(0, q, (units, raters)))
    labels[rng.random((units, raters)) < missing] = -1
    return labels[(labels >= 0).sum(axis=1) >= min_raters]


@pytest.mark.parametrize("case", range(len(REFERENCE["cases"])))
def test_values_and_standard_errors_match_irrcac(case):
    """irrCAC 0.4.4 (Gwet's framework in Python) outputs, stored by reference/make_irrcac_reference.py."""
    ref = REFERENCE["cases"][case]
    q = len(ref["categories"])
    labels = np.array([[-1 if v is None else int(v) - 1 for v in row] for row in ref["ratings"]])
    assert (labels < 0).any() or case == 3  # the first three cases have gaps
    for weights, by_method in ref["results"].items():
        table = RatingTable(
            counts_of(labels, q), weights=weight_matrix(ref["categories"], weights), rater_labels=labels
        )
        for method, expected in by_method.items():
            got = getattr(table, METHODS[method])()
            assert (got.value, got.se, got.pa, got.pe) == pytest.approx(
                (expected["value"], expected["se"], expected["pa"], expected["pe"]), abs=1e-9
            ), (weights, method)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("weights", ["identity", "linear", "quadratic", "ordinal", "radical", "bipolar"])
def test_values_match_the_agreement_package(seed, weights):
    labels = random_labels(seed, min_raters=2)  # its Scott's pi takes marginals over units with >= 2 ratings
    q = 4
    kernel = {
        "identity": kernels.identity_kernel,
        "linear": kernels.linear_kernel,
        "quadratic": kernels.quadratic_kernel,
        "ordinal": kernels.ordinal_kernel,
        "radical": kernels.radical_kernel,
        "bipolar": kernels.bipolar_kernel,
    }[weights]
    C = counts_of(labels, q)
    per_rater = np.stack([(labels == k).sum(axis=0) for k in range(q)], axis=1)
    t = RatingTable(C, weights=weight_matrix(q, weights), rater_labels=labels)
    assert t.percent_agreement().value == pytest.approx(agreement_pkg.observed_agreement(C, kernel), abs=1e-12)
    assert t.brennan_prediger().value == pytest.approx(agreement_pkg.s_score(C, kernel), abs=1e-12)
    assert t.gwet().value == pytest.approx(agreement_pkg.gwets_gamma(C, kernel), abs=1e-12)
    assert t.fleiss().value == pytest.approx(agreement_pkg.scotts_pi(C, kernel), abs=1e-12)
    assert t.conger().value == pytest.approx(agreement_pkg.cohens_kappa(C, per_rater, kernel), abs=1e-12)
    assert t.krippendorff().value == pytest.approx(agreement_pkg.krippendorffs_alpha(C, kernel), abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_complete_data_match_nltk_and_statsmodels(seed):
    labels = random_labels(seed, raters=5, missing=0.0)
    C = counts_of(labels, 4)
    t = RatingTable(C, rater_labels=labels)
    task = AnnotationTask([(f"c{r}", u, int(labels[u, r])) for u in range(len(labels)) for r in range(5)])
    assert t.brennan_prediger().value == pytest.approx(task.S())  # Bennett's S, many coders
    assert t.fleiss().value == pytest.approx(task.pi())  # Scott's pi, many coders (Fleiss)
    assert t.conger().value == pytest.approx(task.multi_kappa())  # Davies & Fleiss = Conger
    assert t.percent_agreement().value == pytest.approx(task.avg_Ao())
    assert t.fleiss().value == pytest.approx(fleiss_kappa(C, method="fleiss"))
    assert t.brennan_prediger().value == pytest.approx(fleiss_kappa(C, method="randolph"))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("level", ["ordinal", "ratio"])
def test_ordinal_and_ratio_alpha_match_the_krippendorff_package(seed, level):
    rng = np.random.default_rng(seed)
    data = rng.integers(1, 7, (4, 60)).astype(float)
    data[1] = np.where(rng.random(60) < 0.6, data[0], data[1])
    data[rng.random((4, 60)) < 0.25] = np.nan
    coders, units = np.nonzero(~np.isnan(data))
    ours = AlphaParts(units, data[coders, units], level).value()
    assert ours == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement=level), abs=1e-10)


def test_every_weight_scheme_is_one_on_the_diagonal_and_symmetric():
    for name in WEIGHTS:
        w = weight_matrix([1, 2, 3, 4, 5], name)
        assert np.allclose(np.diag(w), 1) and np.allclose(w, w.T) and w.min() >= -1e-12, name
    with pytest.raises(ValueError, match="'cubic'"):
        weight_matrix(3, "cubic")


def test_large_tables_are_vectorised():
    """100,000 units x 3 raters: every coefficient with its standard error in well under a few seconds."""
    import time

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, (100_000, 3))
    labels[rng.random(labels.shape) < 0.1] = -1
    start = time.perf_counter()
    t = RatingTable(counts_of(labels, 4), rater_labels=labels)
    results = [t.percent_agreement(), t.gwet(), t.fleiss(), t.brennan_prediger(), t.conger(), t.krippendorff()]
    assert time.perf_counter() - start < 5
    assert all(r.se is not None and r.se > 0 for r in results)
