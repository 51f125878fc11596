"""Krippendorff's unitizing alpha (alpha_U) for actor spans (no database)."""

import numpy as np
import pandas as pd
import pytest

from exports.agreement import agreement_report
from exports.agreement.unitizing import unitizing_alpha

# Krippendorff (2004), Content Analysis, 2nd ed., p. 254: two observers on the continuum [150, 450),
# categories c and k, as in DKPro Statistics' Krippendorff2004Test (offset, length, observer, category).
# Published/DKPro: D_o(c) = 0.0144, D_e(c) = 0.0532, alpha_U(c) = 0.7286; D_o(k) = 0, D_e(k) = 0.0490,
# alpha_U(k) = 1; overall 0.8591 (DKPro's test tolerance 0.0005).
KRIPPENDORFF_2004 = [
    (225, 70, 0, "c"),
    (370, 30, 0, "c"),
    (220, 80, 1, "c"),
    (355, 20, 1, "c"),
    (400, 20, 1, "c"),
    (180, 60, 0, "k"),
    (300, 50, 0, "k"),
    (180, 60, 1, "k"),
    (300, 50, 1, "k"),
]

# Krippendorff (1995), "On the reliability of unitizing contiguous data", Sociological Methodology 25,
# p. 57: four pairs of observers on a continuum of 24 (DKPro's Krippendorff1995Test, category C).
KRIPPENDORFF_1995_C = [
    (2, 6, 0),
    (10, 2, 0),
    (14, 4, 0),
    (20, 2, 0),
    (0, 2, 1),
    (4, 4, 1),
    (10, 4, 1),
    (16, 2, 1),
    (20, 2, 1),
]


def frame(units, task=1):
    return pd.DataFrame(
        [(task, r, b, b + ln, c) for b, ln, r, c in units], columns=["task", "rater", "start", "end", "label"]
    )


def two_raters(task=1, raters=(0, 1)):
    return pd.DataFrame({"task": task, "rater": list(raters)})


def test_krippendorff_2004_example():
    units = frame([(b - 150, ln, r, c) for b, ln, r, c in KRIPPENDORFF_2004])
    res = unitizing_alpha(units, two_raters(), pd.Series({1: 300}))
    by = {x["label"]: x for x in res["by_label"]}
    assert by["c"]["observed"] == pytest.approx(0.0144, abs=1e-4)
    assert by["c"]["expected"] == pytest.approx(0.0532, abs=1e-4)
    assert by["c"]["value"] == pytest.approx(0.7286, abs=1e-4)
    assert by["k"]["observed"] == pytest.approx(0.0, abs=1e-12)
    assert by["k"]["expected"] == pytest.approx(0.0490, abs=1e-4)
    assert by["k"]["value"] == pytest.approx(1.0)
    assert res["value"] == pytest.approx(0.8591, abs=5e-4)


@pytest.mark.parametrize(
    "stretch, d_e, d_e_tol, alpha, alpha_tol",
    [
        (0.5, 0.05494, 1e-5, 0.494, 0.02),  # DKPro's testVaryingLengths, first case (exact D_e)
        (50000, 0.08642, 0.005, 0.679, 0.02),  # the paper's value for a fine-grained continuum
    ],
)
def test_krippendorff_1995_category_c(stretch, d_e, d_e_tol, alpha, alpha_tol):
    units = frame([(int(b * stretch), int(ln * stretch), r, "C") for b, ln, r in KRIPPENDORFF_1995_C])
    res = unitizing_alpha(units, two_raters(), pd.Series({1: int(24 * stretch)}))
    assert res["observed"] == pytest.approx(0.02777, abs=1e-5)
    assert res["expected"] == pytest.approx(d_e, abs=d_e_tol)
    assert res["value"] == pytest.approx(alpha, abs=alpha_tol)


def dkpro_alpha_u(units, n_raters, begin, length):
    """A line-by-line transcription of DKPro Statistics' KrippendorffAlphaUnitizingAgreement (one continuum):
    the segment sweep for D_o and the gap loop for D_e, per category, then mean D_o / mean D_e."""

    def dist(o1, l1, c1, o2, l2, c2):
        bd, ld = o1 - o2, l1 - l2
        if c1 is not None and c2 is not None and -l1 < bd < l2:
            return bd * bd + (bd + ld) * (bd + ld)
        if c1 is not None and c2 is None and -ld >= bd >= 0:
            return l1 * l1
        if c1 is None and c2 is not None and -ld <= bd <= 0:
            return l2 * l2
        return 0.0

    def segments(r, cat):
        out, pos = [], begin
        for b, ln, _r, c in sorted(u for u in units if u[2] == r and u[3] == cat):
            if b > pos:
                out.append((pos, b - pos, None))
            out.append((b, ln, c))
            pos = b + ln
        if pos < begin + length:
            out.append((pos, begin + length - pos, None))
        return out

    cats = sorted({u[3] for u in units})
    d_os, d_es = [], []
    L, R = length, n_raters
    for cat in cats:
        total = 0.0
        for r1 in range(R):
            for r2 in range(r1 + 1, R):
                for o1, l1, c1 in segments(r1, cat):
                    for o2, l2, c2 in segments(r2, cat):
                        if o1 < o2 + l2 and o2 < o1 + l1:  # the sweep visits each overlapping pair once
                            total += dist(o1, l1, c1, o2, l2, c2)
        d_os.append(2 * total / (R * (R - 1) * L * L))
        mine = [u for u in units if u[3] == cat]
        gaps = [ln for r in range(R) for _o, ln, c in segments(r, cat) if c is None]
        n_c = len(mine)
        num = sum(
            (n_c - 1) * (2 * ln**3 - 3 * ln**2 + ln) / 3 + ln * ln * sum(g - ln + 1 for g in gaps if g >= ln)
            for _b, ln, _r, _c in mine
        )
        d_es.append(num * 2 / L / (R * L * (R * L - 1) - sum(ln * (ln - 1) for _b, ln, _r, _c in mine)))
    return 1 - np.mean(d_os) / np.mean(d_es), d_os, d_es


@pytest.mark.parametrize("seed", range(6))
def test_matches_the_dkpro_algorithm_on_random_studies(seed):
    rng = np.random.default_rng(seed)
    R, L = int(rng.integers(2, 5)), 200
    units = []
    for r in range(R):
        for cat in ("a", "b"):
            pos = int(rng.integers(0, 20))
            while pos < L - 5:
                length = int(rng.integers(1, 30))
                if pos + length > L:
                    break
                units.append((pos, length, r, cat))
                pos += length + int(rng.integers(0, 40))
    expected, d_os, d_es = dkpro_alpha_u(units, R, 0, L)
    res = unitizing_alpha(frame(units), two_raters(raters=range(R)), pd.Series({1: L}))
    assert res["value"] == pytest.approx(expected, rel=1e-9)
    assert [x["observed"] for x in sorted(res["by_label"], key=lambda x: x["label"])] == pytest.approx(d_os, rel=1e-9)
    assert [x["expected"] for x in sorted(res["by_label"], key=lambda x: x["label"])] == pytest.approx(d_es, rel=1e-9)


def test_perfect_agreement_over_paragraphs_with_different_numbers_of_annotators():
    spans = [(3, 5, "x"), (20, 4, "y")]
    rows = [(t, r, b, b + ln, c) for t, n in ((1, 2), (2, 3), (3, 2)) for r in range(n) for b, ln, c in spans]
    units = pd.DataFrame(rows, columns=["task", "rater", "start", "end", "label"])
    raters = units[["task", "rater"]].drop_duplicates()
    res = unitizing_alpha(units, raters, pd.Series({1: 40, 2: 50, 3: 30}))
    assert res["value"] == pytest.approx(1.0)
    assert res["n_units"] == 3


def test_a_missed_span_lowers_alpha_and_overlapping_spans_of_one_rater_are_merged():
    base = [(1, 0, 3, 8, "x"), (1, 1, 3, 8, "x"), (2, 0, 10, 20, "x"), (2, 1, 10, 20, "x")]
    raters = pd.DataFrame({"task": [1, 1, 2, 2], "rater": [0, 1, 0, 1]})
    cols = ["task", "rater", "start", "end", "label"]
    lengths = pd.Series({1: 30, 2: 30})
    perfect = unitizing_alpha(pd.DataFrame(base, columns=cols), raters, lengths)["value"]
    missed = unitizing_alpha(pd.DataFrame(base[:-1], columns=cols), raters, lengths)["value"]
    assert perfect == pytest.approx(1.0) and missed < 0.8
    # rater 1 splits [10, 20) into two overlapping pieces: the union is the same unit
    split = base[:-1] + [(2, 1, 10, 16, "x"), (2, 1, 12, 20, "x")]
    assert unitizing_alpha(pd.DataFrame(split, columns=cols), raters, lengths)["value"] == pytest.approx(1.0)


def test_report_carries_unitizing_alpha_beside_span_f1():
    ann = pd.DataFrame(
        [(1, 1, r, "2026-09-07T10:00:00Z") for r in (1, 2)] + [(2, 1, r, "2026-09-07T10:00:00Z") for r in (1, 2)],
        columns=["task", "article", "rater", "submitted_at"],
    )
    st = pd.DataFrame(
        [
            (1, 1, 7, 0.0, 5.0, 1, "favor"),
            (1, 2, 7, 0.0, 5.0, 1, "favor"),
            (2, 1, 8, 10.0, 15.0, 2, "against"),
            (2, 2, 8, 12.0, 15.0, 2, "against"),
        ],
        columns=["task", "rater", "actor", "start", "end", "claim", "stance"],
    )
    report = agreement_report(ann, st, n_boot=0, lengths={1: 40, 2: 40})
    ua = report["actors"]["unitizing_alpha"]
    assert 0 < ua["mentions"]["value"] < 1
    assert ua["mentions"]["n_segments"] == 4
    assert {x["label"] for x in ua["by_actor"]["by_label"]} == {7, 8}
    assert report["actors"]["span_f1_exact"]["f1"] == pytest.approx(0.5)
