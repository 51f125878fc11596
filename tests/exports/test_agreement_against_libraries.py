"""exports.agreement agrees with independent libraries on random data (no database)."""

import krippendorff
import numpy as np
import pytest
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import masi_distance as nltk_masi
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

from exports.agreement import AlphaParts, LabelTable, masi_distance
from exports.agreement.alpha import masi_similarity_matrix


def random_reliability(seed: int, coders=5, units=80, values=4, missing=0.25):
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, values + 1, units)
    data = np.where(rng.random((coders, units)) < 0.6, truth, rng.integers(1, values + 1, (coders, units))).astype(
        float
    )
    data[rng.random((coders, units)) < missing] = np.nan
    return data


def long_format(data):
    coders, units = np.nonzero(~np.isnan(data))
    return units, coders, data[coders, units]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("level", ["nominal", "interval"])
def test_alpha_matches_the_krippendorff_package(seed, level):
    data = random_reliability(seed)
    units, _, values = long_format(data)
    ours = AlphaParts(units, values, level).value()
    assert ours == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement=level), abs=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_masi_alpha_matches_nltk_annotation_task(seed):
    rng = np.random.default_rng(seed)
    triples, units, values = [], [], []
    for u in range(50):
        base = frozenset(rng.choice(6, size=rng.integers(1, 4), replace=False).tolist())
        for c in range(4):
            if rng.random() < 0.2:
                continue
            s = (
                base
                if rng.random() < 0.5
                else frozenset(rng.choice(6, size=rng.integers(1, 4), replace=False).tolist())
            )
            triples.append((f"c{c}", f"u{u}", s))
            units.append(u)
            values.append(s)
    expected = AnnotationTask(data=triples, distance=nltk_masi).alpha()
    assert AlphaParts(units, values, "masi").value() == pytest.approx(expected, abs=1e-10)


def test_vectorised_masi_distance_matches_nltk_on_every_pair():
    rng = np.random.default_rng(7)
    sets = list({frozenset(rng.choice(8, size=rng.integers(1, 5), replace=False).tolist()) for _ in range(60)})
    sim = masi_similarity_matrix(sets).toarray()
    for i, a in enumerate(sets):
        for j, b in enumerate(sets):
            assert 1 - sim[i, j] == pytest.approx(nltk_masi(set(a), set(b)), abs=1e-12)
    assert masi_distance({1, 2}, {2, 3}) == pytest.approx(nltk_masi({1, 2}, {2, 3}))
    assert masi_distance(set(), set()) == 0.0


@pytest.mark.parametrize("seed", range(3))
def test_cohen_kappa_matrix_matches_scikit_learn(seed):
    data = random_reliability(seed, coders=4)
    units, coders, values = long_format(data)
    result = LabelTable(units, coders, values).cohen_kappa_matrix()
    for i in range(4):
        for j in range(4):
            if i == j:
                continue
            both = ~np.isnan(data[i]) & ~np.isnan(data[j])
            assert result["matrix"][i][j] == pytest.approx(cohen_kappa_score(data[i, both], data[j, both]))


@pytest.mark.parametrize("seed", range(3))
def test_fleiss_kappa_matches_statsmodels_on_complete_data(seed):
    data = random_reliability(seed, coders=6, missing=0.0)
    units, coders, values = long_format(data)
    table, _ = aggregate_raters(data.T)
    assert LabelTable(units, coders, values).fleiss()["value"] == pytest.approx(fleiss_kappa(table))


def test_fleiss_uses_the_units_with_the_most_common_rater_count_and_says_so():
    data = random_reliability(1, coders=3, missing=0.0)
    data[0, :10] = np.nan  # ten units now have two raters
    units, coders, values = long_format(data)
    fleiss = LabelTable(units, coders, values).fleiss()
    table, _ = aggregate_raters(data[:, 10:].T)
    assert fleiss["value"] == pytest.approx(fleiss_kappa(table))
    assert (fleiss["n_units"], fleiss["n_raters"], fleiss["all_units"]) == (70, 3, False)


def test_percent_agreement_counts_pairs_of_raters_on_a_unit():
    # Unit 0: a a b -> 2 of 6 ordered pairs agree; unit 1: c c -> 2 of 2.
    table = LabelTable([0, 0, 0, 1, 1], [1, 2, 3, 1, 2], ["a", "a", "b", "c", "c"])
    assert table.percent_agreement() == pytest.approx(4 / 8)
    per = table.per_rater_agreement()
    assert per[1] == {"pairs": 3, "agreement": pytest.approx(2 / 3)}
    assert per[3] == {"pairs": 2, "agreement": 0.0}


def test_two_labels_for_the_same_unit_and_rater_are_refused():
    with pytest.raises(ValueError, match="two labels"):
        LabelTable([0, 0], [1, 1], ["a", "b"])


def test_unknown_level_is_refused_with_its_name():
    with pytest.raises(ValueError, match="ordinalish"):
        AlphaParts([0, 0], [1, 2], "ordinalish")
