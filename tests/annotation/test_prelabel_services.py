"""Pre-labelling services and tasks on PostgreSQL, called as plain functions (no worker here).

The tiny hashing embedder stands in for all-MiniLM-L6-v2 so these stay fast; the worker tests in
test_prelabel_worker.py run the real model.
"""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from annotation.models import (
    Actor,
    ActorAlias,
    Annotation,
    Prediction,
    PredictionDecision,
    PredictionSet,
    PrelabelJob,
    StanceModelVersion,
    Statement,
    Task,
)
from annotation.prelabel.pipeline import PIPELINE_NAME
from annotation.prelabel.stance import NotEnoughLabels
from annotation.services.gazetteer import gazetteer_load
from annotation.services.prelabel import (
    prediction_precision,
    prelabel_job_create,
    prelabel_job_progress,
    prelabel_job_refresh,
)
from annotation.services.stance_model import stance_model_train, stance_retrain_due, stance_status
from annotation.tasks import prelabel_batch_task, prelabel_job_start_task
from tests.factories import AnnotationFactory, ClaimFactory, ProjectFactory, StatementFactory, TaskFactory, UserFactory

from .prelabel_support import build_corpus_project


@pytest.fixture(autouse=True)
def hashing_embedder(settings):
    settings.STANDPOINT_PRELABEL_EMBEDDER = "hashing"


@pytest.fixture
def corpus_project(project):
    project.claim_threshold = 0.2
    project.save()
    build_corpus_project(project)
    return project


def run_job(job, capture):
    """Run a job the way the worker would, in this process: start, then every batch it enqueued."""
    with capture(execute=False) as callbacks:
        prelabel_job_start_task(job.pk)
    batches = [cb.args[1] for cb in callbacks]
    for batch in batches:
        prelabel_batch_task(job.pk, batch)
    job.refresh_from_db()
    return batches


def test_a_project_without_tasks_cannot_be_prelabelled(project):
    with pytest.raises(ValidationError, match="no tasks yet"):
        prelabel_job_create(project=project)


def test_task_ids_of_another_project_are_refused_by_id(project):
    mine, theirs = TaskFactory(project=project), TaskFactory()
    with pytest.raises(ValidationError) as exc:
        prelabel_job_create(project=project, task_ids=[mine.pk, theirs.pk])
    assert exc.value.message_dict == {"task_ids": [f"Not tasks of this project: [{theirs.pk}]"]}
    assert not PrelabelJob.objects.exists()


def test_batch_size_outside_the_limits_is_refused(project):
    TaskFactory(project=project)
    with pytest.raises(ValidationError, match="between 1 and 1000"):
        prelabel_job_create(project=project, batch_size=0)


def test_creating_a_job_enqueues_only_its_start_after_commit(corpus_project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = prelabel_job_create(project=corpus_project, batch_size=40)
    assert job.status == "pending" and job.total == Task.objects.filter(project=corpus_project).count() == 154
    assert len(callbacks) == 1 and callbacks[0].func.__self__.name == "annotation.prelabel_job_start"
    assert callbacks[0].args == (job.pk,)


def test_a_job_runs_in_batches_and_every_task_gets_one_prediction_set(
    corpus_project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = prelabel_job_create(project=corpus_project, batch_size=40)
    batches = run_job(job, django_capture_on_commit_callbacks)
    assert [len(b) for b in batches] == [40, 40, 40, 34]
    # batches hold paragraphs of similar length (less padding in the model)
    lengths = [
        [len(t.paragraph.text) for t in Task.objects.filter(pk__in=b).select_related("paragraph")] for b in batches
    ]
    assert all(max(a) <= min(b) for a, b in pairwise(lengths))
    assert job.status == "complete" and job.done == job.total == 154 and job.finished_at
    assert job.models_used["pipeline"]["name"] == PIPELINE_NAME
    assert {c["name"] for c in job.models_used["components"]} == {"actors-spacy", "claims-cosine", "statements"}
    sets = PredictionSet.objects.filter(task__project=corpus_project)
    assert sets.count() == 154 and set(sets.values_list("job", flat=True)) == {job.pk}
    predictions = Prediction.objects.filter(task__project=corpus_project)
    assert predictions.filter(kind="actor").exists() and predictions.filter(kind="claim").exists()
    assert not predictions.filter(model_name="").exists() and not predictions.filter(model_version="").exists()


def test_running_a_batch_twice_stores_one_prediction_set(corpus_project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = prelabel_job_create(project=corpus_project, batch_size=200)
    batches = run_job(job, django_capture_on_commit_callbacks)
    before = Prediction.objects.count()
    prelabel_batch_task(job.pk, batches[0])  # a redelivered message
    assert PredictionSet.objects.count() == 154
    assert Prediction.objects.count() == before
    # a redelivered start re-enqueues nothing once every task has its set
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        prelabel_job_start_task(job.pk)
    assert callbacks == []


def test_alias_mentions_become_actor_predictions_on_the_registry_rows(
    corpus_project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = prelabel_job_create(project=corpus_project)
    run_job(job, django_capture_on_commit_callbacks)
    china = Actor.objects.get(project=corpus_project, name="China")
    beijing = Prediction.objects.filter(kind="actor", surface="Beijing")
    assert beijing.exists() and set(beijing.values_list("actor", flat=True)) == {china.pk}
    kremlin = Prediction.objects.get(kind="actor", surface="the Kremlin")
    assert kremlin.actor.name == "Russia"
    paragraph = kremlin.task.paragraph.text
    assert paragraph[kremlin.start : kremlin.end] == "the Kremlin"
    assert Prediction.objects.filter(kind="actor_candidate").exists()


def test_predictions_never_change_annotations(corpus_project, annotator, django_capture_on_commit_callbacks):
    task = Task.objects.filter(project=corpus_project).first()
    annotation = AnnotationFactory(task=task, annotator=annotator, status="submitted", revision=3)
    statement = StatementFactory(annotation=annotation, note="human work")
    snapshot = list(Statement.objects.values())
    annotation_row = Annotation.objects.values().get(pk=annotation.pk)
    with django_capture_on_commit_callbacks(execute=False):
        job = prelabel_job_create(project=corpus_project, task_ids=[task.pk])
    run_job(job, django_capture_on_commit_callbacks)
    assert PredictionSet.objects.filter(task=task).count() == 1
    assert list(Statement.objects.values()) == snapshot
    assert Annotation.objects.values().get(pk=annotation.pk) == annotation_row
    assert Statement.objects.get(pk=statement.pk).from_prediction_id is None


def test_progress_reports_rate_and_eta(project):
    start = timezone.now()
    job = PrelabelJob.objects.create(project=project, status="running", total=100, done=25, started_at=start)
    progress = prelabel_job_progress(job=job, now=start + timedelta(seconds=10))
    assert (progress.done, progress.total, progress.percent) == (25, 100, 25.0)
    assert progress.rate == 2.5 and progress.eta_seconds == 30.0
    pending = PrelabelJob.objects.create(project=project, total=10)
    assert prelabel_job_progress(job=pending).rate is None and prelabel_job_progress(job=pending).eta_seconds is None


def test_job_counts_done_from_the_stored_sets_and_completes(project):
    tasks = [TaskFactory(project=project) for _ in range(3)]
    job = PrelabelJob.objects.create(
        project=project,
        status="running",
        total=3,
        started_at=timezone.now(),
        models_used={"pipeline": {"name": PIPELINE_NAME, "version": "v"}},
    )
    for task in tasks[:2]:
        PredictionSet.objects.create(task=task, model_name=PIPELINE_NAME, model_version="v", job=job)
    PredictionSet.objects.create(task=tasks[2], model_name=PIPELINE_NAME, model_version="other")
    assert prelabel_job_refresh(job_id=job.pk).done == 2 and job.status == "running"
    PredictionSet.objects.create(task=tasks[2], model_name=PIPELINE_NAME, model_version="v")
    job = prelabel_job_refresh(job_id=job.pk)
    assert (job.done, job.status) == (3, "complete")


def test_precision_per_model_version_follows_the_annotators_decisions(project, annotator, second_annotator):
    task = TaskFactory(project=project)
    pset = PredictionSet.objects.create(task=task, model_name=PIPELINE_NAME, model_version="x")
    make = lambda version, kind="actor": Prediction.objects.create(  # noqa: E731
        prediction_set=pset, task=task, kind=kind, model_name="actors-spacy", model_version=version, score=1.0
    )
    a1, a2, _a3, b1 = make("1-a"), make("1-a"), make("1-a"), make("1-b")
    make("1-b", kind="actor_candidate")
    for prediction, user, decision in [
        (a1, annotator, "accepted"),
        (a1, second_annotator, "accepted"),
        (a2, annotator, "rejected"),
        (b1, annotator, "rejected"),
    ]:
        PredictionDecision.objects.create(prediction=prediction, annotator=user, decision=decision)
    rows = {(r["model_version"], r["kind"]): r for r in prediction_precision(project=project)}
    assert rows[("1-a", "actor")] == {
        "model_name": "actors-spacy",
        "model_version": "1-a",
        "kind": "actor",
        "predictions": 3,
        "accepted": 2,
        "rejected": 1,
        "precision": 0.6667,
    }
    assert rows[("1-b", "actor")]["precision"] == 0.0
    assert rows[("1-b", "actor_candidate")]["precision"] is None


def test_loading_the_gazetteer_twice_adds_nothing_the_second_time(project):
    first = gazetteer_load(project=project)
    assert len(first.created) > 80 and first.aliases_added > 150
    russia = Actor.objects.get(project=project, name="Russia")
    assert russia.external_id == "Q159" and russia.type == "state"
    assert set(russia.aliases.values_list("normalized", flat=True)) >= {"moscow", "the kremlin", "kremlin"}
    aliases = ActorAlias.objects.count()
    second = gazetteer_load(project=project)
    assert (second.created, second.updated, second.aliases_added) == ([], [], 0)
    assert ActorAlias.objects.count() == aliases


def test_a_broken_gazetteer_file_loads_nothing(project, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"actors": [{"name": "Ok", "type": "state"}, {"name": "Bad", "type": "planet"}]}')
    with pytest.raises(ValidationError, match=r"entry 1 \(Bad\) has unknown type 'planet'"):
        gazetteer_load(project=project, path=path)
    assert not Actor.objects.filter(project=project).exists()


def label_statements(project, n, annotator):
    """n submitted author statements: favor when the paragraph praises, against when it condemns."""
    claim = project.claims.filter(text="the pipeline deal is good").first() or ClaimFactory(
        project=project, text="the pipeline deal is good"
    )
    favor, against = project.stance_labels.get(value="favor"), project.stance_labels.get(value="against")
    for i in range(n):
        positive = i % 2 == 0
        task = TaskFactory(
            project=project,
            paragraph__article__text=(
                f"Item {i}: the author strongly supports and welcomes the deal, praising it."
                if positive
                else f"Item {i}: the author firmly rejects and condemns the deal, calling it wrong."
            ),
        )
        annotation = AnnotationFactory(task=task, annotator=annotator, status="submitted")
        StatementFactory(annotation=annotation, claim=claim, stance=favor if positive else against)
    return claim


def test_the_stance_model_waits_for_enough_labels_then_trains_with_cv_scores(project, annotator):
    project.stance_min_labels, project.stance_retrain_every = 20, 10
    project.save()
    label_statements(project, 12, annotator)
    assert not stance_retrain_due(project=project)
    assert stance_status(project=project)["message"] == (
        "Not enough labels yet: 12 of 20. No stance suggestions until then."
    )
    with pytest.raises(NotEnoughLabels, match="12 stance labels so far"):
        stance_model_train(project=project)
    label_statements(project, 10, annotator)
    assert stance_retrain_due(project=project)
    version = stance_model_train(project=project)
    assert (version.version, version.n_labels) == (1, 22)
    assert version.cv_accuracy == 1.0 and version.per_label_f1 == {"against": 1.0, "favor": 1.0}
    assert not stance_retrain_due(project=project)
    label_statements(project, 10, annotator)
    assert stance_retrain_due(project=project)
    assert stance_model_train(project=project).version == 2


def test_a_job_retrains_when_due_and_its_stance_uncertainty_orders_the_next_task(
    project, annotator, django_capture_on_commit_callbacks
):
    from annotation.services.assignment import assignment_claim_next

    project.stance_min_labels, project.claim_threshold, project.task_order = 10, 0.1, "uncertainty"
    project.save()
    claim = label_statements(project, 12, annotator)
    Actor.objects.create(project=project, name="Russia")
    texts = [
        "Russia strongly supports and welcomes the deal, praising it, and the pipeline deal is good.",
        "Russia said something about the deal and the pipeline deal is good, or not.",
        "Russia firmly rejects and condemns the deal, calling it wrong: the pipeline deal is good?",
    ]
    fresh = [TaskFactory(project=project, paragraph__article__text=t, order=1000 + i) for i, t in enumerate(texts)]
    with django_capture_on_commit_callbacks(execute=False):
        job = prelabel_job_create(project=project, task_ids=[t.pk for t in fresh])
    run_job(job, django_capture_on_commit_callbacks)
    assert StanceModelVersion.objects.filter(project=project).count() == 1
    assert job.models_used["pipeline"]["stance_version"] == "1"
    stance = Prediction.objects.filter(kind="stance", task__in=fresh)
    assert stance.count() == 3 and set(stance.values_list("claim", flat=True)) == {claim.pk}
    scores = {t.pk: Task.objects.get(pk=t.pk).uncertainty for t in fresh}
    assert all(0 <= u <= 1 for u in scores.values())
    # the labelled tasks are done by this annotator; the next one is the most uncertain fresh task
    outsider = UserFactory()
    project.memberships.create(user=outsider, role="annotator")
    assignment = assignment_claim_next(user=outsider, project=project)
    most_uncertain = max(scores, key=scores.get)
    assert assignment.task_id == most_uncertain


def test_a_cancelled_job_does_no_more_batches(corpus_project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = prelabel_job_create(project=corpus_project, batch_size=100)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        prelabel_job_start_task(job.pk)
    PrelabelJob.objects.filter(pk=job.pk).update(status="cancelled")
    prelabel_batch_task(job.pk, callbacks[0].args[1])
    assert not PredictionSet.objects.exists()


def test_an_unloadable_transformer_fails_the_job_with_the_reason(
    corpus_project, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.STANDPOINT_MODEL_DIR = tmp_path
    corpus_project.transformer_model_path = "/etc"
    corpus_project.save()
    with django_capture_on_commit_callbacks(execute=False):
        job = prelabel_job_create(project=corpus_project)
    run_job(job, django_capture_on_commit_callbacks)
    assert job.status == "failed" and "outside the allowed model directory" in job.error
    assert not PredictionSet.objects.exists()


def test_other_projects_tasks_are_never_touched(corpus_project, django_capture_on_commit_callbacks):
    elsewhere = TaskFactory(project=ProjectFactory())
    with django_capture_on_commit_callbacks(execute=False):
        job = prelabel_job_create(project=corpus_project, batch_size=500)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        prelabel_job_start_task(job.pk)
    prelabel_batch_task(job.pk, callbacks[0].args[1] + [elsewhere.pk])
    assert not PredictionSet.objects.filter(task=elsewhere).exists()


def test_storing_the_same_task_twice_writes_one_set_and_reports_the_skip(project):
    from annotation.prelabel.base import Suggestion
    from annotation.prelabel.pipeline import ParagraphResult
    from annotation.services.prediction_store import prediction_store

    task = TaskFactory(project=project)
    actor = Actor.objects.create(project=project, name="China")
    result = ParagraphResult(
        [
            Suggestion(
                kind="actor",
                label=str(actor.pk),
                score=0.9,
                start=0,
                end=7,
                surface="Beijing",
                model_name="actors-spacy",
                model_version="1-x",
            ),
            Suggestion(
                kind="actor",
                label="999999",
                score=0.9,
                start=0,
                end=3,
                surface="Gone",
                model_name="actors-spacy",
                model_version="1-x",
            ),
        ],
        uncertainty=0.25,
    )
    assert prediction_store(task_id=task.pk, result=result, job_id=None, model_version="v") is True
    assert prediction_store(task_id=task.pk, result=result, job_id=None, model_version="v") is False
    assert PredictionSet.objects.filter(task=task).count() == 1
    assert list(Prediction.objects.filter(task=task).values_list("actor", "surface")) == [(actor.pk, "Beijing")]
    assert Task.objects.get(pk=task.pk).uncertainty == 0.25


def test_a_batch_that_fails_for_good_is_recorded_and_the_job_finishes_as_failed(
    corpus_project, monkeypatch, django_capture_on_commit_callbacks
):
    from annotation.prelabel import registry

    with django_capture_on_commit_callbacks(execute=False):
        job = prelabel_job_create(project=corpus_project, batch_size=100)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        prelabel_job_start_task(job.pk)
    batches = [cb.args[1] for cb in callbacks]
    for batch in batches[1:]:
        prelabel_batch_task(job.pk, batch)

    def broken(*args, **kwargs):
        raise RuntimeError("model exploded")

    monkeypatch.setattr(registry, "get_pipeline", broken)
    result = prelabel_batch_task.apply(args=(job.pk, batches[0]), throw=False)
    assert result.failed()
    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == ("failed", 154 - len(batches[0]), len(batches[0]))
    assert job.error == "RuntimeError: model exploded"
