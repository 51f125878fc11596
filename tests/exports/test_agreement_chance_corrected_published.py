"""Gwet's family of coefficients, ordinal/ratio alpha and Byrt's indices on published worked examples."""

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from exports.agreement import LabelTable, krippendorff_alpha
from exports.agreement.chance_corrected import RatingTable, bennett_s, scott_pi, weight_matrix
from exports.agreement.prevalence import bias_indices, kappa_from_indices, prevalence_index
from tests.exports.test_agreement_published_examples import KRIPPENDORFF_2011

N = None
# Gwet, Handbook of Inter-Rater Reliability (4th ed., 2014), the 4-rater 12-unit example with missing
# ratings; shipped as `cac.raw4raters` in Gwet's R package irrCAC and as `raw_4raters` in its Python
# port (irrCAC 0.4.4), whose documentation (irrCAC/raw.py) prints AC1 0.77544 (se 0.14295, pa 0.81818,
# pe 0.19032), Fleiss' kappa 0.76117 (se 0.15302, pe 0.23872) and bipolar-weighted AC2 0.90037
# (se 0.10582, pa 0.96836, pe 0.68244).
GWET_4RATERS = [  # units x raters
    [1, 1, N, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 3],
    [3, 3, 3, 3],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [4, 4, 4, 4],
    [1, 1, 2, 1],
    [2, 2, 2, 2],
    [N, 5, 5, 5],
    [N, N, 1, 1],
    [N, N, 3, N],
]
CATEGORIES = [1, 2, 3, 4, 5]


def gwet_table(weights="identity") -> RatingTable:
    labels = np.array([[-1 if v is None else v - 1 for v in row] for row in GWET_4RATERS])
    counts = np.stack([(labels == k).sum(axis=1) for k in range(5)], axis=1)
    return RatingTable(counts, weights=weight_matrix(CATEGORIES, weights), rater_labels=labels)


def long_labels():
    units, raters, labels = [], [], []
    for u, row in enumerate(GWET_4RATERS):
        for r, v in enumerate(row):
            if v is not None:
                units.append(u), raters.append(r), labels.append(v)
    return LabelTable(units, raters, labels)


def test_gwet_handbook_ac1_with_missing_ratings():
    ac1 = gwet_table().gwet()
    assert (ac1.value, ac1.se, ac1.pa, ac1.pe) == pytest.approx((0.77544, 0.14295, 0.81818, 0.19032), abs=5e-6)
    assert ac1.name == "Gwet's AC1" and ac1.n_units == 11  # unit 12 has a single rating
    assert ac1.ci_high == 1.0 and ac1.ci_low == pytest.approx(0.46081, abs=5e-6)  # irrCAC's interval


def test_gwet_handbook_fleiss_generalised_uses_every_unit():
    fleiss = gwet_table().fleiss()
    assert (fleiss.value, fleiss.se, fleiss.pe) == pytest.approx((0.76117, 0.15302, 0.23872), abs=5e-6)
    # The textbook Fleiss needs a constant rater count: it keeps the 8 four-rater units and reads less.
    textbook = long_labels().fleiss()
    assert (textbook["n_units"], textbook["n_raters"], textbook["all_units"]) == (8, 4, False)
    assert textbook["value"] < fleiss.value - 0.05


def test_gwet_handbook_ac2_with_bipolar_weights():
    ac2 = gwet_table("bipolar").gwet()
    assert ac2.name == "Gwet's AC2"
    assert (ac2.value, ac2.se, ac2.pa, ac2.pe) == pytest.approx((0.90037, 0.10582, 0.96836, 0.68244), abs=5e-6)


def test_gwet_handbook_percent_agreement_is_the_mean_over_units_not_pooled_pairs():
    # Per-unit agreement averaged over the 11 units with >= 2 ratings: 0.81818 (Gwet; irrCAC's pa above).
    assert gwet_table().percent_agreement().value == pytest.approx(0.81818, abs=5e-6)
    # Pooling ordered pairs weighs a 4-rater unit 12 and a 2-rater unit 2: a different figure.
    pooled = long_labels().percent_agreement()
    assert pooled == pytest.approx(86 / 110)


def test_gwet_handbook_brennan_prediger_conger_and_alpha():
    # Brennan & Prediger (1981): pe = 1/q = 0.2 for five categories: (0.81818 - 0.2) / 0.8.
    t = gwet_table()
    assert t.brennan_prediger().value == pytest.approx((9 / 11 - 0.2) / 0.8)
    assert t.brennan_prediger().pe == pytest.approx(0.2)
    # Conger (1980) kappa 0.7628 and Krippendorff's alpha 0.7434 on the same data (Gwet's irrCAC
    # conger.kappa.raw / krippen.alpha.raw; the alpha is Krippendorff's own 0.743 for this example).
    assert t.conger().value == pytest.approx(0.7628, abs=5e-5)
    alpha = t.krippendorff()
    assert alpha.value == pytest.approx(0.7434, abs=5e-5)
    assert alpha.value == pytest.approx(krippendorff_alpha(np.array(GWET_4RATERS, dtype=float).T.tolist()))


def test_krippendorff_2011_ordinal_and_ratio_alpha():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section E: ordinal 0.815, ratio 0.797.
    assert krippendorff_alpha(KRIPPENDORFF_2011, "ordinal") == pytest.approx(0.815, abs=5e-4)
    assert krippendorff_alpha(KRIPPENDORFF_2011, "ratio") == pytest.approx(0.797, abs=5e-4)


def two_by_two(a, b, c, d):
    """Rater 1 and rater 2 labels of a 2x2 table: a both yes, b 1 yes/2 no, c 1 no/2 yes, d both no."""
    r1 = ["yes"] * (a + b) + ["no"] * (c + d)
    r2 = ["yes"] * a + ["no"] * b + ["yes"] * c + ["no"] * d
    return r1, r2


@pytest.mark.parametrize("cells, kappa", [((80, 10, 5, 5), 0.32), ((45, 15, 25, 15), 0.13)])
def test_feinstein_cicchetti_paradox_tables_and_byrt_indices(cells, kappa):
    # Feinstein & Cicchetti (1990), "High agreement but low kappa", their two tables (po 0.85 / 0.60,
    # kappa 0.32 / 0.13); Byrt, Bishop & Carlin (1993): PI = (a - d)/n, BI = (b - c)/n, and kappa is
    # (PABAK - PI^2 + BI^2) / (1 - PI^2 + BI^2).
    a, b, c, d = cells
    n = a + b + c + d
    r1, r2 = two_by_two(*cells)
    assert cohen_kappa_score(r1, r2) == pytest.approx(kappa, abs=5e-3)
    table = LabelTable(list(range(n)) * 2, ["r1"] * n + ["r2"] * n, r1 + r2, labels=["yes", "no"])
    pi = prevalence_index(table.pair_counts(), 0)
    bias = bias_indices(table.matrix(), 0)
    assert pi == pytest.approx((a - d) / n)
    assert bias["mean_abs"] == pytest.approx(abs(b - c) / n) and bias["pairs"] == 1
    po = (a + d) / n
    assert kappa_from_indices(po, pi, (b - c) / n) == pytest.approx(cohen_kappa_score(r1, r2))
    # Bennett et al. (1954) S with two categories is PABAK = 2 po - 1 (Byrt et al. 1993).
    assert bennett_s(r1, r2) == pytest.approx(2 * po - 1)


def test_scott_pi_two_raters_is_fleiss_generalised_and_bennett_s_is_brennan_prediger():
    # Scott (1955): chance from the pooled marginals; Fleiss (1971) generalises it to many raters, and
    # Brennan & Prediger (1981) generalise Bennett et al.'s (1954) S. On two raters they coincide.
    r1, r2 = two_by_two(80, 10, 5, 5)
    labels = np.array([[0 if x == "yes" else 1, 0 if y == "yes" else 1] for x, y in zip(r1, r2, strict=True)])
    counts = np.stack([(labels == k).sum(axis=1) for k in range(2)], axis=1)
    t = RatingTable(counts, rater_labels=labels)
    # Pooled "yes" share (90 + 85) / 200 = 0.875: pe = 0.875^2 + 0.125^2, pi = (0.85 - pe) / (1 - pe).
    pe = 0.875**2 + 0.125**2
    assert scott_pi(r1, r2) == pytest.approx((0.85 - pe) / (1 - pe))
    assert t.fleiss().value == pytest.approx(scott_pi(r1, r2))
    assert t.brennan_prediger().value == pytest.approx(bennett_s(r1, r2))
    # Conger's kappa on two raters is Cohen's kappa (Conger 1980).
    assert t.conger().value == pytest.approx(cohen_kappa_score(r1, r2))
