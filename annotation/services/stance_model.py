"""Training the project's stance classifier from its own labels, and claim-merge proposals.

Labels: adjudicated gold statements, and, for tasks without an adjudication, the statements of
submitted annotations. A new StanceModelVersion is trained when the project has at least
`stance_min_labels` labels and `stance_retrain_every` more than the latest version was trained on
(checked before every pre-labelling job and by the periodic `annotation.prelabel_stance_retrain_check`
task). Version numbers are allocated under a lock on the project row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from annotation.prelabel import registry
from annotation.prelabel.author import train_author
from annotation.prelabel.base import ClaimEntry
from annotation.prelabel.claim_ranker import ClaimMemory, build_memory, fit_weights
from annotation.prelabel.claims import propose_claim_merges
from annotation.prelabel.direction import direction_counts, split_sentences
from annotation.prelabel.holders import train_holders
from annotation.prelabel.stance import NotEnoughLabels, pair_text, train_stance_selected
from annotation.prelabel.stance_select import StanceInputs, stance_inputs

from ..models import (
    Annotation,
    Claim,
    GoldStatement,
    PredictionDecision,
    Project,
    RegistryStatus,
    StanceModelVersion,
    Statement,
)
from .embedder import embedder_key
from .enqueue import enqueue
from .evaluation import labelled_paragraphs
from .pipeline_config import pipeline_config_for

ROLE_NAMES = {"author": "the author", "implied": "an unnamed actor"}


@dataclass(frozen=True)
class StanceRow:
    paragraph: str
    actor: str
    claim: str
    label: str
    group: str = ""  # the paragraph's article: cross-validation folds never split one


def stance_training_rows(*, project: Project) -> list[StanceRow]:
    gold = (
        GoldStatement.objects.filter(adjudication__task__project=project)
        .select_related("actor", "claim", "stance", "adjudication__task__paragraph")
        .order_by("pk")
    )
    rows = [
        StanceRow(
            g.adjudication.task.paragraph.text,
            g.actor.name if g.actor else ROLE_NAMES.get(g.actor_role, ""),
            g.claim.text,
            g.stance.value,
            str(g.adjudication.task.paragraph.article_id),
        )
        for g in gold
    ]
    statements = (
        Statement.objects.filter(
            annotation__task__project=project,
            annotation__status=Annotation.Status.SUBMITTED,
            annotation__task__adjudication__isnull=True,
        )
        .select_related("actor", "claim", "stance", "annotation__task__paragraph")
        .order_by("pk")
    )
    rows += [
        StanceRow(
            s.annotation.task.paragraph.text,
            s.actor.name if s.actor else ROLE_NAMES.get(s.actor_role, ""),
            s.claim.text,
            s.stance.value,
            str(s.annotation.task.paragraph.article_id),
        )
        for s in statements
    ]
    return rows


def stance_inputs_for(rows: list[StanceRow], embedder) -> StanceInputs:
    """Every text embedded once: paragraphs, their sentences, claims and "actor: claim" pairs."""
    paragraphs = sorted({r.paragraph for r in rows})
    sentences = [split_sentences(t) for t in paragraphs]
    flat = [t[a:b] for t, spans in zip(paragraphs, sentences, strict=True) for a, b in spans]
    texts = list(
        dict.fromkeys(paragraphs + flat + [r.claim for r in rows] + [pair_text(r.actor, r.claim) for r in rows])
    )
    vectors = dict(zip(texts, embedder.encode(texts), strict=True))
    index = {t: i for i, t in enumerate(paragraphs)}
    return stance_inputs(
        paragraphs=paragraphs,
        paragraph_vectors=np.vstack([vectors[t] for t in paragraphs]),
        sentences=sentences,
        sentence_vectors=[
            np.vstack([vectors[t[a:b]] for a, b in spans]) for t, spans in zip(paragraphs, sentences, strict=True)
        ],
        rows=[index[r.paragraph] for r in rows],
        claim_vectors=np.vstack([vectors[r.claim] for r in rows]),
        pair_vectors=np.vstack([vectors[pair_text(r.actor, r.claim)] for r in rows]),
        labels=[r.label for r in rows],
        groups=[r.group for r in rows],
    )


def stance_label_count(*, project: Project) -> int:
    gold = GoldStatement.objects.filter(adjudication__task__project=project).count()
    return (
        gold
        + Statement.objects.filter(
            annotation__task__project=project,
            annotation__status=Annotation.Status.SUBMITTED,
            annotation__task__adjudication__isnull=True,
        ).count()
    )


def stance_retrain_due(*, project: Project) -> bool:
    n = stance_label_count(project=project)
    latest = StanceModelVersion.objects.filter(project=project).order_by("-version").first()
    if n < max(project.stance_min_labels, 2):
        return False
    return latest is None or n - latest.n_labels >= max(project.stance_retrain_every, 1)


def stance_model_train(*, project: Project) -> StanceModelVersion:
    """Select, train and store a new version (article-grouped CV against the majority baseline; a
    version whose selection chose no model serves no stance suggestions). Raises NotEnoughLabels
    (a ValueError) below the minimum."""
    rows = stance_training_rows(project=project)
    if len(rows) < max(project.stance_min_labels, 2):
        raise NotEnoughLabels(
            f"{len(rows)} stance labels so far; the stance model needs at least {max(project.stance_min_labels, 2)}."
        )
    embedder = registry.get_embedder(embedder_key())
    started = time.perf_counter()
    paragraphs = labelled_paragraphs(project=project)
    trained = train_stance_selected(
        stance_inputs_for(rows, embedder),
        min_labels=project.stance_min_labels,
        author=author_model_train(paragraphs=paragraphs, embedder=embedder),
        claim_memory=claim_memory_train(project=project, paragraphs=paragraphs, embedder=embedder),
        holders=holder_model_train(project=project, paragraphs=paragraphs, embedder=embedder),
    )
    trained.params["training_seconds"] = round(time.perf_counter() - started, 2)
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        last = StanceModelVersion.objects.filter(project=project).order_by("-version").first()
        params = dict(trained.params, embedder=f"{embedder.name}-{embedder.version}", labels=trained.labels)
        return StanceModelVersion.objects.create(
            project=project,
            version=(last.version + 1) if last else 1,
            n_labels=trained.n_labels,
            cv_accuracy=trained.cv_accuracy,
            per_label_f1=trained.per_label_f1,
            params=params,
            artifact=trained.artifact,
        )


def author_model_train(*, paragraphs: list, embedder):
    """The author-voice model from the project's labelled paragraphs (None without both kinds)."""
    if not paragraphs:
        return None
    texts = [p.text for p in paragraphs]
    return train_author(
        embedder.encode(texts),
        np.vstack([direction_counts(t) for t in texts]),
        [any(s.role == "author" for s in p.statements) for p in paragraphs],
    )


def holder_model_train(*, project: Project, paragraphs: list, embedder):
    """Which registry mentions hold statements, from the labelled paragraphs (None without enough)."""
    from annotation.prelabel.actors import ActorTagger

    labelled = [p for p in paragraphs if p.statements]
    if len(labelled) < 2:
        return None
    texts = [p.text for p in labelled]
    tagger = ActorTagger(pipeline_config_for(project=project, stance_version=None).actors, candidates=False)
    return train_holders(
        texts,
        embedder.encode(texts),
        tagger.predict(texts),
        [[(s.actor, s.start, s.end) for s in p.statements if s.role != "author"] for p in labelled],
        [p.group for p in labelled],
    )


def claim_memory_train(*, project: Project, paragraphs: list, embedder) -> ClaimMemory | None:
    """What the labels teach the claim ranking: labelled paragraphs with their claims, example
    sentences, annotators' accept/reject counts per claim, and weights from article-grouped CV."""
    claims = list(Claim.objects.filter(project=project, status=RegistryStatus.APPROVED).order_by("pk"))
    labelled = [p for p in paragraphs if p.statements]
    if not claims or not labelled:
        return None
    keys, texts = [str(c.pk) for c in claims], [c.text for c in claims]
    codebook = embedder.encode(texts)
    spans = [split_sentences(p.text) for p in labelled]
    flat = [p.text[a:b] for p, sp in zip(labelled, spans, strict=True) for a, b in sp]
    encoded = dict(zip(flat, embedder.encode(flat), strict=True))
    learned = {
        "claim_keys": keys,
        "codebook": codebook,
        "claim_texts": texts,
        "paragraph_vectors": embedder.encode([p.text for p in labelled]),
        "paragraph_claims": [frozenset(s.claim for s in p.statements) for p in labelled],
        "sentence_vectors": [
            np.vstack([encoded[p.text[a:b]] for a, b in sp]) for p, sp in zip(labelled, spans, strict=True)
        ],
    }
    weights, _ = fit_weights(**learned, paragraph_texts=[p.text for p in labelled], groups=[p.group for p in labelled])
    decided = (
        PredictionDecision.objects.filter(prediction__task__project=project, prediction__kind="claim")
        .values("prediction__claim_id")
        .annotate(
            accepted=Count("pk", filter=Q(decision="accepted")), rejected=Count("pk", filter=Q(decision="rejected"))
        )
    )
    decisions = {str(d["prediction__claim_id"]): (d["accepted"], d["rejected"]) for d in decided}
    return build_memory(**learned, decisions=decisions, weights=weights, paragraph_texts=[p.text for p in labelled])


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
        message = f"Version {latest.version} trained on {latest.n_labels} labels; " + (
            "retraining is due." if left == 0 else f"retrains after {left} more labels."
        )
    params = latest.params if latest is not None and isinstance(latest.params, dict) else {}
    served = params.get("served", latest is not None)
    return {
        "labels": n,
        "min_labels": need,
        "retrain_every": project.stance_retrain_every,
        "latest_version": latest.version if latest else None,
        "message": message,
        "served": served,
        "reason": params.get("reason", ""),
    }


def stance_model_train_request(*, project: Project) -> dict:
    """Queue a retraining now; refused (ValidationError) below the minimum number of labels."""
    info = stance_status(project=project)
    if info["labels"] < info["min_labels"]:
        raise ValidationError(info["message"])
    enqueue("annotation.prelabel_stance_train", project.pk)
    return info


def claim_merge_proposals_compute(*, project: Project, threshold: float = 0.85) -> list[dict]:
    """Near-duplicate approved claims (cosine >= threshold), for the manager to merge or keep.

    Runs in the worker (it needs the embedding model); each job stores the result on itself.
    """
    claims = list(Claim.objects.filter(project=project, status=RegistryStatus.APPROVED).order_by("pk"))
    if len(claims) < 2:
        return []
    texts = {str(c.pk): c.text for c in claims}
    proposals = propose_claim_merges(
        [ClaimEntry(key=str(c.pk), text=c.text) for c in claims],
        registry.get_embedder(embedder_key()),
        threshold=threshold,
    )
    return [
        {
            "keep": int(p.keep),
            "keep_text": texts[p.keep],
            "merge": int(p.merge),
            "merge_text": texts[p.merge],
            "score": p.score,
        }
        for p in proposals
    ]
