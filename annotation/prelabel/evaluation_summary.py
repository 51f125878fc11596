"""The evaluation report's headline figures as (what, figure, baseline) rows, for the page and command."""

from __future__ import annotations


def _fmt(value) -> str:
    return "—" if value is None else (f"{value:.2f}" if isinstance(value, float) else str(value))


def _mention_baseline(value) -> str:
    """The tagger's every-mention figure (reports stored before the holder model have none)."""
    return "—" if value is None else f"{_fmt(value)} (every mention)"


def summary_rows(report: dict) -> list[tuple[str, str, str]]:
    actors, claims, stance = report.get("actors", {}), report.get("claims", {}), report.get("stance", {})
    a_base, c_base, s_base = actors.get("author_baseline", {}), claims.get("baseline", {}), stance.get("baseline", {})
    model = stance.get("model", {})
    t_base = actors.get("tagger_only", {})
    return [
        (
            "actors: registry holders suggested (recall)",
            _fmt(actors.get("registry_recall")),
            _mention_baseline(t_base.get("registry_recall")),
        ),
        ("actors: new holders caught as candidates", _fmt(actors.get("new_actor_recall")), "—"),
        ("actors: author recall", _fmt(actors.get("author_recall")), _fmt(a_base.get("recall")) + " (always)"),
        ("actors: author precision", _fmt(actors.get("author_precision")), _fmt(a_base.get("precision")) + " (always)"),
        (
            "actors: span precision (exact)",
            _fmt(actors.get("span_precision_exact")),
            _mention_baseline(t_base.get("span_precision_exact")),
        ),
        (
            "actors: span precision (overlapping)",
            _fmt(actors.get("span_precision_overlap")),
            _mention_baseline(t_base.get("span_precision_overlap")),
        ),
        ("claims: top-1 recall", _fmt(claims.get("top1_recall")), _fmt(c_base.get("top1_recall"))),
        ("claims: top-3 recall", _fmt(claims.get("top3_recall")), _fmt(c_base.get("top3_recall"))),
        ("stance: accuracy (given actor and claim)", _fmt(model.get("accuracy")), _fmt(s_base.get("accuracy"))),
        ("stance: macro-F1", _fmt(model.get("macro_f1")), _fmt(s_base.get("macro_f1"))),
        ("stance: statements with a served suggestion", _fmt(stance.get("served")), "—"),
        ("coverage: actor, claim and stance all suggested", _fmt(report.get("coverage", {}).get("all_suggested")), "—"),
        (
            "whole statements: gold among top 5 (with its stance)",
            _fmt(report.get("whole_statements", {}).get("top5_recall")),
            "—",
        ),
        (
            "whole statements: actor and claim among top 5",
            _fmt(report.get("whole_statements", {}).get("top5_actor_claim_recall")),
            "—",
        ),
    ]
