"""The holder model learned from a project's labels ships in the stance bundle: a job's actor
suggestions rank the mention that holds the statement above the one the statement is about, keep one
mention per actor, and take the span boundary the annotators use ("the US")."""

import pytest

from annotation.models import Actor, ActorAlias, Prediction
from annotation.services.prelabel import prelabel_job_create
from annotation.services.stance_model import stance_model_train
from tests.factories import AnnotationFactory, ArticleFactory, ClaimFactory, StatementFactory, TaskFactory

from .test_prelabel_services import run_job


@pytest.fixture(autouse=True)
def hashing_embedder(settings):
    settings.STANDPOINT_PRELABEL_EMBEDDER = "hashing"


def test_labelled_holders_teach_the_job_which_mention_speaks(project, annotator, django_capture_on_commit_callbacks):
    project.stance_min_labels, project.claim_threshold = 10, 0.1
    project.save()
    claim = ClaimFactory(project=project, text="the pipeline deal is good")
    favor, against = project.stance_labels.get(value="favor"), project.stance_labels.get(value="against")
    us = Actor.objects.create(project=project, name="United States", status="approved")
    ActorAlias.objects.create(actor=us, alias="US", normalized="us")
    china = Actor.objects.create(project=project, name="China", status="approved")
    articles = [ArticleFactory() for _ in range(3)]
    for i in range(18):
        holder, other = ("the US", "China") if i % 2 == 0 else ("China", "the US")
        text = (
            f"{holder[0].upper()}{holder[1:]} said on Monday ({i}) that talks with {other} on the pipeline went well."
        )
        task = TaskFactory(
            project=project, paragraph__article=articles[i % 3], paragraph__position=i, paragraph__text=text
        )
        annotation = AnnotationFactory(task=task, annotator=annotator, status="submitted")
        StatementFactory(
            annotation=annotation,
            actor_role="mention",
            actor=us if holder == "the US" else china,
            actor_start=0,
            actor_end=len(holder),
            claim=claim,
            stance=against if i % 3 == 0 else favor,
        )
    version = stance_model_train(project=project)
    assert version.params["holder_model"] is True
    text = "The US warned on Tuesday that talks with China and China's allies had stalled."
    fresh = TaskFactory(project=project, paragraph__text=text, order=999)
    with django_capture_on_commit_callbacks(execute=False):
        job = prelabel_job_create(project=project, task_ids=[fresh.pk])
    run_job(job, django_capture_on_commit_callbacks)
    actors = {p.actor.name: p for p in Prediction.objects.filter(task=fresh, kind="actor")}
    assert set(actors) == {"United States", "China"}  # one suggestion per actor, not per mention
    assert (actors["United States"].start, actors["United States"].end) == (0, 6)  # "The US", as labelled
    assert actors["United States"].score > actors["China"].score
