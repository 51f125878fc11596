"""Gold statements per task: adjudicated where a manager adjudicated, otherwise aggregated.

Aggregation works per (task, actor, claim): every annotator of the task votes the stance they gave
that actor and claim, or "none" when they did not name the pair. Majority vote takes the most voted
label; a tie at the top stays unresolved and is listed. The model-based method (Dawid-Skene, from
crowd-kit) learns a confusion matrix per annotator and weighs annotators by reliability. A "none"
winner means no gold statement. The method that produced each gold statement is kept on it.
"""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from annotation.models import Project

from .selectors import annotations as selectors

STRATEGIES = ("adjudicated_then_majority", "adjudicated_then_model", "majority", "model")
NONE = "__none__"


@dataclass
class GoldStatementOut:
    actor_role: str
    actor_id: int | None
    actor_start: int | None
    actor_end: int | None
    claim_id: int
    stance: str
    method: str
    support: int = 0  # annotators who gave this stance (0 for adjudicated)
    score: float | None = None  # the model's posterior for "model"
    evidence_start: int | None = None
    evidence_end: int | None = None
    source_statement_ids: list[int] = field(default_factory=list)


@dataclass
class GoldResult:
    task_id: int
    method: str  # adjudicated | majority | dawid_skene | none
    no_statement: bool
    statements: list[GoldStatementOut]
    unresolved: list[dict]  # ties: {"actor_id", "actor_role", "claim_id", "votes": {label: count}}
    n_annotators: int

    def as_dict(self) -> dict:
        return asdict(self)


def _votes(statement_rows, annotation_rows) -> tuple[pd.DataFrame, dict[int, list[int]], dict]:
    """One vote per (task, actor, claim, annotator), "none" for annotators who did not name the pair."""
    raters: dict[int, list[int]] = defaultdict(list)
    for task, _article, annotator, _sub, _pk in annotation_rows:
        raters[task].append(annotator)
    first: dict[tuple, tuple] = {}
    for task, annotator, actor, start, end, claim, stance, pk, role in statement_rows:
        first.setdefault((task, actor, claim, annotator), (stance, start, end, pk, role))
    named = defaultdict(dict)
    for (task, actor, claim, annotator), info in first.items():
        named[(task, actor, claim)][annotator] = info
    rows = []
    for (task, actor, claim), by_annotator in named.items():
        for annotator in raters.get(task, ()):
            info = by_annotator.get(annotator)
            rows.append((task, actor, claim, annotator, info[0] if info else NONE))
    votes = pd.DataFrame(rows, columns=["task", "actor", "claim", "annotator", "label"])
    return votes, raters, named


def _statement(task, actor, claim, stance, method, infos, **extra) -> GoldStatementOut:
    supporting = [i for i in infos.values() if i[0] == stance]
    spans = Counter((i[1], i[2]) for i in supporting)
    (start, end), _ = sorted(spans.items(), key=lambda kv: (-kv[1], kv[0][0] if kv[0][0] is not None else -1))[0]
    role = supporting[0][4]
    return GoldStatementOut(
        actor_role=role,
        actor_id=actor if actor > 0 else None,
        actor_start=start,
        actor_end=end,
        claim_id=claim,
        stance=stance,
        method=method,
        support=len(supporting),
        source_statement_ids=sorted(i[3] for i in supporting),
        **extra,
    )


def _dawid_skene(votes: pd.DataFrame) -> dict[tuple, tuple[str, float]]:
    from crowdkit.aggregation import DawidSkene

    if votes.empty:
        return {}
    keys = votes[["task", "actor", "claim"]].drop_duplicates().reset_index(drop=True)
    keys["item"] = range(len(keys))
    df = votes.merge(keys, on=["task", "actor", "claim"])
    with warnings.catch_warnings():
        # crowd-kit 1.4 still passes keywords pandas 3 deprecates; the results are unaffected.
        warnings.simplefilter("ignore", category=FutureWarning)
        warnings.simplefilter("ignore", category=DeprecationWarning)
        model = DawidSkene(n_iter=100).fit(
            df[["item", "annotator", "label"]].rename(columns={"item": "task", "annotator": "worker"})
        )
    probas = model.probas_
    out = {}
    labels = model.labels_
    for item, label in labels.items():
        k = keys.iloc[int(item)]
        out[(int(k.task), int(k.actor), int(k.claim))] = (str(label), float(probas.loc[item, label]))
    return out


def _grouped_lists(counts: pd.DataFrame) -> tuple[list, list]:
    """Labels and vote counts of each (task, actor, claim), in the order of ``counts``."""
    key = counts[["task", "actor", "claim"]].to_numpy()
    change = np.flatnonzero((key[1:] != key[:-1]).any(axis=1)) + 1
    starts = [0, *change.tolist(), len(key)]
    labels, ns = counts["label"].to_list(), counts["n"].to_list()
    return ([labels[a:b] for a, b in pairwise(starts)], [ns[a:b] for a, b in pairwise(starts)])


def gold_for_project(*, project: Project, strategy: str = "adjudicated_then_majority") -> dict[int, GoldResult]:
    """Gold for every task with a submitted annotation or an adjudication, keyed by task id."""
    if strategy not in STRATEGIES:
        raise ValueError(f"Unknown gold strategy {strategy!r}; use one of {', '.join(STRATEGIES)}.")
    return gold_from_rows(
        statement_rows=selectors.submitted_statement_rows(project=project),
        annotation_rows=selectors.submitted_annotation_rows(project=project),
        project=project,
        strategy=strategy,
    )


def gold_from_rows(*, statement_rows, annotation_rows, project: Project, strategy: str) -> dict[int, GoldResult]:
    """gold_for_project on rows already read (exports.selectors layouts), so a caller reads them once."""
    if strategy not in STRATEGIES:
        raise ValueError(f"Unknown gold strategy {strategy!r}; use one of {', '.join(STRATEGIES)}.")
    votes, raters, named = _votes(statement_rows, annotation_rows)
    use_model = strategy in ("model", "adjudicated_then_model")
    model_labels = _dawid_skene(votes) if use_model else {}
    by_task = _ranked_votes(votes)
    out: dict[int, GoldResult] = {}
    for task, annotators in raters.items():
        out[task] = _aggregated(task, annotators, by_task.get(task, []), named, model_labels if use_model else None)
    if strategy.startswith("adjudicated_then"):
        out.update(_adjudicated(project, raters))
    return dict(sorted(out.items()))


def _ranked_votes(votes: pd.DataFrame) -> dict[int, list]:
    """{task: [(actor, claim, [(label, votes), ...] most voted first)]}."""
    by_task: dict[int, list] = defaultdict(list)
    if votes.empty:
        return by_task
    # Vote counts per item and label, most voted first (vectorised; _aggregated only reads them).
    counts = (
        votes.groupby(["task", "actor", "claim", "label"], sort=False)
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["task", "actor", "claim", "n"], ascending=[True, True, True, False], kind="stable")
    )
    for (task, actor, claim), labels, ns in zip(
        counts[["task", "actor", "claim"]].drop_duplicates().itertuples(index=False, name=None),
        *_grouped_lists(counts),
        strict=True,
    ):
        by_task[int(task)].append((int(actor), int(claim), list(zip(labels, ns, strict=True))))
    return by_task


def _aggregated(task: int, annotators: list[int], ranked_items: list, named: dict, model_labels) -> GoldResult:
    """One task's gold from its votes: Dawid-Skene's labels where ``model_labels`` is given, else the
    majority, a tie at the top left unresolved."""
    statements, unresolved = [], []
    for actor, claim, ranked in ranked_items:
        infos = named[(task, actor, claim)]
        if model_labels is not None:
            label, score = model_labels[(task, actor, claim)]
            if label != NONE:
                statements.append(_statement(task, actor, claim, label, "dawid_skene", infos, score=score))
            continue
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            top = ranked[0][1]
            unresolved.append(
                {
                    "actor_id": actor if actor > 0 else None,
                    "actor_role": next(iter(infos.values()))[4],
                    "claim_id": claim,
                    "votes": {("none" if k == NONE else k): int(v) for k, v in ranked if v == top},
                }
            )
            continue
        if ranked[0][0] != NONE:
            statements.append(_statement(task, actor, claim, ranked[0][0], "majority", infos))
    return GoldResult(
        task_id=task,
        method="dawid_skene" if model_labels is not None else "majority",
        no_statement=not statements and not unresolved,
        statements=statements,
        unresolved=unresolved,
        n_annotators=len(annotators),
    )


def _adjudicated(project: Project, raters: dict[int, list[int]]) -> dict[int, GoldResult]:
    """The gold of every adjudicated task of the project, as its manager adjudicated it."""
    adjudicated = selectors.adjudications(project=project)
    gold_statements: dict[int, list] = defaultdict(list)
    for (
        task,
        _actor_key,
        start,
        end,
        claim,
        stance,
        role,
        ev_s,
        ev_e,
        _reason,
        actor,
    ) in selectors.gold_statement_rows(project=project):
        gold_statements[task].append(
            GoldStatementOut(
                actor_role=role,
                actor_id=actor,
                actor_start=start,
                actor_end=end,
                claim_id=claim,
                stance=stance,
                method="adjudicated",
                evidence_start=ev_s,
                evidence_end=ev_e,
            )
        )
    out = {}
    for task in adjudicated:
        statements = gold_statements.get(task, [])
        out[task] = GoldResult(
            task_id=task,
            method="adjudicated",
            no_statement=not statements,
            statements=statements,
            unresolved=[],
            n_annotators=len(raters.get(task, ())),
        )
    return out


def gold_method_counts(results: dict[int, GoldResult]) -> dict:
    """How many tasks and statements each method produced, and how many ties stayed unresolved."""
    tasks = Counter(r.method for r in results.values())
    statements = Counter(s.method for r in results.values() for s in r.statements)
    return {
        "tasks": dict(tasks),
        "statements": dict(statements),
        "unresolved_ties": sum(len(r.unresolved) for r in results.values()),
        "tasks_with_ties": sum(1 for r in results.values() if r.unresolved),
    }
