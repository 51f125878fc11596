"""The evaluation service, command and page: which labels it reads, stored runs, access."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from annotation.models import Annotation, PrelabelEvaluation, Statement
from annotation.prelabel import registry
from annotation.services.adjudication import adjudication_save
from annotation.services.evaluation import (
    labelled_paragraphs,
    prelabel_evaluate_now,
    prelabel_evaluation_create,
    prelabel_evaluation_run,
)
from annotation.services.projects import tasks_sync
from tests.annotation.conftest import PARAGRAPH, build_corpus
from tests.factories import ActorFactory, ClaimFactory, MembershipFactory, UserFactory

BEIJING = PARAGRAPH.index("Beijing")


@pytest.fixture(autouse=True)
def hashing_embedder(settings):
    settings.STANDPOINT_PRELABEL_EMBEDDER = "hashing"
    registry.clear()


@pytest.fixture
def labelled(project, manager):
    """Three articles of two paragraphs: the first paragraph of each adjudicated, the second of the
    first article submitted by three annotators who disagree on the stance, the rest unlabelled."""
    build_corpus(project=project, articles=3, per_article=2)
    tasks_sync(project=project)
    tasks = list(project.tasks.order_by("order"))
    china = ActorFactory(project=project, name="Beijing")
    deal = ClaimFactory(project=project, text="the pipeline deal is good", normalized="the pipeline deal is good")
    other = ClaimFactory(project=project, text="Kyiv disagrees", normalized="kyiv disagrees")
    for i, task in enumerate(tasks[::2]):
        adjudication_save(
            task=task,
            adjudicator=manager,
            statements=[
                {
                    "actor_role": "mention",
                    "actor": china.pk,
                    "actor_start": BEIJING,
                    "actor_end": BEIJING + 7,
                    "claim": deal.pk,
                    "stance": "against" if i == 1 else "favor",
                },
                {"actor_role": "author", "claim": other.pk, "stance": "favor"},
            ],
        )
    for stance in ("favor", "favor", "against"):
        user = MembershipFactory(project=project, user=UserFactory(), role="annotator").user
        annotation = Annotation.objects.create(task=tasks[1], annotator=user, status=Annotation.Status.SUBMITTED)
        Statement.objects.create(
            annotation=annotation,
            actor_role="mention",
            actor=china,
            actor_start=BEIJING,
            actor_end=BEIJING + 7,
            claim=deal,
            stance=project.stance_labels.get(value=stance),
        )
    draft = Annotation.objects.create(task=tasks[3], annotator=manager, status=Annotation.Status.DRAFT)
    Statement.objects.create(
        annotation=draft, actor_role="author", claim=deal, stance=project.stance_labels.get(value="against")
    )
    return {"tasks": tasks, "actor": china, "claims": (deal, other)}


def test_labels_are_gold_where_adjudicated_else_the_submitted_majority(project, labelled):
    tasks, deal = labelled["tasks"], labelled["claims"][0]
    paragraphs = labelled_paragraphs(project=project)
    assert [p.text for p in paragraphs] == [tasks[i].paragraph.text for i in (0, 1, 2, 4)]  # the draft is not a label
    assert [p.group for p in paragraphs] == [str(tasks[i].paragraph.article_id) for i in (0, 1, 2, 4)]
    assert [(s.role, s.stance) for s in paragraphs[0].statements] == [("mention", "favor"), ("author", "favor")]
    assert [(s.role, s.stance) for s in paragraphs[2].statements] == [("mention", "against"), ("author", "favor")]
    # three annotators, one statement each on the same actor and claim: the majority's stance, once
    assert [(s.actor, s.claim, s.stance, s.start) for s in paragraphs[1].statements] == [
        (str(labelled["actor"].pk), str(deal.pk), "favor", BEIJING)
    ]


def test_a_run_stores_its_report_and_a_second_run_changes_nothing(project, labelled):
    evaluation = prelabel_evaluate_now(project=project)
    assert evaluation.status == PrelabelEvaluation.Status.COMPLETE, evaluation.error
    report = evaluation.report
    assert report["folds"] == "leave-one-article-out (3 articles)"
    assert (report["paragraphs"], report["statements"]) == (4, 7)
    assert report["actors"]["registry_recall"] == 1.0 and report["embedder"] == "hashing"
    assert [f["title"] for f in report["stance_selection"]] == ["Article 0", "Article 1", "Article 2"]
    finished = evaluation.finished_at
    again = prelabel_evaluation_run(evaluation_id=evaluation.pk)
    assert again.finished_at == finished and again.report == report


def test_labels_in_one_article_fail_the_run_with_the_reason(project, manager):
    build_corpus(project=project, articles=1, per_article=2)
    tasks_sync(project=project)
    claim = ClaimFactory(project=project)
    adjudication_save(
        task=project.tasks.first(),
        adjudicator=manager,
        statements=[{"actor_role": "author", "claim": claim.pk, "stance": "favor"}],
    )
    evaluation = prelabel_evaluate_now(project=project)
    assert evaluation.status == PrelabelEvaluation.Status.FAILED
    assert evaluation.error.startswith(
        "Evaluation needs labelled statements in at least two articles; this project has 1 statements in 1 article(s)."
    )


def test_the_command_prints_each_figure_beside_its_baseline(project, labelled, capsys):
    call_command("evaluate_prelabels", str(project.pk))
    out = capsys.readouterr().out
    assert "7 statements, 4 paragraphs, leave-one-article-out (3 articles)" in out
    assert "stance: accuracy (given actor and claim)" in out and "baseline" in out
    with pytest.raises(CommandError, match="No project with id"):
        call_command("evaluate_prelabels", str(project.pk + 99))


def test_the_page_queues_a_run_after_commit_and_shows_the_latest(
    client, project, manager, labelled, django_capture_on_commit_callbacks
):
    url = reverse("annotation:prelabel-evaluation", args=[project.pk])
    client.force_login(manager)
    empty = client.get(url)
    assert empty.status_code == 200 and "No evaluation yet" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url)
    assert response.status_code == 302 and len(callbacks) == 1
    run = PrelabelEvaluation.objects.get(project=project)
    assert run.status == PrelabelEvaluation.Status.PENDING
    prelabel_evaluation_run(evaluation_id=run.pk)  # what the worker does
    page = client.get(url).content.decode()
    assert "claims: top-3 recall" in page and "Article 1" in page and "No evaluation yet" not in page


def test_annotators_get_403_and_outsiders_404(client, project, annotator, outsider, ml_engineer):
    url = reverse("annotation:prelabel-evaluation", args=[project.pk])
    client.force_login(annotator)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(ml_engineer)  # reads the figures, cannot start a run
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 403
    assert not PrelabelEvaluation.objects.exists()


def test_creating_a_run_enqueues_the_evaluation_task(project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evaluation = prelabel_evaluation_create(project=project)
    assert len(callbacks) == 1 and callbacks[0].args == (evaluation.pk,)
    assert callbacks[0].func.__self__.name == "annotation.prelabel_evaluate"
