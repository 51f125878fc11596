"""Shaping one dataset row (a paragraph with its gold statements) from the streamed SQL tuple,
and the running counts the manifest reports."""

import itertools
from dataclasses import dataclass

from annotation.models import Actor, Claim, Project, StanceLabel
from annotation.pseudonyms import annotator_pseudonym
from exports.builders import SPLITS


@dataclass
class Registries:
    actors: dict[int, str]
    claims: dict[int, str]
    stances: dict[int, str]
    stance_order: list[str]


def registries_of(project: Project) -> Registries:
    labels = list(StanceLabel.objects.filter(project=project).order_by("order", "id").values_list("id", "value"))
    return Registries(
        actors=dict(Actor.objects.filter(project=project).order_by("id").values_list("id", "name")),
        claims=dict(Claim.objects.filter(project=project).order_by("id").values_list("id", "text")),
        stances=dict(labels),
        stance_order=[v for _, v in labels],
    )


class Stats:
    """Running counts of the rows written, per split, for the manifest."""

    def __init__(self):
        self.seen = self.paragraphs = self.statements = self.skipped_without_gold = self.skipped_agreement = 0
        self.articles: set[int] = set()
        self.methods: dict[str, int] = {}
        self.per_split = {s: {"paragraphs": 0, "statements": 0, "articles": set(), "labels": {}} for s in SPLITS}

    def add(self, row):
        sp = self.per_split[row["split"]]
        self.paragraphs += 1
        self.statements += len(row["statements"])
        self.articles.add(row["article"]["id"])
        self.methods[row["gold"]["method"]] = self.methods.get(row["gold"]["method"], 0) + 1
        sp["paragraphs"] += 1
        sp["statements"] += len(row["statements"])
        sp["articles"].add(row["article"]["id"])
        labels = sp["labels"]
        if not row["statements"]:
            labels["none"] = labels.get("none", 0) + 1
        for s in row["statements"]:
            labels[s["stance"]] = labels.get(s["stance"], 0) + 1

    def split_summary(self):
        return {
            s: {
                "paragraphs": v["paragraphs"],
                "statements": v["statements"],
                "articles": len(v["articles"]),
                "labels": dict(sorted(v["labels"].items())),
            }
            for s, v in self.per_split.items()
        }


_STATEMENT_KEYS = (
    "actor_role",
    "actor_id",
    "actor",
    "actor_start",
    "actor_end",
    "actor_text",
    "claim_id",
    "claim",
    "stance",
    "evidence_start",
    "evidence_end",
)


def _statement(t, regs: Registries, text: str, with_note: bool = False) -> dict:
    role, actor_id, a_start, a_end, claim_id, stance_id, e_start, e_end = t[:8]
    out = dict(
        zip(
            _STATEMENT_KEYS,
            (
                role,
                actor_id,
                regs.actors.get(actor_id),
                a_start,
                a_end,
                text[a_start:a_end] if a_start is not None else None,
                claim_id,
                regs.claims.get(claim_id),
                regs.stances.get(stance_id),
                e_start,
                e_end,
            ),
            strict=True,
        )
    )
    if with_note:
        out["note"] = t[8] or ""
    return out


def shape_row(raw, *, regs, split_of, project_id, pseudonyms, params, gold_lookup, stats) -> dict | None:
    """The row of one streamed SQL tuple, or None for a paragraph the export leaves out (no gold, or
    agreement below ``params["min_agreement"]``), counted in ``stats``. Over 60 lines because the
    unpacking of the 18 SQL columns takes 20 and the row literal spells out the output layout from
    those names; annotations, gold and predictions are the functions below."""
    (
        task_id,
        par_id,
        position,
        text,
        start,
        end,
        art_id,
        title,
        author,
        published,
        url,
        source_name,
        language,
        adjudicated,
        adj_no_statement,
        gold,
        anns,
        preds,
    ) = raw
    annotations = _annotations(anns, regs, text, project_id, pseudonyms)
    agreement = paragraph_agreement(annotations) if anns is not None else None
    found = _gold_of(task_id, text, regs, adjudicated, adj_no_statement, gold, gold_lookup)
    if found is None:  # no aggregation, only ties, or the adjudicated-only strategy without an adjudication
        stats.skipped_without_gold += 1
        if not (params["include_annotations"] and annotations):
            return None
        found = (None, False, [], 0)  # only for writers that hand off annotations
    method, no_statement, statements, unresolved = found
    if (
        method is not None
        and params["min_agreement"] is not None
        and not adjudicated
        and (agreement is None or agreement < params["min_agreement"])
    ):
        stats.skipped_agreement += 1
        return None
    row = {
        "id": par_id,
        "task_id": task_id,
        "split": split_of.get(art_id, "train"),
        "text": text,
        "position": position,
        "start": start,
        "end": end,
        "article": {
            "id": art_id,
            "title": title,
            "author": author,
            "published": published or None,
            "source_url": url,
            "source_name": source_name,
            "language": language,
        },
        "gold": {"method": method, "no_statement": bool(no_statement and not statements), "unresolved": unresolved},
        "agreement": agreement,
        "n_annotators": len(annotations),
        "statements": statements,
    }
    if params["include_annotations"]:
        row["annotations"] = annotations
    if params["include_predictions"]:
        row["predictions"] = _predictions(preds, regs)
    return row


def _annotations(anns, regs: Registries, text: str, project_id, pseudonyms: dict) -> list[dict]:
    """The paragraph's submitted annotations under their annotators' pseudonyms (cached in
    ``pseudonyms``), sorted by pseudonym."""
    annotations = []
    for annotator_id, no_statement, statements in anns or ():
        name = pseudonyms.get(annotator_id)
        if name is None:
            name = pseudonyms[annotator_id] = annotator_pseudonym(project_id, annotator_id)
        annotations.append(
            {
                "annotator": name,
                "no_statement": no_statement,
                "statements": [_statement(s, regs, text, with_note=True) for s in statements or ()],
            }
        )
    annotations.sort(key=lambda a: a["annotator"])
    return annotations


def _gold_of(task_id, text, regs, adjudicated, adj_no_statement, gold, gold_lookup) -> tuple | None:
    """(method, no_statement, statements, unresolved ties) of the paragraph's gold: its adjudication,
    else the aggregated gold of ``gold_lookup``; None when it has neither (or only unresolved ties)."""
    if adjudicated:
        return "adjudicated", adj_no_statement, [_statement(s, regs, text) for s in gold or ()], 0
    if (
        gold_lookup is not None
        and (found := gold_lookup.get(task_id)) is not None
        and not (found["unresolved"] and not found["statements"])
    ):
        return (
            found["method"],
            found["no_statement"],
            [_statement(s, regs, text) for s in found["statements"]],
            found["unresolved"],
        )
    return None


def _predictions(preds, regs: Registries) -> list[dict]:
    return [
        {
            "kind": k,
            "model": m,
            "model_version": mv,
            "score": sc,
            "actor_id": a,
            "actor": regs.actors.get(a) if a else None,
            "start": s,
            "end": e,
            "surface": surf,
            "claim_id": c,
            "claim": regs.claims.get(c) if c else None,
            "stance": regs.stances.get(st) if st else None,
        }
        for k, m, mv, sc, a, s, e, surf, c, st in preds or ()
    ]


def _key(s: dict) -> tuple:
    return (s["actor_role"], s["actor_id"], s["claim_id"], s["stance"])


def paragraph_agreement(annotations: list[dict]) -> float | None:
    """Mean pairwise Jaccard similarity of the annotators' (actor, claim, stance) sets; two empty
    sets agree fully. None with fewer than two annotators."""
    sets = [frozenset(_key(s) for s in a["statements"]) for a in annotations]
    if len(sets) < 2:
        return None
    scores = [1.0 if not (a | b) else len(a & b) / len(a | b) for a, b in itertools.combinations(sets, 2)]
    return round(sum(scores) / len(scores), 6)


def external_gold(project: Project, strategy: str) -> dict | None:
    """Aggregated gold (exports.gold: majority vote, or Dawid-Skene for "model") for the paragraphs
    without an adjudication, as {task_id: {"method", "no_statement", "unresolved", "statements":
    [8-tuples like the SQL rows]}}. None for the adjudicated-only strategy.

    Adjudicated paragraphs are taken from the streamed rows themselves (adjudicated first). The
    aggregation needs every vote at once, so it is held in memory (one small tuple per statement).
    """
    if strategy == "adjudicated":
        return None
    from exports.gold import gold_for_project

    stance_ids = dict(StanceLabel.objects.filter(project=project).values_list("value", "id"))
    out = {}
    for task_id, result in gold_for_project(project=project, strategy=strategy).items():
        out[int(task_id)] = {
            "method": result.method,
            "no_statement": result.no_statement,
            "unresolved": len(result.unresolved),
            "statements": [
                (
                    s.actor_role,
                    s.actor_id,
                    s.actor_start,
                    s.actor_end,
                    s.claim_id,
                    stance_ids.get(s.stance),
                    s.evidence_start,
                    s.evidence_end,
                )
                for s in result.statements
            ],
        }
    return out
