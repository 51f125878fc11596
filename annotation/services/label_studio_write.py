"""The writes of a Label Studio import, a batch of tasks per transaction (see label_studio_import).

On PostgreSQL a batch is a handful of statements whatever its size: the task rows are locked (the
submitted counts change under that lock, as in annotation_submit), new annotations go in with one
INSERT ... SELECT FROM unnest(...), statements, history entries and predictions with COPY. The
annotations were checked one by one beforehand; should the database still refuse the batch (a
concurrent change), it is rolled back and redone one annotation at a time through annotation_submit,
each in its own savepoint, so the report names the one at fault. Elsewhere (the SQLite demo) the
one-at-a-time path is the only one. The bulk path is label_studio_bulk; the batch's counters and
what counts as unchanged are label_studio_batch.
"""

from collections import defaultdict

from django.db import DatabaseError, IntegrityError, connection, transaction

from ..models import Annotation, LabelStudioLink, Prediction, PredictionSet, Task
from ..signals import annotation_submitted
from .annotations import annotation_submit
from .disagreement import project_disagreement_refresh
from .exceptions import ConflictError, StatementsInvalid
from .label_studio_batch import SUBMITTED, _Batch, _over_k, _same, _snapshot
from .label_studio_bulk import _fast
from .label_studio_report import Refused
from .snapshots import statements_snapshot


def write_batch(*, project, planned, predictions, users, changed_by, ls_project_id, summary) -> None:
    batch = _Batch()
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                _fast(project, planned, predictions, users, changed_by, ls_project_id, batch)
        except (IntegrityError, DatabaseError):
            batch = _Batch()
            _slow(project, planned, predictions, users, changed_by, ls_project_id, batch)
    else:
        _slow(project, planned, predictions, users, changed_by, ls_project_id, batch)
    for name in ("annotations", "unchanged", "statements", "over_k", "predictions", "prediction_sets"):
        setattr(summary, name, getattr(summary, name) + getattr(batch, name))
    summary.refused.extend(batch.refused)


def _slow(project, planned, predictions, users, changed_by, ls_project_id, batch) -> None:
    """One annotation per savepoint through the workspace's own submit (the fallback path).

    Kept as one function: two loops in the order the fast path writes (annotations, then prediction
    sets), most of the first being its ``except`` clauses, which turn each refusal of the savepoint into
    the report's entry."""
    k = project.annotators_per_task
    for p in planned:
        uid = users[p.who]
        inputs = [
            {
                "actor_role": s["actor_role"],
                "actor": s["actor_id"],
                "actor_start": s["actor_start"],
                "actor_end": s["actor_end"],
                "claim": s["claim_id"],
                "stance": s["stance"],
                "evidence_start": s["evidence_start"],
                "evidence_end": s["evidence_end"],
                "note": s["note"],
            }
            for s in p.statements
        ]
        try:
            with transaction.atomic():
                annotation, _ = Annotation.objects.get_or_create(task_id=p.task_id, annotator_id=uid)
                if (
                    annotation.status == SUBMITTED
                    and annotation.no_statement == p.no_statement
                    and _same(statements_snapshot(annotation.pk), _snapshot(p.statements))
                ):
                    batch.unchanged += 1
                else:
                    annotation_submit(
                        annotation=annotation,
                        user=changed_by or annotation.annotator,
                        revision=None,
                        statements=inputs,
                        no_statement=p.no_statement,
                    )
                    batch.annotations += 1
                    batch.statements += len(p.statements)
                if ls_project_id is not None and p.ls_id is not None:
                    LabelStudioLink.objects.filter(ls_project_id=ls_project_id, annotation=annotation).delete()
                    LabelStudioLink.objects.update_or_create(
                        ls_project_id=ls_project_id, ls_annotation_id=p.ls_id, defaults={"annotation": annotation}
                    )
        except ConflictError as exc:
            if "submitted annotations" in str(exc):
                own = Task.objects.filter(pk=p.task_id).values_list("target_annotators", flat=True).first()
                _over_k(p, own or k, batch)
            else:
                batch.refused.append(Refused(p.where, "annotation", str(exc)))
        except StatementsInvalid as exc:
            batch.refused.append(Refused(p.where, "result", "; ".join(exc.messages)))
        except (IntegrityError, DatabaseError) as exc:
            batch.refused.append(Refused(p.where, "annotation", f"the database refused it: {exc}".strip()))
    for p in predictions:
        with transaction.atomic():
            ps, created = PredictionSet.objects.get_or_create(
                task_id=p.task_id, model_name=p.model_name, model_version=p.model_version
            )
            if created:
                Prediction.objects.bulk_create(
                    Prediction(
                        prediction_set=ps,
                        task_id=p.task_id,
                        kind=s["kind"],
                        model_name=p.model_name,
                        model_version=p.model_version,
                        score=s["score"],
                        actor_id=s["actor_id"],
                        start=s["start"],
                        end=s["end"],
                        surface=s["surface"][:300],
                        claim_id=s["claim_id"],
                        stance_id=s["stance_id"],
                    )
                    for s in p.rows
                )
                batch.prediction_sets += 1
                batch.predictions += len(p.rows)


@transaction.atomic
def delete_unlinked(*, project, ls_project_id: int, keep: set[int]) -> int:
    """Delete the annotations linked to this Label Studio project whose Label Studio annotation is gone
    (not in `keep`); the task's submitted count goes down with each submitted one. Returns how many."""
    gone = list(
        LabelStudioLink.objects.filter(ls_project_id=ls_project_id, annotation__task__project=project)
        .exclude(ls_annotation_id__in=keep)
        .values_list("annotation_id", flat=True)
    )
    if not gone:
        return 0
    k = project.annotators_per_task
    per_task: dict[int, int] = defaultdict(int)
    for task_id in Annotation.objects.filter(pk__in=gone, status=SUBMITTED).values_list("task_id", flat=True):
        per_task[task_id] += 1
    for task in Task.objects.select_for_update().filter(pk__in=per_task).order_by("pk"):
        count = max(task.submitted_count - per_task[task.pk], 0)
        Task.objects.filter(pk=task.pk).update(
            submitted_count=count, is_complete=count >= (task.target_annotators or k)
        )
    Annotation.objects.filter(pk__in=gone).delete()
    return len(gone)


def announce(project) -> None:
    """Tell higher apps (agreement reports) that submitted annotations changed, once per import."""
    project_disagreement_refresh(project_id=project.pk)
    annotation_submitted.send(sender=Annotation, project_id=project.pk, task_id=None)
