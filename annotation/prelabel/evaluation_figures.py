"""The figures of the pre-labelling evaluation (evaluation.py), from the outcomes its folds collected:
actors (registry, new and author holders, span precision), claims, stance, coverage and whole
statements, each beside its baseline where one exists."""

from __future__ import annotations

import numpy as np

from .author import DEFAULT_THRESHOLD
from .stance_select import scores
from .statements import statement_score

AUTHOR = "author"
TOP_STATEMENTS = 5


def _ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def actor_figures(paragraphs, tagged, registry_keys, author_prob, author_threshold) -> dict:
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


def span_figures(paragraphs, tagged, registry_keys) -> dict:
    """The baseline of the holder model: every mention the registry tagger finds, as found."""
    full = actor_figures(paragraphs, tagged, registry_keys, {}, 1.0)
    return {
        "what": "every registry mention, tagger boundaries",
        **{
            k: full[k] for k in ("registry_recall", "span_precision_exact", "span_precision_overlap", "spans_suggested")
        },
    }


def claim_figures(paragraphs, ranked, enc, claim_keys) -> dict:
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


def stance_figures(stmt_rows, stance_pred, stance_served, majority_pred) -> dict:
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


def statement_figures(paragraphs, stmt_rows, tagged, ranked, author_prob, stance_served):
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
