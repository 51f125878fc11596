"""Charts of an agreement report as inline SVG strings (matplotlib, Agg backend, no files)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False})


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _empty(message: str) -> str:
    return f'<p class="empty">{message}</p>'


def per_annotator_chart(report: dict) -> str:
    rows = report["per_annotator"]
    if not rows:
        return _empty("No annotator has a paragraph shared with another annotator yet.")
    names = [r.get("name", str(r["annotator"])) for r in rows]
    series = [
        ("stance-bearing agreement", "stance_bearing_agreement", "#0b5cad"),
        ("stance agreement", "stance_agreement", "#1a7f37"),
        ("statement F1", "triple_f1", "#8250df"),
    ]
    fig, ax = plt.subplots(figsize=(max(4, 0.9 * len(rows) + 2), 2.8))
    x = np.arange(len(rows))
    w = 0.8 / len(series)
    for i, (label, key, color) in enumerate(series):
        vals = [r.get(key) if r.get(key) is not None else np.nan for r in rows]
        ax.bar(x + (i - 1) * w, vals, w, label=label, color=color)
    ax.set_xticks(x, names, rotation=30 if len(rows) > 6 else 0, ha="right" if len(rows) > 6 else "center")
    ax.set_ylim(0, 1)
    ax.set_ylabel("agreement with the others")
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.12 if len(rows) <= 6 else -0.3), ncol=3, fontsize=7, frameon=False
    )
    return _svg(fig)


def confusion_chart(report: dict) -> str:
    conf = report["stance"]["confusion"]
    m = np.array(conf["matrix"], dtype=float)
    if not m.size or m.sum() == 0:
        return _empty("No two annotators have labelled the same actor and claim yet.")
    fig, ax = plt.subplots(figsize=(3.6, 3.2))
    im = ax.imshow(m, cmap="Blues")
    labels = conf["labels"]
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("other annotator")
    ax.set_ylabel("annotator")
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(
                j, i, f"{int(m[i, j])}", ha="center", va="center", color="white" if m[i, j] > m.max() / 2 else "black"
            )
    fig.colorbar(im, ax=ax, shrink=0.8)
    return _svg(fig)


def over_time_chart(report: dict) -> str:
    rows = [r for r in report["by_week"] if r["week"] != "unknown"]
    if not rows:
        return _empty("No dated units yet.")
    fig, ax = plt.subplots(figsize=(6, 2.6))
    x = np.arange(len(rows))
    for key, label, color in (
        ("alpha_stance_bearing", "α stance-bearing", "#0b5cad"),
        ("alpha_stance", "α stance", "#1a7f37"),
        ("triple_f1", "statement F1", "#8250df"),
    ):
        ax.plot(x, [r[key] if r[key] is not None else np.nan for r in rows], marker="o", label=label, color=color)
    ax.axhline(0.8, color="#999", lw=0.8, ls="--")
    ax.axhline(0.667, color="#bbb", lw=0.8, ls=":")
    ax.set_xticks(x, [r["week"] for r in rows], rotation=30, ha="right")
    lowest = min(
        [0.0] + [r[k] for r in rows for k in ("alpha_stance_bearing", "alpha_stance", "triple_f1") if r[k] is not None]
    )
    ax.set_ylim(lowest - 0.05 if lowest < 0 else 0, 1)
    ax.set_ylabel("agreement")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3, fontsize=7, frameon=False)
    return _svg(fig)


def all_charts(report: dict) -> dict[str, str]:
    return {
        "per_annotator": per_annotator_chart(report),
        "confusion": confusion_chart(report),
        "over_time": over_time_chart(report),
    }
