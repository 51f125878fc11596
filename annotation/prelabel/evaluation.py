"""Scoring the pre-labelling models against a project's own statements, article by article.

Folds never split an article: each article in turn is held out (five article-grouped folds beyond
five articles), everything learned (stance model and its selection, claim memory, author voice) is
learned from the other articles' labels only, and the held-out article's suggestions are compared
with its statements. The actor registry is the project's approved actors; actors that exist only
because annotators proposed them count as "new actors".

Figures (each beside its baseline where one exists; computed in evaluation_figures.py):
- actors: recall of registry holders, of new holders (a candidate span overlapping the labelled
  span), author recall and precision (per paragraph), span precision (exact / overlapping);
- claims: top-1 / top-3 recall, and the same for the codebook similarity alone;
- stance, given the labelled actor and claim: accuracy and macro-F1 of the model chosen in each
  fold (the baseline's label where the fold's selection chose nothing) beside the majority label,
  and the share of statements that get a served stance suggestion;
- coverage: statements whose actor, claim (top 3) and stance are all suggested;
- whole statements: a labelled (actor, claim, stance) among the paragraph's top-5 suggestions.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .actors import ActorTagger
from .author import DEFAULT_THRESHOLD, train_author
from .base import ActorEntry, ClaimEntry
from .claim_ranker import WEIGHT_NAMES, build_memory, fit_weights, rank_claims
from .direction import direction_counts, split_sentences
from .evaluation_figures import (
    AUTHOR,
    TOP_STATEMENTS,
    actor_figures,
    claim_figures,
    span_figures,
    stance_figures,
    statement_figures,
)
from .holders import train_holders
from .stance import pair_text
from .stance_select import grouped_folds, predict_with, select_stance_model, stance_inputs

# Claims are ranked from the paragraph vector, as in the pipeline (which embeds each paragraph once):
# on the development gold the best sentence's similarity did not beat the paragraph's (top-3 0.52
# vs 0.55), so sentence vectors would cost a second embedding pass for nothing.
NO_SENTENCES = np.zeros((0, 0), dtype=np.float32)


class NotEnoughToEvaluate(ValueError):
    pass


@dataclass(frozen=True)
class LabelledStatement:
    role: str  # "mention" | "author" | "implied"
    actor: str | None  # actor key (None for the author or an implied actor)
    start: int | None
    end: int | None
    claim: str  # claim key
    stance: str


@dataclass(frozen=True)
class LabelledParagraph:
    group: str  # the article
    text: str
    statements: tuple[LabelledStatement, ...]


class _Encoded:
    """Every text the evaluation needs, embedded once."""

    def __init__(
        self, embedder, paragraphs: Sequence[LabelledParagraph], claims: Sequence[ClaimEntry], pair_texts: Sequence[str]
    ):
        texts = [p.text for p in paragraphs]
        self.sentences = [split_sentences(t) for t in texts]
        flat = [t[s:e] for t, spans in zip(texts, self.sentences, strict=True) for s, e in spans]
        everything = list(dict.fromkeys(texts + flat + [c.text for c in claims] + list(pair_texts)))
        vectors = dict(zip(everything, embedder.encode(everything), strict=True))
        self.paragraphs = np.vstack([vectors[t] for t in texts])
        self.sentence_vectors = [
            np.vstack([vectors[t[s:e]] for s, e in spans]) for t, spans in zip(texts, self.sentences, strict=True)
        ]
        self.claims = (
            np.vstack([vectors[c.text] for c in claims]) if claims else np.zeros((0, self.paragraphs.shape[1]))
        )
        self.pairs = {t: vectors[t] for t in pair_texts}
        self.direction = np.vstack([direction_counts(t) for t in texts])


@dataclass
class _Outcomes:
    """Per-statement (keyed by stmt_rows index) and per-paragraph outcomes, filled fold by fold."""

    stance_pred: dict = field(default_factory=dict)  # k -> the fold's model's (or majority) label
    stance_served: dict = field(default_factory=dict)  # k -> (label, confidence) above the threshold
    majority_pred: dict = field(default_factory=dict)  # k -> the training articles' majority label
    ranked: dict = field(default_factory=dict)  # i -> ranked claims
    author_prob: dict = field(default_factory=dict)  # i -> the author model's probability
    rescored: dict = field(default_factory=dict)  # i -> the tagger's suggestions re-ranked by the holder model
    selections: list = field(default_factory=list)  # one entry per fold


def evaluate_prelabels(
    paragraphs: Sequence[LabelledParagraph],
    *,
    registry: Sequence[ActorEntry],
    actor_names: dict[str, str],
    claims: Sequence[ClaimEntry],
    embedder,
    author_name: str = "the author",
) -> dict:
    """The report (a JSON-ready dict). Raises NotEnoughToEvaluate without two articles' labels."""
    started = time.perf_counter()
    paragraphs = list(paragraphs)
    groups = sorted({p.group for p in paragraphs})
    n_statements = sum(len(p.statements) for p in paragraphs)
    if len(groups) < 2 or n_statements == 0:
        raise NotEnoughToEvaluate(
            f"Evaluation needs labelled statements in at least two articles; this project has "
            f"{n_statements} statements in {len(groups)} article(s)."
        )
    claim_index = {c.key: j for j, c in enumerate(claims)}
    stmt_rows = [(i, s) for i, p in enumerate(paragraphs) for s in p.statements if s.claim in claim_index]
    enc, all_inputs = _encode(paragraphs, stmt_rows, claims, claim_index, actor_names, author_name, embedder)
    tagged = ActorTagger(list(registry), candidates=True).predict([p.text for p in paragraphs])
    registry_keys = {a.key for a in registry}
    paragraph_groups = [p.group for p in paragraphs]
    folds, how = grouped_folds(paragraph_groups, paragraph_groups)
    out = _Outcomes()
    holders = [[(s.actor, s.start, s.end) for s in p.statements if s.role != AUTHOR] for p in paragraphs]
    for train_p, test_p in folds:
        _fold_stance(paragraphs, stmt_rows, all_inputs, train_p, test_p, out)
        _fold_claims(paragraphs, claims, enc, train_p, test_p, out)
        _fold_holders(paragraphs, enc, tagged, holders, train_p, test_p, out)
        _fold_author(paragraphs, enc, train_p, test_p, out)

    rescored = [out.rescored[i] for i in range(len(paragraphs))]
    report = {
        "folds": how,
        "articles": len(groups),
        "paragraphs": len(paragraphs),
        "statements": n_statements,
        "actors": dict(
            actor_figures(paragraphs, rescored, registry_keys, out.author_prob, DEFAULT_THRESHOLD),
            tagger_only=span_figures(paragraphs, tagged, registry_keys),
        ),
        "claims": claim_figures(paragraphs, out.ranked, enc, [c.key for c in claims]),
        "stance": stance_figures(stmt_rows, out.stance_pred, out.stance_served, out.majority_pred),
        "stance_selection": out.selections,
    }
    report["coverage"], report["whole_statements"] = statement_figures(
        paragraphs, stmt_rows, rescored, out.ranked, out.author_prob, out.stance_served
    )
    report["seconds"] = round(time.perf_counter() - started, 2)
    return report


def _encode(paragraphs, stmt_rows, claims, claim_index, actor_names, author_name, embedder):
    """Every text embedded once (_Encoded), and the stance models' inputs for the labelled statements."""
    claim_text = {c.key: c.text for c in claims}

    def holder_name(s: LabelledStatement) -> str:
        return author_name if s.role == AUTHOR else actor_names.get(s.actor or "", "an unnamed actor")

    pair_texts = sorted({pair_text(holder_name(s), claim_text[s.claim]) for _, s in stmt_rows})
    enc = _Encoded(embedder, paragraphs, claims, pair_texts)
    all_inputs = stance_inputs(
        paragraphs=[p.text for p in paragraphs],
        paragraph_vectors=enc.paragraphs,
        sentences=enc.sentences,
        sentence_vectors=enc.sentence_vectors,
        rows=[i for i, _ in stmt_rows],
        claim_vectors=enc.claims[[claim_index[s.claim] for _, s in stmt_rows]].reshape(len(stmt_rows), -1),
        pair_vectors=np.vstack([enc.pairs[pair_text(holder_name(s), claim_text[s.claim])] for _, s in stmt_rows])
        if stmt_rows
        else np.zeros((0, enc.paragraphs.shape[1])),
        labels=[s.stance for _, s in stmt_rows],
        groups=[paragraphs[i].group for i, _ in stmt_rows],
    )
    return enc, all_inputs


def _fold_stance(paragraphs, stmt_rows, all_inputs, train_p, test_p, out: _Outcomes) -> None:
    """Step 1 of a fold: the stance model selected among the candidates on the training articles
    only, its labels (or the majority's) for the held-out statements."""
    train_set, test_set = set(train_p.tolist()), set(test_p.tolist())
    train_rows = [k for k, (i, _) in enumerate(stmt_rows) if i in train_set]
    test_rows = [k for k, (i, _) in enumerate(stmt_rows) if i in test_set]
    if train_rows and len({stmt_rows[k][1].stance for k in train_rows}) >= 2:
        selection = select_stance_model(all_inputs.subset(train_rows))
    else:
        selection = None
    train_labels = [stmt_rows[k][1].stance for k in train_rows]
    majority = max(sorted(set(train_labels)), key=train_labels.count) if train_labels else None
    out.selections.append(
        {
            "held_out": sorted({paragraphs[i].group for i in test_p})[0],
            "chosen": selection.chosen if selection else None,
            "reason": selection.reason if selection else "fewer than two stance labels",
        }
    )
    if not test_rows:
        return
    for k in test_rows:
        out.majority_pred[k] = majority
    if selection and selection.chosen:
        probs = predict_with(selection.chosen, selection.model, all_inputs.subset(test_rows), selection.classes)
        for k, row in zip(test_rows, probs, strict=True):
            label, conf = selection.classes[int(row.argmax())], float(row.max())
            out.stance_pred[k] = label
            if conf >= selection.threshold.get("threshold", 1.0):
                out.stance_served[k] = (label, conf)
    else:
        for k in test_rows:
            out.stance_pred[k] = majority


def _fold_claims(paragraphs, claims, enc, train_p, test_p, out: _Outcomes) -> None:
    """Step 2: the claim memory and ranker weights from the training paragraphs, the held-out
    paragraphs' ranked claims."""
    learned = {
        "claim_keys": [c.key for c in claims],
        "codebook": enc.claims,
        "claim_texts": [c.text for c in claims],
        "paragraph_vectors": enc.paragraphs[train_p],
        "paragraph_claims": [frozenset(s.claim for s in paragraphs[i].statements) for i in train_p],
        "sentence_vectors": [enc.sentence_vectors[i] for i in train_p],
    }
    weights, _ = fit_weights(
        **learned,
        paragraph_texts=[paragraphs[i].text for i in train_p],
        groups=[paragraphs[i].group for i in train_p],
    )
    memory = build_memory(**learned, weights=weights, paragraph_texts=[paragraphs[i].text for i in train_p])
    out.selections[-1]["claim_weights"] = dict(zip(WEIGHT_NAMES, weights, strict=True))
    for i in test_p:
        out.ranked[i] = rank_claims(
            memory, paragraphs[i].text, enc.paragraphs[i], NO_SENTENCES, top_k=max(5, TOP_STATEMENTS)
        )


def _fold_holders(paragraphs, enc, tagged, holders, train_p, test_p, out: _Outcomes) -> None:
    """Step 3: which mentions hold statements, and their boundaries (the holder model), learned from
    the training paragraphs and applied to the held-out ones."""
    holder_model = train_holders(
        [paragraphs[i].text for i in train_p],
        enc.paragraphs[train_p],
        [tagged[i] for i in train_p],
        [holders[i] for i in train_p],
        [paragraphs[i].group for i in train_p],
    )
    for i in test_p:
        out.rescored[i] = (
            holder_model.rescore(paragraphs[i].text, tagged[i], enc.paragraphs[i]) if holder_model else tagged[i]
        )


def _fold_author(paragraphs, enc, train_p, test_p, out: _Outcomes) -> None:
    """Step 4: the author's voice, learned from the training paragraphs."""
    author = train_author(
        enc.paragraphs[train_p],
        enc.direction[train_p],
        [any(s.role == AUTHOR for s in paragraphs[i].statements) for i in train_p],
    )
    for i in test_p:
        out.author_prob[i] = (
            float(author.probability(enc.paragraphs[i : i + 1], enc.direction[i : i + 1])[0]) if author else 0.0
        )
