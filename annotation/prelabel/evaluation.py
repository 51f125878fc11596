"""Scoring the pre-labelling models against a project's own statements, article by article.

Folds never split an article: each article in turn is held out (five article-grouped folds beyond
five articles), everything learned (stance model and its selection, claim memory, author voice) is
learned from the other articles' labels only, and the held-out article's suggestions are compared
with its statements. The actor registry is the project's approved actors; actors that exist only
because annotators proposed them count as "new actors".

Figures (each beside its baseline where one exists):
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
from dataclasses import dataclass

import numpy as np

from .actors import ActorTagger
from .author import DEFAULT_THRESHOLD, train_author
from .base import ActorEntry, ClaimEntry
from .claim_ranker import WEIGHT_NAMES, build_memory, fit_weights, rank_claims
from .direction import direction_counts, split_sentences
from .holders import train_holders
from .stance import pair_text
from .stance_select import grouped_folds, predict_with, scores, select_stance_model, stance_inputs
from .statements import statement_score

AUTHOR = "author"
TOP_STATEMENTS = 5
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


def _ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


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
    claim_keys = [c.key for c in claims]
    claim_index = {k: j for j, k in enumerate(claim_keys)}
    claim_text = {c.key: c.text for c in claims}

    def holder_name(s: LabelledStatement) -> str:
        return author_name if s.role == AUTHOR else actor_names.get(s.actor or "", "an unnamed actor")

    stmt_rows = [(i, s) for i, p in enumerate(paragraphs) for s in p.statements if s.claim in claim_index]
    pair_texts = sorted({pair_text(holder_name(s), claim_text[s.claim]) for _, s in stmt_rows})
    enc = _Encoded(embedder, paragraphs, claims, pair_texts)
    tagger = ActorTagger(list(registry), candidates=True)
    tagged = tagger.predict([p.text for p in paragraphs])
    registry_keys = {a.key for a in registry}
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

    paragraph_groups = [p.group for p in paragraphs]
    folds, how = grouped_folds(paragraph_groups, paragraph_groups)
    # per-statement outcomes, filled fold by fold
    stance_pred: dict[int, str] = {}
    stance_served: dict[int, tuple[str, float]] = {}
    majority_pred: dict[int, str] = {}
    ranked: dict[int, list] = {}
    author_prob: dict[int, float] = {}
    rescored: dict[int, list] = {}  # the tagger's suggestions re-ranked by the fold's holder model
    holders = [[(s.actor, s.start, s.end) for s in p.statements if s.role != AUTHOR] for p in paragraphs]
    selections = []
    for train_p, test_p in folds:
        train_set, test_set = set(train_p.tolist()), set(test_p.tolist())
        train_rows = [k for k, (i, _) in enumerate(stmt_rows) if i in train_set]
        test_rows = [k for k, (i, _) in enumerate(stmt_rows) if i in test_set]
        # 1. stance: selection among candidates on the training articles only
        if train_rows and len({stmt_rows[k][1].stance for k in train_rows}) >= 2:
            selection = select_stance_model(all_inputs.subset(train_rows))
        else:
            selection = None
        train_labels = [stmt_rows[k][1].stance for k in train_rows]
        majority = max(sorted(set(train_labels)), key=train_labels.count) if train_labels else None
        selections.append(
            {
                "held_out": sorted({paragraphs[i].group for i in test_p})[0],
                "chosen": selection.chosen if selection else None,
                "reason": selection.reason if selection else "fewer than two stance labels",
            }
        )
        if test_rows:
            for k in test_rows:
                majority_pred[k] = majority
            if selection and selection.chosen:
                probs = predict_with(selection.chosen, selection.model, all_inputs.subset(test_rows), selection.classes)
                for k, row in zip(test_rows, probs, strict=True):
                    label, conf = selection.classes[int(row.argmax())], float(row.max())
                    stance_pred[k] = label
                    if conf >= selection.threshold.get("threshold", 1.0):
                        stance_served[k] = (label, conf)
            else:
                for k in test_rows:
                    stance_pred[k] = majority
        # 2. claims: memory from the training paragraphs
        learned = {
            "claim_keys": claim_keys,
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
        selections[-1]["claim_weights"] = dict(zip(WEIGHT_NAMES, weights, strict=True))
        for i in test_p:
            ranked[i] = rank_claims(
                memory, paragraphs[i].text, enc.paragraphs[i], NO_SENTENCES, top_k=max(5, TOP_STATEMENTS)
            )
        # 3. which mentions hold statements, and their boundaries
        holder_model = train_holders(
            [paragraphs[i].text for i in train_p],
            enc.paragraphs[train_p],
            [tagged[i] for i in train_p],
            [holders[i] for i in train_p],
            [paragraphs[i].group for i in train_p],
        )
        for i in test_p:
            rescored[i] = (
                holder_model.rescore(paragraphs[i].text, tagged[i], enc.paragraphs[i]) if holder_model else tagged[i]
            )
        # 4. the author's voice
        author = train_author(
            enc.paragraphs[train_p],
            enc.direction[train_p],
            [any(s.role == AUTHOR for s in paragraphs[i].statements) for i in train_p],
        )
        for i in test_p:
            author_prob[i] = (
                float(author.probability(enc.paragraphs[i : i + 1], enc.direction[i : i + 1])[0]) if author else 0.0
            )

    report = {
        "folds": how,
        "articles": len(groups),
        "paragraphs": len(paragraphs),
        "statements": n_statements,
        "actors": dict(
            _actor_figures(
                paragraphs, [rescored[i] for i in range(len(paragraphs))], registry_keys, author_prob, DEFAULT_THRESHOLD
            ),
            tagger_only=_span_figures(paragraphs, tagged, registry_keys),
        ),
        "claims": _claim_figures(paragraphs, ranked, enc, claim_keys),
        "stance": _stance_figures(stmt_rows, stance_pred, stance_served, majority_pred),
        "stance_selection": selections,
    }
    report["coverage"], report["whole_statements"] = _statement_figures(
        paragraphs,
        stmt_rows,
        [rescored[i] for i in range(len(paragraphs))],
        ranked,
        author_prob,
        stance_served,
        majority_pred,
        stance_pred,
    )
    report["seconds"] = round(time.perf_counter() - started, 2)
    return report


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _actor_figures(paragraphs, tagged, registry_keys, author_prob, author_threshold) -> dict:
    reg_hit = reg_total = new_hit = new_total = 0
    exact = overlap = spans = 0
    auth_hit = auth_total = auth_suggested = auth_right = 0
    always_right = always_total = 0
    for i, p in enumerate(paragraphs):
        actors = [s for s in tagged[i] if s.kind == "actor"]
        candidates = [s for s in tagged[i] if s.kind == "actor_candidate"]
        gold_spans = [(s.start, s.end) for s in p.statements if s.start is not None]
        suggested_keys = {s.label for s in actors}
        for s in p.statements:
            if s.role == AUTHOR:
                continue
            if s.actor in registry_keys:
                reg_total += 1
                reg_hit += s.actor in suggested_keys
            elif s.start is not None:
                new_total += 1
                new_hit += any(_overlaps((c.start, c.end), (s.start, s.end)) for c in candidates)
        for s in actors + candidates:
            spans += 1
            exact += (s.start, s.end) in gold_spans
            overlap += any(_overlaps((s.start, s.end), g) for g in gold_spans)
        has_author = any(s.role == AUTHOR for s in p.statements)
        suggested = author_prob.get(i, 0.0) >= author_threshold
        auth_total += sum(s.role == AUTHOR for s in p.statements)
        auth_hit += sum(s.role == AUTHOR for s in p.statements) if suggested else 0
        auth_suggested += suggested
        auth_right += suggested and has_author
        always_total += 1
        always_right += has_author
    return {
        "registry_recall": _ratio(reg_hit, reg_total),
        "registry_holders": reg_total,
        "new_actor_recall": _ratio(new_hit, new_total),
        "new_holders": new_total,
        "author_recall": _ratio(auth_hit, auth_total),
        "author_precision": _ratio(auth_right, auth_suggested),
        "author_statements": auth_total,
        "author_baseline": {
            "what": "always suggest the author",
            "recall": 1.0 if auth_total else None,
            "precision": _ratio(always_right, always_total),
        },
        "span_precision_exact": _ratio(exact, spans),
        "span_precision_overlap": _ratio(overlap, spans),
        "spans_suggested": spans,
    }


def _span_figures(paragraphs, tagged, registry_keys) -> dict:
    """The baseline of the holder model: every mention the registry tagger finds, as found."""
    full = _actor_figures(paragraphs, tagged, registry_keys, {}, 1.0)
    return {
        "what": "every registry mention, tagger boundaries",
        **{
            k: full[k] for k in ("registry_recall", "span_precision_exact", "span_precision_overlap", "spans_suggested")
        },
    }


def _claim_figures(paragraphs, ranked, enc, claim_keys) -> dict:
    hits1 = hits3 = base1 = base3 = total = 0
    for i, p in enumerate(paragraphs):
        keys = [r.key for r in ranked.get(i, [])]
        base = [claim_keys[j] for j in np.argsort(-(enc.claims @ enc.paragraphs[i]), kind="stable")[:3]]
        for s in p.statements:
            total += 1
            hits1 += keys[:1] == [s.claim]
            hits3 += s.claim in keys[:3]
            base1 += base[:1] == [s.claim]
            base3 += s.claim in base
    return {
        "top1_recall": _ratio(hits1, total),
        "top3_recall": _ratio(hits3, total),
        "baseline": {
            "what": "codebook similarity of the whole paragraph",
            "top1_recall": _ratio(base1, total),
            "top3_recall": _ratio(base3, total),
        },
    }


def _stance_figures(stmt_rows, stance_pred, stance_served, majority_pred) -> dict:
    keys = sorted(stance_pred)
    truth = [stmt_rows[k][1].stance for k in keys]
    classes = sorted(set(truth))
    model = scores(truth, [stance_pred[k] for k in keys], classes)
    base = scores(truth, [majority_pred[k] for k in keys], classes)
    served = sorted(stance_served)
    return {
        "model": model,
        "baseline": dict(base, what="the training articles' majority label"),
        "served": _ratio(len(served), len(keys)),
        "served_accuracy": _ratio(sum(stance_served[k][0] == stmt_rows[k][1].stance for k in served), len(served)),
    }


def _statement_figures(paragraphs, stmt_rows, tagged, ranked, author_prob, stance_served, majority_pred, stance_pred):  # noqa: ARG001
    """Coverage of each labelled statement, and whole-statement suggestions ranked per paragraph as
    the pipeline ranks them: (actor, claim) over the suggested actors (and the author, scored by the
    author model) x the top claims, score = statements.statement_score(actor's, claim's).
    top5_recall: a labelled statement is among its paragraph's top 5 with the served stance equal
    to its own; top5_actor_claim_recall: the same without the stance (a statement offered with its
    stance left to the annotator)."""
    covered = 0
    for k, (i, s) in enumerate(stmt_rows):
        actor_ok = (
            (author_prob.get(i, 0.0) >= DEFAULT_THRESHOLD)
            if s.role == AUTHOR
            else s.actor in {t.label for t in tagged[i] if t.kind == "actor"}
        )
        claim_ok = s.claim in [r.key for r in ranked.get(i, [])[:3]]
        covered += actor_ok and claim_ok and k in stance_served
    hit = pair_hit = total = 0
    by_paragraph: dict[int, list[int]] = {}
    for k, (i, _) in enumerate(stmt_rows):
        by_paragraph.setdefault(i, []).append(k)
    for i, ks in by_paragraph.items():
        voice = author_prob.get(i, 0.0)
        actor_options = [(AUTHOR, voice)] if voice >= DEFAULT_THRESHOLD else []
        seen = set()
        for t in tagged[i]:
            if t.kind == "actor" and t.label not in seen:
                seen.add(t.label)
                actor_options.append((t.label, t.score))
        claims = ranked.get(i, [])[:TOP_STATEMENTS]
        options = sorted(
            ((statement_score(a_score, c.score), a, c.key) for a, a_score in actor_options for c in claims),
            key=lambda o: -o[0],
        )[:TOP_STATEMENTS]
        for k in ks:
            s = stmt_rows[k][1]
            holder = AUTHOR if s.role == AUTHOR else s.actor
            offered = any(a == holder and c == s.claim for _, a, c in options)
            total += 1
            pair_hit += offered
            hit += offered and k in stance_served and stance_served[k][0] == s.stance
    return (
        {"all_suggested": _ratio(covered, len(stmt_rows)), "statements": len(stmt_rows)},
        {"top5_recall": _ratio(hit, total), "top5_actor_claim_recall": _ratio(pair_hit, total), "statements": total},
    )
