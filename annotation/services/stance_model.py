"""Training the project's stance classifier from its own labels, and claim-merge proposals.

Labels: adjudicated gold statements, and, for tasks without an adjudication, the statements of
submitted annotations. A new StanceModelVersion is trained when the project has at least
`stance_min_labels` labels and `stance_retrain_every` more than the latest version was trained on
(checked before every pre-labelling job and by the periodic `annotation.prelabel_stance_retrain_check`
task). Version numbers are allocated under a lock on the project row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import transaction

from annotation.prelabel import registry
from annotation.prelabel.base import ClaimEntry
from annotation.prelabel.claims import propose_claim_merges
from annotation.prelabel.stance import NotEnoughLabels, pair_text, train_stance

from ..models import (Annotation, Claim, GoldStatement, Project, RegistryStatus, StanceModelVersion, Statement)

ROLE_NAMES = {"author": "the author", "implied": "an unnamed actor"}


@dataclass(frozen=True)
class StanceRow:
    paragraph: str
    actor: str
    claim: str
    label: str


def stance_training_rows(*, project: Project) -> list[StanceRow]:
    gold = (GoldStatement.objects.filter(adjudication__task__project=project)
            .select_related("actor", "claim", "stance", "adjudication__task__paragraph").order_by("pk"))
    rows = [StanceRow(g.adjudication.task.paragraph.text, g.actor.name if g.actor else ROLE_NAMES.get(g.actor_role, ""),
                      g.claim.text, g.stance.value) for g in gold]
    statements = (Statement.objects.filter(annotation__task__project=project,
                                           annotation__status=Annotation.Status.SUBMITTED,
                                           annotation__task__adjudication__isnull=True)
                  .select_related("actor", "claim", "stance", "annotation__task__paragraph").order_by("pk"))
    rows += [StanceRow(s.annotation.task.paragraph.text, s.actor.name if s.actor else ROLE_NAMES.get(s.actor_role, ""),
                       s.claim.text, s.stance.value) for s in statements]
    return rows


def stance_label_count(*, project: Project) -> int:
    gold = GoldStatement.objects.filter(adjudication__task__project=project).count()
    return gold + Statement.objects.filter(annotation__task__project=project,
                                           annotation__status=Annotation.Status.SUBMITTED,
                                           annotation__task__adjudication__isnull=True).count()


def stance_retrain_due(*, project: Project) -> bool:
    n = stance_label_count(project=project)
    latest = StanceModelVersion.objects.filter(project=project).order_by("-version").first()
    if n < max(project.stance_min_labels, 2):
        return False
    return latest is None or n - latest.n_labels >= max(project.stance_retrain_every, 1)


def stance_model_train(*, project: Project) -> StanceModelVersion:
    """Train and store a new version. Raises NotEnoughLabels (a ValueError) below the minimum."""
    rows = stance_training_rows(project=project)
    if len(rows) < max(project.stance_min_labels, 2):
        raise NotEnoughLabels(f"{len(rows)} stance labels so far; the stance model needs at least "
                              f"{max(project.stance_min_labels, 2)}.")
    embedder = registry.get_embedder(_embedder_key())
    paragraphs = sorted({r.paragraph for r in rows})
    pairs = sorted({pair_text(r.actor, r.claim) for r in rows})
    p_index = dict(zip(paragraphs, embedder.encode(paragraphs)))
    q_index = dict(zip(pairs, embedder.encode(pairs)))
    trained = train_stance(np.vstack([p_index[r.paragraph] for r in rows]),
                           np.vstack([q_index[pair_text(r.actor, r.claim)] for r in rows]),
                           [r.label for r in rows], min_labels=project.stance_min_labels)
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        last = StanceModelVersion.objects.filter(project=project).order_by("-version").first()
        params = dict(trained.params, embedder=f"{embedder.name}-{embedder.version}", labels=trained.labels)
        return StanceModelVersion.objects.create(
            project=project, version=(last.version + 1) if last else 1, n_labels=trained.n_labels,
            cv_accuracy=trained.cv_accuracy, per_label_f1=trained.per_label_f1, params=params,
            artifact=trained.artifact)


def stance_model_retrain_if_due(*, project: Project) -> StanceModelVersion | None:
    return stance_model_train(project=project) if stance_retrain_due(project=project) else None


def stance_status(*, project: Project) -> dict:
    """What the manager's page says about the stance model."""
    n = stance_label_count(project=project)
    latest = StanceModelVersion.objects.filter(project=project).order_by("-version").first()
    need = max(project.stance_min_labels, 2)
    if latest is None and n < need:
        message = f"Not enough labels yet: {n} of {need}. No stance suggestions until then."
    elif latest is None:
        message = f"{n} labels: a first model will be trained before the next job."
    else:
        left = max(project.stance_retrain_every - max(n - latest.n_labels, 0), 0)
        message = (f"Version {latest.version} trained on {latest.n_labels} labels; "
                   + ("retraining is due." if left == 0 else f"retrains after {left} more labels."))
    return {"labels": n, "min_labels": need, "retrain_every": project.stance_retrain_every,
            "latest_version": latest.version if latest else None, "message": message}


def claim_merge_proposals_compute(*, project: Project, threshold: float = 0.85) -> list[dict]:
    """Near-duplicate approved claims (cosine >= threshold), for the manager to merge or keep.

    Runs in the worker (it needs the embedding model); each job stores the result on itself.
    """
    claims = list(Claim.objects.filter(project=project, status=RegistryStatus.APPROVED).order_by("pk"))
    if len(claims) < 2:
        return []
    texts = {str(c.pk): c.text for c in claims}
    proposals = propose_claim_merges([ClaimEntry(key=str(c.pk), text=c.text) for c in claims],
                                     registry.get_embedder(_embedder_key()), threshold=threshold)
    return [{"keep": int(p.keep), "keep_text": texts[p.keep], "merge": int(p.merge), "merge_text": texts[p.merge],
             "score": p.score} for p in proposals]


def _embedder_key() -> str:
    from .prelabel import embedder_key

    return embedder_key()
