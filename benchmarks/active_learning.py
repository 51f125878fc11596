"""Benchmark: does `task_order = uncertainty` pay? A simulation on the development gold.

Leave-one-article-out: for each of the three gold articles, the other two are the pool a project
would label. Labelling starts from the pool's first 3 paragraphs in article order, then adds
3 paragraphs (all their statements) at a time, either
  * in article order (what `task_order = article` serves), or
  * in uncertainty order: the stance model trained on the labels so far scores every unlabelled
    pool paragraph's (actor, claim) pairs, and the paragraphs whose most uncertain pair is least
    certain come first (exactly how `Task.uncertainty` orders next-task: 1 - max probability,
    rescaled, the paragraph's maximum over its pairs);
and after each step the stance model is trained on the labels used and scored on the held-out
article (stance given the labelled actor and claim). The model is the pipeline's first stance
candidate (class-balanced logistic regression on embeddings of the paragraph and "actor: claim",
all-MiniLM-L6-v2), since a curve needs a model at every step, including steps where the selection
would serve none. Reference in the same run: the majority label of the labels used.

Output: macro-F1 against labels used per strategy (mean over the three held-out articles), the
plot `benchmarks/active_learning.png`, and the JSON line. Target (issue 13 point 6): uncertainty
order reaches a mean macro-F1 over the curve at least that of article order.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOLD = ROOT.parent / "shared" / "gold" / "dev_statements.json"
PLOT = ROOT / "benchmarks" / "active_learning.png"
START, STEP = 3, 3


def load():
    from annotation.prelabel.embeddings import MiniLMEmbedder
    from annotation.prelabel.stance import pair_text

    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    order = {(p["file"], p["index"]): i for i, p in enumerate(gold["paragraphs"])}
    texts = {(p["file"], p["index"]): p["text"] for p in gold["paragraphs"]}
    rows = [
        (
            order[(t["file"], t["paragraph_index"])],
            t["file"],
            texts[(t["file"], t["paragraph_index"])],
            pair_text("the author" if t["actor"] == "AUTHOR" else t["actor"], t["claim"]),
            t["stance"],
        )
        for t in gold["triples"]
    ]
    embedder = MiniLMEmbedder()
    embedder.load()
    unique = sorted({r[2] for r in rows} | {r[3] for r in rows})
    vectors = dict(zip(unique, embedder.encode(unique), strict=True))
    p = np.vstack([vectors[r[2]] for r in rows])
    q = np.vstack([vectors[r[3]] for r in rows])
    return rows, p, q


def fit_predict(train, test, p, q, labels):
    from sklearn.linear_model import LogisticRegression

    from annotation.prelabel.stance import features

    y = [labels[i] for i in train]
    classes = sorted(set(y))
    if len(classes) < 2:
        return [classes[0]] * len(test), np.zeros((len(test), 1))
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000, random_state=0)
    model.fit(features(p[train], q[train]), y)
    probs = model.predict_proba(features(p[test], q[test]))
    return [str(model.classes_[i]) for i in probs.argmax(axis=1)], probs


def simulate(rows, p, q, held_out: str, strategy: str):
    from annotation.prelabel.stance import uncertainty
    from annotation.prelabel.stance_select import scores

    labels = [r[4] for r in rows]
    test = [i for i, r in enumerate(rows) if r[1] == held_out]
    truth = [labels[i] for i in test]
    classes = sorted(set(labels))
    pool = sorted({r[0] for r in rows if r[1] != held_out})  # paragraphs, in article order
    by_paragraph = {par: [i for i, r in enumerate(rows) if r[0] == par] for par in pool}
    chosen = pool[:START]
    curve = []
    while True:
        train = [i for par in chosen for i in by_paragraph[par]]
        predicted, _ = fit_predict(train, test, p, q, labels)
        majority = max(sorted({labels[i] for i in train}), key=[labels[i] for i in train].count)
        curve.append(
            {
                "labels": len(train),
                "macro_f1": scores(truth, predicted, classes)["macro_f1"],
                "baseline_macro_f1": scores(truth, [majority] * len(truth), classes)["macro_f1"],
            }
        )
        left = [par for par in pool if par not in chosen]
        if not left:
            return curve
        if strategy == "article":
            chosen = chosen + left[:STEP]
        else:
            candidates = [i for par in left for i in by_paragraph[par]]
            _, probs = fit_predict(train, candidates, p, q, labels)
            unsure = uncertainty(probs) if probs.shape[1] > 1 else np.ones(len(candidates))
            per_paragraph = {}
            for i, u in zip(candidates, unsure, strict=True):
                per_paragraph[rows[i][0]] = max(per_paragraph.get(rows[i][0], 0.0), float(u))
            ranked = sorted(left, key=lambda par: (-per_paragraph[par], par))
            chosen = chosen + ranked[:STEP]


def mean_curve(curves):
    """Average the held-out articles' curves at the same step (labels used: their mean)."""
    steps = min(len(c) for c in curves)
    return [
        {
            "labels": round(float(np.mean([c[s]["labels"] for c in curves])), 1),
            "macro_f1": round(float(np.mean([c[s]["macro_f1"] for c in curves])), 4),
            "baseline_macro_f1": round(float(np.mean([c[s]["baseline_macro_f1"] for c in curves])), 4),
        }
        for s in range(steps)
    ]


def plot(curves: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for name, curve in curves.items():
        ax.plot(
            [c["labels"] for c in curve],
            [c["macro_f1"] for c in curve],
            marker="o",
            markersize=3,
            label=f"{name} order",
        )
    base = curves["article"]
    ax.plot(
        [c["labels"] for c in base],
        [c["baseline_macro_f1"] for c in base],
        linestyle="--",
        color="grey",
        label="majority label (article order)",
    )
    ax.set_xlabel("stance labels used (mean over the 3 held-out articles)")
    ax.set_ylabel("stance macro-F1 on the held-out article")
    ax.set_title("Active learning on the development gold (leave-one-article-out)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(PLOT)


def main() -> int:
    started = time.perf_counter()
    rows, p, q = load()
    articles = sorted({r[1] for r in rows})
    curves = {s: mean_curve([simulate(rows, p, q, a, s) for a in articles]) for s in ("article", "uncertainty")}
    plot(curves)
    figures = {
        s: {
            "mean_macro_f1": round(float(np.mean([c["macro_f1"] for c in curve])), 4),
            "final_macro_f1": curve[-1]["macro_f1"],
            "steps": len(curve),
        }
        for s, curve in curves.items()
    }
    figures["baseline_mean_macro_f1"] = round(float(np.mean([c["baseline_macro_f1"] for c in curves["article"]])), 4)
    figures["seconds"] = round(time.perf_counter() - started, 1)
    for s, curve in curves.items():
        print(f"{s}: " + " ".join(f"{c['labels']:.0f}:{c['macro_f1']:.3f}" for c in curve), file=sys.stderr)
    targets = {
        "uncertainty_mean_at_least_article": figures["uncertainty"]["mean_macro_f1"]
        >= figures["article"]["mean_macro_f1"]
    }
    figures["curves"] = curves
    print(
        json.dumps(
            {"benchmark": "active_learning", "figures": figures, "targets": targets, "ok": all(targets.values())}
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
