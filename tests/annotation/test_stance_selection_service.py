"""A project whose labels do not beat the majority gets a stance version that serves nothing: the
job stores no stance suggestion and the page's status says why."""

import pytest

from annotation.models import Actor, Prediction, Task
from annotation.services.prelabel import prelabel_job_create
from annotation.services.stance_model import stance_model_train, stance_status
from tests.factories import AnnotationFactory, ArticleFactory, ClaimFactory, StatementFactory, TaskFactory

from .test_prelabel_services import run_job


@pytest.fixture(autouse=True)
def hashing_embedder(settings):
    settings.STANDPOINT_PRELABEL_EMBEDDER = "hashing"


def test_labels_that_say_nothing_about_direction_give_a_quiet_stance_model(
    project, annotator, django_capture_on_commit_callbacks
):
    project.stance_min_labels, project.claim_threshold = 10, 0.1
    project.save()
    claim = ClaimFactory(project=project, text="the pipeline deal is good")
    favor, against = project.stance_labels.get(value="favor"), project.stance_labels.get(value="against")
    articles = [ArticleFactory() for _ in range(3)]
    for i in range(20):  # the same neutral text; four labels in five are "favor"
        task = TaskFactory(
            project=project,
            paragraph__article=articles[i % 3],
            paragraph__position=i,
            paragraph__text=f"Russia and the pipeline deal were discussed ({i}).",
        )
        StatementFactory(
            annotation=AnnotationFactory(task=task, annotator=annotator, status="submitted"),
            claim=claim,
            stance=against if i % 5 == 0 else favor,
        )
    version = stance_model_train(project=project)
    assert version.params["served"] is False and version.params["cv"] == "leave-one-article-out (3 articles)"
    assert version.cv_accuracy == version.params["baseline"]["accuracy"] == 0.8
    status = stance_status(project=project)
    assert status["served"] is False and status["reason"].startswith("No stance suggestions: no model beats")

    Actor.objects.create(project=project, name="Russia")
    fresh = TaskFactory(project=project, paragraph__text="Russia says the pipeline deal is good.", order=999)
    with django_capture_on_commit_callbacks(execute=False):
        job = prelabel_job_create(project=project, task_ids=[fresh.pk])
    run_job(job, django_capture_on_commit_callbacks)
    assert job.status == "complete"
    kinds = set(Prediction.objects.filter(task=fresh).values_list("kind", flat=True))
    assert "actor" in kinds and "claim" in kinds and "stance" not in kinds
    statement = Prediction.objects.filter(task=fresh, kind="statement").order_by("-score").first()
    assert statement.actor.name == "Russia" and statement.claim == claim and statement.stance is None
    assert Task.objects.get(pk=fresh.pk).uncertainty is None


def test_the_author_voice_learned_from_labels_offers_the_author_as_a_whole_statement(
    project, annotator, django_capture_on_commit_callbacks
):
    project.stance_min_labels, project.claim_threshold = 10, 0.1
    project.save()
    claim = ClaimFactory(project=project, text="the pipeline deal is good")
    favor, against = project.stance_labels.get(value="favor"), project.stance_labels.get(value="against")
    russia = Actor.objects.create(project=project, name="Russia")
    articles = [ArticleFactory() for _ in range(3)]
    for i in range(18):
        voiced = i % 2 == 0
        text = (
            f"We believe, in our view, that the pipeline deal is good ({i})."
            if voiced
            else f"Russia said on Monday, reporters were told, that the pipeline deal is good ({i})."
        )
        task = TaskFactory(
            project=project, paragraph__article=articles[i % 3], paragraph__position=i, paragraph__text=text
        )
        annotation = AnnotationFactory(task=task, annotator=annotator, status="submitted")
        if voiced:
            StatementFactory(annotation=annotation, actor_role="author", actor=None, claim=claim, stance=favor)
        else:
            StatementFactory(
                annotation=annotation,
                actor_role="mention",
                actor=russia,
                actor_start=0,
                actor_end=6,
                claim=claim,
                stance=against if i % 3 == 0 else favor,
            )
    assert stance_model_train(project=project).params["author_model"] is True
    fresh = TaskFactory(
        project=project, paragraph__text="In our view, we believe the pipeline deal is good.", order=999
    )
    with django_capture_on_commit_callbacks(execute=False):
        job = prelabel_job_create(project=project, task_ids=[fresh.pk])
    run_job(job, django_capture_on_commit_callbacks)
    authored = Prediction.objects.filter(task=fresh, kind="statement", actor__isnull=True)
    assert authored.count() == 1 and authored.get().claim == claim and authored.get().start is None
