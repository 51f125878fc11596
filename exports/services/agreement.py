"""Build, store and summarise agreement reports for a project.

The statistics live in the plain package exports.agreement; this module reads the rows through
exports.selectors, names annotators and articles, and stores AgreementReport rows keyed by the hash
of their inputs (building twice on unchanged data returns the stored report).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from annotation.models import Project
from exports.agreement import agreement_report
from exports.agreement.report import ANNOTATION_COLUMNS, STATEMENT_COLUMNS
from exports.models import AgreementReport
from exports.selectors import annotations as selectors

DEFAULT_BOOT = 1000


def _frames(project: Project):
    """Reads the project's rows once; returns the report's frames and the raw rows (for gold)."""
    import pandas as pd

    ann_rows = list(selectors.submitted_annotation_rows(project=project))
    st_rows = list(selectors.submitted_statement_rows(project=project))
    ann = pd.DataFrame([r[:4] for r in ann_rows], columns=ANNOTATION_COLUMNS)
    st = pd.DataFrame([r[:7] for r in st_rows], columns=STATEMENT_COLUMNS).astype({"start": float, "end": float})
    gold = pd.DataFrame(
        [(t, a, c, s) for t, a, _s, _e, c, s, *_ in selectors.gold_statement_rows(project=project)],
        columns=["task", "actor", "claim", "stance"],
    )
    return ann, st, gold, ann_rows, st_rows


def agreement_report_build(
    *,
    project: Project,
    n_boot: int = DEFAULT_BOOT,
    seed: int = 0,
    article: int | None = None,
    annotator: int | None = None,
    label: str | None = None,
    worst: int = 50,
    missing_formula: str = "generalised",
) -> dict:
    """The full report as a JSON-ready dict. Reads only; filters restrict the paragraphs. ``missing_formula``:
    "generalised" (Gwet) or "textbook" Fleiss' κ and percent agreement for units with different rater counts.

    Over 60 lines: the call hands agreement_report its options one by one, and the rest puts names on
    the report's ids (annotators, articles, actors) in place, a few lines each."""
    labels = selectors.stance_label_values(project=project)
    if label is not None and label not in labels:
        raise ValueError(f"Unknown stance label {label!r}; this project has {', '.join(labels)}.")
    ann, st, gold, ann_rows, st_rows = _frames(project)
    st = st[st["stance"].isin(labels)]
    report = agreement_report(
        ann,
        st,
        gold_tasks=selectors.gold_task_ids(project=project),
        gold=gold,
        labels=labels,
        n_boot=n_boot,
        seed=seed,
        worst=worst,
        article=article,
        rater=annotator,
        label=label,
        lengths=selectors.paragraph_lengths(project=project),
        missing_formula=missing_formula,
    )
    names = selectors.annotator_names(ids=ann["rater"].unique().tolist())
    titles = selectors.article_titles(
        ids={u["article"] for u in report["worst_units"]} | {a["article"] for a in report["by_article"]}
    )
    for row in report["per_annotator"]:
        row["name"] = names.get(row["annotator"], str(row["annotator"]))
    kappa = report["stance"]["cohen_kappa"]
    kappa["names"] = [names.get(r, str(r)) for r in kappa["raters"]]
    for row in report["worst_units"] + report["by_article"]:
        row["article_title"] = titles.get(row["article"], "")
    by_actor = report["actors"]["unitizing_alpha"]["by_actor"]["by_label"]
    actor_names = selectors.actor_names(ids=[x["label"] for x in by_actor])
    for x in by_actor:
        x["name"] = actor_names.get(x["label"], str(x["label"]))
    report["project"] = {"id": project.pk, "name": project.name}
    report["generated_at"] = timezone.now().isoformat()
    report["gold"] = _gold_summary(project, ann_rows, st_rows)
    report["filter_options"] = {
        "articles": sorted(
            ({"id": a, "title": titles.get(a, "")} for a in {r["article"] for r in report["by_article"]}),
            key=lambda x: x["id"],
        )
        if article is None
        else [{"id": article, "title": titles.get(article, "")}],
        "annotators": [{"id": i, "name": n} for i, n in sorted(names.items(), key=lambda kv: kv[1])],
        "labels": labels,
    }
    return report


def _gold_summary(project: Project, ann_rows: list, st_rows: list) -> dict:
    """Which method would produce each paragraph's gold (adjudicated, else majority), and open ties."""
    from exports.gold import gold_from_rows, gold_method_counts

    return gold_method_counts(
        gold_from_rows(
            statement_rows=st_rows, annotation_rows=ann_rows, project=project, strategy="adjudicated_then_majority"
        )
    )


@transaction.atomic
def agreement_report_store(
    *, project: Project, user=None, n_boot: int = DEFAULT_BOOT, seed: int = 0
) -> AgreementReport:
    """Store the unfiltered report. Idempotent: unchanged inputs and parameters return the stored row."""
    params = {"n_boot": n_boot, "seed": seed}
    inputs_hash = selectors.agreement_inputs_hash(project=project, params=params)
    existing = AgreementReport.objects.filter(project=project, inputs_hash=inputs_hash).first()
    if existing is not None:
        return existing
    result = agreement_report_build(project=project, n_boot=n_boot, seed=seed)
    return AgreementReport.objects.create(
        project=project, params=params, inputs_hash=inputs_hash, result=result, created_by=user
    )


def agreement_summary(*, project: Project) -> dict:
    """Headline figures for manifests and dataset cards (stored in a report keyed by the inputs' hash)."""
    report = agreement_report_store(project=project).result
    return {
        "units": report["counts"]["units"],
        "annotators": report["counts"]["annotators"],
        "ci": report["params"]["ci"],
        "n_boot": report["params"]["n_boot"],
        "seed": report["params"]["seed"],
        "alpha": {
            h["key"]: {
                "value": h["value"],
                "ci_low": h["ci_low"],
                "ci_high": h["ci_high"],
                "n_units": h["n_units"],
                "reading": h["reading"],
            }
            for h in report["headline"]
        },
        "stance_percent_agreement": _value(report["stance"]["percent_agreement"]),
        "fleiss_kappa": report["stance"]["fleiss_kappa"]["value"],
        "triple_f1": report["statements"]["triple_f1"]["f1"],
        "actor_span_f1": {
            "exact": report["actors"]["span_f1_exact"]["f1"],
            "overlap": report["actors"]["span_f1_overlap"]["f1"],
        },
        "gold": report.get("gold"),
        "generated_at": report.get("generated_at"),
    }


def _value(figure):
    """A figure's value: reports before schema 2 stored percent agreement as a bare number."""
    return figure.get("value") if isinstance(figure, dict) else figure
