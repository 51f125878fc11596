"""The agreement service on real rows: units, figures, stored reports and the summary for exports."""

import pytest

from exports.models import AgreementReport
from exports.services.agreement import agreement_report_build, agreement_report_store, agreement_summary
from tests.exports.builders import submit, task_in
from tests.factories import ActorFactory, ClaimFactory, UserFactory


@pytest.fixture
def data(project):
    a, b, c = (UserFactory(username=n) for n in ("ann", "bob", "cat"))
    actor, other = ActorFactory(project=project), ActorFactory(project=project)
    claim = ClaimFactory(project=project)
    t1, t2, t3, single = (task_in(project) for _ in range(4))
    submit(t1, a, [(actor, claim, "favor")])
    submit(t1, b, [(actor, claim, "favor")])
    submit(t1, c, [(actor, claim, "against")])
    submit(t2, a, [(other, claim, "neutral")])
    submit(t2, b, [])
    submit(t3, a, [])
    submit(t3, b, [])
    submit(single, a, [(actor, claim, "favor")])  # one annotation: not a unit
    return {"users": (a, b, c), "tasks": (t1, t2, t3, single), "actor": actor, "claim": claim}


def test_report_counts_only_paragraphs_with_two_or_more_submitted_annotations(data, project):
    report = agreement_report_build(project=project, n_boot=50)
    assert report["counts"]["units"] == 3
    assert report["counts"]["annotations"] == 7
    assert report["stance"]["alpha"]["n_units"] == 1  # only t1 has the same actor and claim twice
    assert report["stance"]["confusion"]["labels"] == ["favor", "against", "neutral", "unclear"]
    # t1: favor, favor, against -> 2 of 6 ordered pairs agree.
    assert report["stance"]["percent_agreement"]["value"] == pytest.approx(2 / 6)
    names = {row["name"] for row in report["per_annotator"]}
    assert names == {"ann", "bob", "cat"}
    assert report["worst_units"][0]["task"] == data["tasks"][1].pk  # t2: one statement vs none


def test_filters_restrict_the_paragraphs(data, project):
    t1 = data["tasks"][0]
    report = agreement_report_build(project=project, n_boot=0, article=t1.paragraph.article_id)
    assert report["counts"]["units"] == 1
    assert agreement_report_build(project=project, n_boot=0, label="neutral")["counts"]["units"] == 1
    cat = data["users"][2]
    assert agreement_report_build(project=project, n_boot=0, annotator=cat.pk)["counts"]["units"] == 1


def test_unknown_label_filter_is_refused_with_its_name(data, project):
    with pytest.raises(ValueError, match="'maybe'"):
        agreement_report_build(project=project, n_boot=0, label="maybe")


def test_storing_twice_on_unchanged_data_keeps_one_report(data, project):
    first = agreement_report_store(project=project, n_boot=20)
    second = agreement_report_store(project=project, n_boot=20)
    assert first.pk == second.pk
    assert len(first.inputs_hash) == 64
    submit(task_in(project), data["users"][0], [])
    assert agreement_report_store(project=project, n_boot=20).pk != first.pk
    assert AgreementReport.objects.filter(project=project).count() == 2


def test_summary_has_headline_alphas_with_intervals(data, project):
    summary = agreement_summary(project=project)
    assert set(summary["alpha"]) == {
        "alpha_stance_bearing",
        "alpha_actors",
        "alpha_claims",
        "alpha_stance",
        "alpha_statements",
    }
    assert summary["units"] == 3
    # t1 is the only stance unit: favor, favor, against -> 1/3 whichever formula.
    assert summary["stance_percent_agreement"] == pytest.approx(1 / 3)
    assert summary["gold"]["tasks"]["majority"] == 4


def test_empty_project_gives_an_empty_report_not_an_error(project):
    report = agreement_report_build(project=project, n_boot=10)
    assert report["counts"]["units"] == 0
    assert report["headline"][0]["value"] is None
    assert report["worst_units"] == []


def test_per_annotator_accuracy_against_adjudicated_gold(data, project, manager):
    from annotation.services.adjudication import adjudication_save

    t1 = data["tasks"][0]
    adjudication_save(
        task=t1,
        adjudicator=manager,
        statements=[
            {
                "actor_role": "mention",
                "actor": data["actor"].pk,
                "actor_start": 0,
                "actor_end": 7,
                "claim": data["claim"].pk,
                "stance": "against",
            }
        ],
    )
    report = agreement_report_build(project=project, n_boot=0)
    by_name = {row["name"]: row["gold"] for row in report["per_annotator"]}
    assert by_name["cat"]["stance_accuracy"] == 1.0 and by_name["ann"]["stance_accuracy"] == 0.0
    assert by_name["cat"]["gold_tasks"] == 1
    assert report["gold"]["tasks"]["adjudicated"] == 1
