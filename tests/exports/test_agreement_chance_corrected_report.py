"""The report's stance.chance_corrected block, the missing_formula option, and how the HTML shows them."""

import numpy as np
import pandas as pd
import pytest

from exports.agreement import agreement_report
from exports.agreement.chance_corrected import RatingTable
from exports.report_html import render_report_html
from tests.conftest import client_for
from tests.exports.builders import submit, task_in
from tests.factories import ActorFactory, ClaimFactory

LABELS = ["favor", "against"]


def frames(rows):
    """rows: (task, rater, stance); one actor and claim, so each paragraph is one stance unit."""
    ann = pd.DataFrame(
        [(t, 1, r, "2026-01-05T10:00:00Z") for t, r, _ in rows], columns=["task", "article", "rater", "submitted_at"]
    )
    st = pd.DataFrame(
        [(t, r, 7, np.nan, np.nan, 3, s) for t, r, s in rows],
        columns=["task", "rater", "actor", "start", "end", "claim", "stance"],
    )
    return ann, st


# Four paragraphs; the third and fourth have only two annotators (a gap).
GAPPY = [
    (1, 1, "favor"),
    (1, 2, "favor"),
    (1, 3, "favor"),
    (2, 1, "favor"),
    (2, 2, "favor"),
    (2, 3, "against"),
    (3, 1, "favor"),
    (3, 2, "against"),
    (4, 1, "against"),
    (4, 2, "against"),
]
COUNTS = [[3, 0], [2, 1], [1, 1], [0, 2]]
RATER_LABELS = [[0, 0, 0], [0, 0, 1], [0, 1, -1], [1, 1, -1]]


def report_of(rows, **kw):
    return agreement_report(*frames(rows), labels=LABELS, n_boot=0, **kw)


def test_generalised_and_textbook_fleiss_and_percent_agreement_differ_on_a_table_with_gaps():
    gen = report_of(GAPPY)["stance"]
    # Per-unit agreement 1, 1/3, 0, 1 -> mean 7/12. Shares favor 13/24, against 11/24 -> pe = 290/576.
    assert gen["percent_agreement"]["value"] == pytest.approx(7 / 12)
    assert gen["percent_agreement"]["n_units"] == 4
    assert gen["fleiss_kappa"]["value"] == pytest.approx(46 / 286)
    assert gen["fleiss_kappa"]["n_units"] == 4
    assert gen["fleiss_kappa"]["missing_formula"] == "generalised"
    assert "generalised" in gen["fleiss_kappa"]["formula"]

    text = report_of(GAPPY, missing_formula="textbook")["stance"]
    # Pooled ordered pairs: 6 + 2 + 0 + 2 of 6 + 6 + 2 + 2 agree.
    assert text["percent_agreement"]["value"] == pytest.approx(10 / 16)
    # Textbook Fleiss keeps the units with the modal rater count (two of each; the first mode, 2 raters):
    # units 3 and 4, pa = 1/2, pe = 1/16 + 9/16 -> -1/3.
    assert text["fleiss_kappa"]["value"] == pytest.approx(-1 / 3)
    assert text["fleiss_kappa"]["n_units"] == 2
    assert text["fleiss_kappa"]["missing_formula"] == "textbook"


def test_the_block_equals_rating_table_on_the_same_counts():
    block = report_of(GAPPY)["stance"]["chance_corrected"]
    rt = RatingTable(COUNTS, rater_labels=np.array(RATER_LABELS))
    expected = {
        c.key: c.as_dict()
        for c in (rt.gwet(), rt.brennan_prediger(), rt.fleiss(), rt.conger(), rt.krippendorff(), rt.percent_agreement())
    }
    got = {c["key"]: c for c in block["coefficients"]}
    assert set(got) == {
        "ac1",
        "brennan_prediger",
        "fleiss_kappa",
        "conger_kappa",
        "krippendorff_alpha",
        "percent_agreement",
    }
    for key, want in expected.items():
        for field in ("value", "se", "ci_low", "ci_high", "pe", "n_units"):
            assert got[key][field] == pytest.approx(want[field]), (key, field)
        assert got[key]["formula"] == want["formula"]
    # Brennan-Prediger by hand: pe = 1/2 with two labels.
    assert got["brennan_prediger"]["value"] == pytest.approx((7 / 12 - 0.5) / 0.5)
    # Prevalence over the ratings of units rated twice or more: favor 6 of 10.
    assert block["prevalence"]["label"] == "favor"
    assert block["prevalence"]["share"] == pytest.approx(0.6)


def test_skewed_labels_get_the_divergence_reading_and_the_html_shows_it():
    rows = [(t, r, "favor") for t in range(1, 19) for r in (1, 2)]
    rows += [(19, 1, "favor"), (19, 2, "against"), (20, 1, "favor"), (20, 2, "against")]
    report = report_of(rows)
    block = report["stance"]["chance_corrected"]
    assert block["prevalence"]["share"] == pytest.approx(38 / 40)
    assert block["prevalence"]["index"] == pytest.approx((36 - 0) / 40)  # pairs both favor minus both against
    assert block["bias"]["mean_abs"] == pytest.approx(2 / 20)
    assert block["reading"].startswith("Labels are skewed: 95% favor; κ is low")
    assert "observed agreement is 0.90" in block["reading"]
    html = render_report_html(report)
    assert "Gwet&#x27;s AC1" in html and "Brennan–Prediger" in html
    assert "Labels are skewed: 95% favor; κ is low" in html


def test_balanced_data_have_no_reading_and_an_unknown_formula_is_refused():
    rows = [(1, 1, "favor"), (1, 2, "favor"), (2, 1, "against"), (2, 2, "against")]
    assert report_of(rows)["stance"]["chance_corrected"]["reading"] is None
    with pytest.raises(ValueError):
        report_of(rows, missing_formula="pooled")


def test_no_stance_units_give_empty_figures_not_errors():
    rows = [(1, 1, "favor"), (2, 2, "against")]  # nobody shares a paragraph
    stance = agreement_report(*frames(rows), labels=LABELS, n_boot=0)["stance"]
    assert stance["fleiss_kappa"]["value"] is None
    assert all(c["value"] is None for c in stance["chance_corrected"]["coefficients"])


@pytest.mark.django_db
def test_api_takes_the_missing_formula_and_refuses_a_bad_one(project, manager, annotator, second_annotator):
    actor, claim = ActorFactory(project=project), ClaimFactory(project=project)
    for stance in ("favor", "against", "favor"):
        task = task_in(project)
        submit(task, annotator, [(actor, claim, "favor")])
        submit(task, second_annotator, [(actor, claim, stance)])
    client = client_for(manager)
    url = f"/api/projects/{project.pk}/agreement/"
    body = client.get(url, {"n_boot": 0, "missing_formula": "textbook"}).json()
    assert body["stance"]["fleiss_kappa"]["missing_formula"] == "textbook"
    assert body["params"]["missing_formula"] == "textbook"
    assert body["stance"]["chance_corrected"]["coefficients"][0]["key"] == "ac1"
    assert client.get(url, {"missing_formula": "pooled"}).status_code == 400


def test_one_label_only_gives_empty_coefficients_not_an_error():
    """Everyone chose the same label: chance agreement is 1 and every kappa-like figure is undefined
    (0/0); the report must say so rather than fail (a project whose stances are all "favor")."""
    import numpy as np

    from exports.agreement.chance_corrected import RatingTable

    table = RatingTable(
        np.array([[3.0, 0.0], [2.0, 0.0], [3.0, 0.0]]),
        rater_labels=np.array([["a", "a", "a"], ["a", "a", None], ["a", "a", "a"]], dtype=object),
    )
    assert table.krippendorff().value is None and table.fleiss().value is None
    assert table.percent_agreement().value == 1.0
