"""Published worked examples, reproduced by exports.agreement (no database)."""

import numpy as np
import pytest

from exports.agreement import LabelTable, cohen_kappa, fleiss_kappa_from_table, krippendorff_alpha

N = None
# Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: 4 observers x 12 units
# with missing data (also the example in the `krippendorff` package's README and tests).
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories, kappa = 0.210.
# statsmodels' own test (statsmodels/stats/tests/test_inter_rater.py, `table0`) uses the same table.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]

# Fleiss (1971), "Measuring nominal scale agreement among many raters", Table 1: 30 patients, each
# diagnosed by 6 psychiatrists (not the same six for every patient) into depression, personality
# disorder, schizophrenia, neurosis, other. Kappa = 0.430 (the paper; R's irr::kappam.fleiss on its
# `diagnoses` data set, which is this table, gives 0.43). Rows are counts per category.
FLEISS_1971 = [
    [0, 0, 0, 6, 0],
    [0, 3, 0, 0, 3],
    [0, 1, 4, 0, 1],
    [0, 0, 0, 0, 6],
    [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0],
    [0, 0, 4, 0, 2],
    [2, 0, 3, 1, 0],
    [2, 0, 0, 4, 0],
    [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0],
    [1, 1, 0, 4, 0],
    [0, 3, 3, 0, 0],
    [1, 0, 0, 5, 0],
    [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1],
    [3, 0, 0, 1, 2],
    [5, 1, 0, 0, 0],
    [0, 2, 0, 4, 0],
    [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6],
    [0, 1, 0, 5, 0],
    [0, 2, 0, 1, 3],
    [2, 0, 0, 4, 0],
    [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0],
    [4, 0, 0, 0, 2],
    [0, 2, 0, 4, 0],
    [1, 0, 5, 0, 0],
    [0, 0, 0, 0, 6],
]


def test_fleiss_1971_psychiatric_diagnoses_example_is_0_430():
    assert all(sum(row) == 6 for row in FLEISS_1971) and len(FLEISS_1971) == 30
    assert fleiss_kappa_from_table(FLEISS_1971) == pytest.approx(0.430, abs=5e-4)


def test_fleiss_1971_example_from_per_rater_labels_matches_the_table():
    units, raters, labels = [], [], []
    for u, row in enumerate(FLEISS_1971):
        slot = 0
        for category, count in enumerate(row):
            for _ in range(count):
                units.append(u)
                raters.append(slot)  # raters differ per patient in the study; only counts matter to kappa
                labels.append(category)
                slot += 1
    fleiss = LabelTable(units, raters, labels).fleiss()
    assert fleiss["value"] == pytest.approx(0.430, abs=5e-4)
    assert (fleiss["n_units"], fleiss["n_raters"]) == (30, 6)


def test_krippendorff_2011_nominal_alpha_is_0_743():
    assert krippendorff_alpha(KRIPPENDORFF_2011, "nominal") == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_2011_interval_alpha_is_0_849():
    assert krippendorff_alpha(KRIPPENDORFF_2011, "interval") == pytest.approx(0.849, abs=5e-4)


def test_unit_with_a_single_value_is_not_pairable_and_is_ignored():
    # Unit 12 holds one value only; dropping it changes nothing.
    trimmed = [row[:11] for row in KRIPPENDORFF_2011]
    assert krippendorff_alpha(trimmed, "nominal") == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011, "nominal"))


def test_wikipedia_fleiss_example_is_0_210_from_the_count_table():
    assert fleiss_kappa_from_table(FLEISS_TABLE) == pytest.approx(0.210, abs=5e-4)


def test_wikipedia_fleiss_example_is_0_210_from_per_rater_labels():
    units, raters, labels = [], [], []
    for u, row in enumerate(FLEISS_TABLE):
        r = 0
        for category, count in enumerate(row):
            for _ in range(count):
                units.append(u)
                raters.append(r)
                labels.append(category)
                r += 1
    fleiss = LabelTable(units, raters, labels).fleiss()
    assert fleiss["value"] == pytest.approx(0.210, abs=5e-4)
    assert (fleiss["n_units"], fleiss["n_raters"], fleiss["all_units"]) == (10, 14, True)


def test_wikipedia_cohen_example_of_50_proposals_is_0_4():
    # Wikipedia, "Cohen's kappa", first example: both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    a = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    matrix = LabelTable(list(range(50)) * 2, ["A"] * 50 + ["B"] * 50, a + b).cohen_kappa_matrix()
    assert matrix["matrix"][0][1] == pytest.approx(0.4)
    assert matrix["shared_units"][0][1] == 50


def test_percent_agreement_and_confusion_of_the_cohen_example():
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    table = LabelTable(list(range(50)) * 2, ["A"] * 50 + ["B"] * 50, a + b)
    assert table.percent_agreement() == pytest.approx(35 / 50)
    confusion = table.confusion()
    # Ordered pairs both ways: the matrix is symmetric and sums to 2 x 50.
    assert confusion["labels"] == ["no", "yes"]
    assert confusion["matrix"] == [[30, 15], [15, 40]]
    assert np.array(confusion["matrix"]).sum() == 100


def test_statistics_package_imports_without_django():
    import subprocess
    import sys

    code = "import sys, exports.agreement; print('django' in sys.modules or 'celery' in sys.modules)"
    env = {k: v for k, v in __import__("os").environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=__import__("pathlib").Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "False"
