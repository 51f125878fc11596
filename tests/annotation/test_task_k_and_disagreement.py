"""Per-task k (the task browser's "change k" bulk action) in both claim paths and in submit, and the
stored per-task disagreement that the task browser filters on."""

import pytest

from annotation.models import Annotation, Task
from annotation.selectors.task_browser import TaskQuery, task_page
from annotation.services import assignment as assignment_service
from annotation.services.annotations import annotation_submit
from annotation.services.assignment import assignment_claim_next
from annotation.services.exceptions import ConflictError
from annotation.services.projects import project_update, tasks_sync
from annotation.services.statement_edits import statement_update
from annotation.services.task_bulk import BulkInvalid, tasks_set_k
from tests.annotation.conftest import build_corpus
from tests.conftest import client_for
from tests.factories import ClaimFactory, MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["sql_function", "orm"])
def claim_path(request, monkeypatch):
    """The claim as PostgreSQL deployments run it (the function, re-installed by migration 0010) and as
    the SQLite demo runs it (the ORM path), both on PostgreSQL."""
    path = {"sql_function": assignment_service._claim_sql, "orm": assignment_service._claim_orm}[request.param]
    monkeypatch.setattr(assignment_service, "_claim_path", lambda: path)
    return request.param


def _people(project, n):
    return [MembershipFactory(project=project, user=UserFactory(), role="annotator").user for _ in range(n)]


def _submit(user, project, statements=(), expect_task=None):
    lease = assignment_claim_next(user=user, project=project)
    assert lease is not None, f"{user} was offered nothing"
    if expect_task is not None:
        assert lease.task_id == expect_task
    draft = Annotation.objects.get(task_id=lease.task_id, annotator=user)
    return annotation_submit(
        annotation=draft, user=user, revision=draft.revision, statements=list(statements), no_statement=not statements
    )


@pytest.fixture
def one_task(project):
    """The shared project (its manager fixture can act on it) with k = 2 and one task."""
    project.annotators_per_task = 2
    project.save()
    build_corpus(project=project, articles=1, per_article=1)
    tasks_sync(project=project)
    return project, project.tasks.get()


def test_a_task_with_k_one_is_full_after_one_submission(claim_path, one_task, manager):
    project, task = one_task
    a, b = _people(project, 2)
    result = tasks_set_k(project=project, task_ids=[task.pk], user=manager, k=1)
    assert result == {"tasks": 1, "k": 1, "changed": 1, "reopened": 0, "completed": 0}
    _submit(a, project, expect_task=task.pk)
    task.refresh_from_db()
    assert (task.submitted_count, task.is_complete) == (1, True)
    assert assignment_claim_next(user=b, project=project) is None  # the project's k (2) no longer counts


def test_raising_k_reopens_a_complete_task_for_more_annotators(claim_path, one_task, manager):
    project, task = one_task
    a, b, c, d = _people(project, 4)
    _submit(a, project)
    _submit(b, project)
    assert assignment_claim_next(user=c, project=project) is None  # full at the project's k = 2
    result = tasks_set_k(project=project, task_ids=[task.pk], user=manager, k=3)
    assert result["reopened"] == 1
    task.refresh_from_db()
    assert not task.is_complete
    _submit(c, project, expect_task=task.pk)
    task.refresh_from_db()
    assert (task.submitted_count, task.is_complete) == (3, True)
    assert assignment_claim_next(user=d, project=project) is None


def test_a_lease_on_a_task_that_became_full_is_refused_on_submit(one_task, manager):
    project, task = one_task
    a, b = _people(project, 2)
    lease_a = assignment_claim_next(user=a, project=project)
    lease_b = assignment_claim_next(user=b, project=project)
    assert lease_a.task_id == lease_b.task_id == task.pk
    tasks_set_k(project=project, task_ids=[task.pk], user=manager, k=1)
    _done = Annotation.objects.get(task=task, annotator=a)
    annotation_submit(annotation=_done, user=a, revision=_done.revision, statements=[], no_statement=True)
    late = Annotation.objects.get(task=task, annotator=b)
    with pytest.raises(ConflictError, match="already has its 1 submitted"):
        annotation_submit(annotation=late, user=b, revision=late.revision, statements=[], no_statement=True)
    assert Annotation.objects.filter(task=task, status="submitted").count() == 1


def test_k_below_the_submissions_is_refused_and_nothing_changes(one_task, manager):
    project, task = one_task
    for user in _people(project, 2):
        _submit(user, project)
    with pytest.raises(BulkInvalid, match=f"#{task.pk} has 2"):
        tasks_set_k(project=project, task_ids=[task.pk], user=manager, k=1)
    task.refresh_from_db()
    assert (task.target_annotators, task.is_complete) == (None, True)


def test_a_project_k_change_leaves_tasks_with_their_own_k(manager):
    project = ProjectFactory(annotators_per_task=2)
    build_corpus(project=project, articles=1, per_article=2)
    tasks_sync(project=project)
    own, follows = project.tasks.order_by("order")
    tasks_set_k(project=project, task_ids=[own.pk], user=manager, k=1)
    project = project_update(project=project, data={"annotators_per_task": 4})
    own.refresh_from_db()
    follows.refresh_from_db()
    assert (own.target_annotators, follows.target_annotators) == (1, None)
    page = task_page(project=project, query=TaskQuery())
    assert {r["id"]: r["k"] for r in page.rows} == {own.pk: 1, follows.pk: 4}


def test_api_set_k_needs_k_and_reports_counts(one_task, manager):
    project, task = one_task
    client = client_for(manager)
    url = f"/api/projects/{project.pk}/task-browser/bulk/"
    missing = client.post(url, {"action": "set_k", "tasks": [task.pk]}, format="json")
    assert missing.status_code == 400 and "k" in missing.json()
    too_big = client.post(url, {"action": "set_k", "tasks": [task.pk], "k": 51}, format="json")
    assert too_big.status_code == 400 and "k" in too_big.json()
    done = client.post(url, {"action": "set_k", "tasks": [task.pk], "k": 5}, format="json")
    assert done.status_code == 200 and done.json()["k"] == 5 and done.json()["changed"] == 1
    task.refresh_from_db()
    assert task.target_annotators == 5


def test_disagreement_is_stored_on_submit_and_on_edits_and_filters_the_browser():
    project = ProjectFactory(annotators_per_task=2)
    build_corpus(project=project, articles=1, per_article=2)
    tasks_sync(project=project)
    first, second = project.tasks.order_by("order")
    a, b = _people(project, 2)
    claim = ClaimFactory(project=project)
    favor = {"actor_role": "author", "claim": claim.pk, "stance": "favor"}
    against = {**favor, "stance": "against"}
    _submit(a, project, [favor], expect_task=first.pk)
    first.refresh_from_db()
    assert first.disagreement is None  # one submission: nothing to disagree with
    _submit(b, project, [against], expect_task=first.pk)
    _submit(a, project, [favor], expect_task=second.pk)
    _submit(b, project, [favor], expect_task=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.disagreement, second.disagreement) == (1.0, 0.0)

    def ids(**filters):
        return [r["id"] for r in task_page(project=project, query=TaskQuery(**filters)).rows]

    assert ids(disagreement_min=0.5) == [first.pk]
    assert ids(disagreement_max=0.0) == [second.pk]
    assert ids(disagreement_min=0.0) == [first.pk, second.pk]

    # An edit of a submitted annotation moves the value: b turns "against" into "favor" -> they agree.
    b_first = Annotation.objects.get(task=first, annotator=b)
    statement_update(statement=b_first.statements.get(), user=b, data={"stance": "favor"})
    first.refresh_from_db()
    assert first.disagreement == 0.0
    assert ids(disagreement_min=0.6) == []


def test_api_filters_by_disagreement_and_refuses_values_outside_0_1(one_task, manager):
    project, task = one_task
    Task.objects.filter(pk=task.pk).update(disagreement=0.75)
    client = client_for(manager)
    url = f"/api/projects/{project.pk}/task-browser/"
    rows = client.get(url, {"disagreement_min": "0.7"}).json()["results"]
    assert [(r["id"], r["disagreement"]) for r in rows] == [(task.pk, 0.75)]
    assert client.get(url, {"disagreement_min": "0.8"}).json()["results"] == []
    bad = client.get(url, {"disagreement_max": "2"})
    assert bad.status_code == 400 and "disagreement_max" in bad.json()


def test_a_paragraph_re_marked_with_work_on_it_closes_its_task_at_sync_and_reopens_it(claim_path, manager):
    """What the article page says happens to a task with work when its paragraph changes kind."""
    from corpora.services.kind_corrections import paragraph_kind_set

    project = ProjectFactory(annotators_per_task=3)
    build_corpus(project=project, articles=1, per_article=2)
    tasks_sync(project=project)
    worked, untouched = project.tasks.order_by("order")
    a, b, c = _people(project, 3)
    _submit(a, project, expect_task=worked.pk)
    paragraph_kind_set(paragraph=worked.paragraph, kind="comment", user=manager)
    paragraph_kind_set(paragraph=untouched.paragraph, kind="comment", user=manager)

    result = tasks_sync(project=project)
    assert (result.removed, result.closed, result.reopened) == (1, 1, 0)  # the task without work is gone
    worked.refresh_from_db()
    assert worked.closed_at is not None and worked.annotations.filter(status="submitted").count() == 1
    assert assignment_claim_next(user=b, project=project) is None  # closed: offered to nobody
    from django.core.cache import cache

    from annotation.selectors.annotations import progress_for_annotator

    cache.clear()  # the open-task count is cached for 30 s
    assert progress_for_annotator(user=b, project=project)["remaining"] == 0  # a closed task is not left to do
    assert [r["id"] for r in task_page(project=project, query=TaskQuery(status="closed")).rows] == [worked.pk]
    assert task_page(project=project, query=TaskQuery(status="open")).rows == []

    paragraph_kind_set(paragraph=worked.paragraph, kind="body", user=manager)
    again = tasks_sync(project=project)
    assert (again.reopened, again.closed) == (1, 0)
    worked.refresh_from_db()
    assert worked.closed_at is None
    _submit(c, project, expect_task=worked.pk)


def test_the_sync_api_reports_closed_and_reopened(project, manager):
    build_corpus(project=project, articles=1, per_article=1)
    client = client_for(manager)
    first = client.post(f"/api/projects/{project.pk}/tasks/sync/").json()
    assert first == {"created": 1, "removed": 0, "total": 1, "closed": 0, "reopened": 0}


def test_the_task_page_shows_its_own_k_closed_state_and_disagreement(client, one_task, manager):
    from django.utils import timezone

    project, task = one_task
    Task.objects.filter(pk=task.pk).update(target_annotators=5, disagreement=0.25, closed_at=timezone.now())
    client.force_login(manager)
    body = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "0/5 submitted" in body and "the project's is 2" in body
    assert "<b>closed</b>" in body and "disagreement 0.25" in body


def test_the_submits_one_task_refresh_gives_what_the_bulk_refresh_gives():
    """Differential: task_disagreement_refresh_one (plain SQL, the submit's path) against
    task_disagreement_refresh (the ORM path of edits and imports) on seeded random tasks: statement
    sets with shared, differing and author statements, empty annotations, drafts (left out)."""
    import random

    from annotation.services.disagreement import task_disagreement_refresh, task_disagreement_refresh_one
    from tests.factories import ActorFactory, AnnotationFactory, StatementFactory, TaskFactory

    rnd = random.Random(12)
    project = ProjectFactory()
    actors = [ActorFactory(project=project) for _ in range(2)]
    claims = [ClaimFactory(project=project) for _ in range(3)]
    stances = list(project.stance_labels.all())
    people = _people(project, 4)
    tasks = [TaskFactory(project=project) for _ in range(25)]
    for task in tasks:
        for user in rnd.sample(people, rnd.randint(0, 4)):
            status = rnd.choice([Annotation.Status.SUBMITTED] * 3 + [Annotation.Status.DRAFT])
            annotation = AnnotationFactory(task=task, annotator=user, status=status)
            for _ in range(rnd.randint(0, 3)):
                actor = rnd.choice(actors + [None])
                StatementFactory(
                    annotation=annotation,
                    actor=actor,
                    actor_role="mention" if actor else "author",
                    actor_start=0 if actor else None,
                    actor_end=1 if actor else None,
                    claim=rnd.choice(claims),
                    stance=rnd.choice(stances),
                )
    one = {t.pk: task_disagreement_refresh_one(task_id=t.pk) for t in tasks}
    assert dict(Task.objects.filter(pk__in=one).values_list("pk", "disagreement")) == one
    Task.objects.filter(pk__in=one).update(disagreement=None)
    task_disagreement_refresh(task_ids=list(one))
    assert dict(Task.objects.filter(pk__in=one).values_list("pk", "disagreement")) == one
    assert len({v for v in one.values() if v is not None}) >= 3  # the seed gives varied values, not all one
