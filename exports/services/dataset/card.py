"""The dataset card (README.md) of an export, written from its manifest with the template
exports/dataset_card.md (plain text, not HTML: autoescape is off there). Deterministic text."""

from django.template.loader import render_to_string


def _table(rows: list[list], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _figure(value: dict) -> str:
    text = "n/a" if value.get("value") is None else f"{value['value']:.3f}"
    low, high = value.get("ci_low"), value.get("ci_high")
    if low is not None and high is not None:
        text += f" (95% CI {low:.3f}–{high:.3f})"
    if value.get("n_units") is not None:
        text += f", {value['n_units']} units"
    if value.get("reading"):
        text += f": {value['reading']}"
    return text


def _agreement_lines(agreement: dict) -> str:
    """The agreement issue's headline figures (exports.services.agreement.agreement_summary)."""
    if not agreement or agreement.get("available") is False:
        return agreement.get("note", "No agreement summary was available.") if agreement else "No agreement summary."
    lines = []
    if agreement.get("units") is not None:
        lines.append(
            f"Paragraphs with two or more annotations: {agreement['units']}; annotators: {agreement.get('annotators')}."
        )
    for key, value in sorted((agreement.get("alpha") or {}).items()):
        if isinstance(value, dict):
            lines.append(f"- Krippendorff's alpha, {key.removeprefix('alpha_').replace('_', ' ')}: {_figure(value)}")
    for key, label in (
        ("fleiss_kappa", "Fleiss' kappa (stance)"),
        ("stance_percent_agreement", "Stance percent agreement"),
        ("triple_f1", "Pairwise F1 over (actor, claim, stance)"),
    ):
        if isinstance(agreement.get(key), (int, float)):
            lines.append(f"- {label}: {agreement[key]:.3f}")
    spans = agreement.get("actor_span_f1") or {}
    if isinstance(spans.get("exact"), (int, float)):
        lines.append(f"- Actor span F1: exact {spans['exact']:.3f}, overlapping {spans.get('overlap') or 0:.3f}")
    lines.append(
        "Usual reading: alpha >= 0.8 reliable; 0.667-0.8 for tentative conclusions only. "
        "Full figures: `agreement` in manifest.json."
    )
    return "\n".join(lines)


HF_SPLIT = {"train": "train", "dev": "validation", "test": "test"}  # Hugging Face's names for the splits


def _loading_lines(m: dict) -> str:
    """How to load the files, naming only files that exist and splits that have rows."""
    files, empty = m["files"], m.get("empty_splits", {})
    full = [s for s in HF_SPLIT if s not in empty and m["splits"][s]["paragraphs"]]
    lines = []
    for fmt, ext in (("parquet", "parquet"), ("json", "jsonl")):
        if full and all(f"{s}.{ext}" in files for s in full):
            data_files = ", ".join(f'"{HF_SPLIT[s]}": "{s}.{ext}"' for s in full)
            lines.append(f'- Hugging Face: `datasets.load_dataset("{fmt}", data_files={{{data_files}}})`')
            if ext == "parquet":
                lines.append(f'- pandas: `pandas.read_parquet("{full[0]}.parquet")`')
            break
    if not full:
        lines.append("- No split has rows, so there is nothing to load with `datasets`; the files are empty.")
    spacy = sorted(n for n in files if n.startswith("spacy/") and files[n]["rows"])
    if spacy:
        lines.append(f'- spaCy: `spacy.tokens.DocBin().from_disk("{spacy[0]}")`')
    if "discourse_network.graphml" in files:
        lines.append('- networkx: `networkx.read_graphml("discourse_network.graphml")`')
    if "label_studio.json" in files:
        lines.append(
            "- `label_studio.json` imports into a Label Studio project created with `label_studio_config.xml`."
        )
    return "\n".join(lines)


def _empty_lines(m: dict) -> str:
    empty = m.get("empty_splits", {})
    if not empty:
        return "Every split has rows."
    return "\n".join(
        [f"- **{name} is empty**: {why}." for name, why in empty.items()]
        + ["Empty splits still have their (empty) files, but the loading lines below leave them out."]
    )


def dataset_card(m: dict) -> str:
    """The card's text; the tables and lists are built here, the prose is in the template."""
    p = m["params"]
    splits = m["splits"]
    stances = m["registries"]["stances"]
    labels = sorted({lab for s in splits.values() for lab in s["labels"]}, key=lambda x: (x not in stances, x))
    split_rows = [
        [name, s["articles"], s["paragraphs"], s["statements"]] + [s["labels"].get(lab, 0) for lab in labels]
        for name, s in splits.items()
    ]
    files = [
        [f"`{name}`", f["unit"], f["rows"], f["bytes"], f"`{f['sha256'][:16]}…`"]
        for name, f in sorted(m["files"].items())
    ]
    gold = {
        "adjudicated": "adjudicated gold only (paragraphs without an adjudication are left out)",
        "majority": "adjudicated gold first, then a majority vote of the annotators per actor and claim",
        "model": "adjudicated gold first, then a model-based aggregation weighing annotators by reliability",
    }
    filters = [
        f"articles {p['article_ids']}" if p["article_ids"] else None,
        f"published from {p['published_from']}" if p["published_from"] else None,
        f"published up to {p['published_to']}" if p["published_to"] else None,
        f"paragraph agreement at least {p['min_agreement']}" if p["min_agreement"] is not None else None,
    ]
    filters = [f for f in filters if f] or ["none"]
    return render_to_string(
        "exports/dataset_card.md",
        {
            "m": m,
            "p": p,
            "c": m["counts"],
            "stances": ", ".join(stances),
            "gold": gold[p["gold_strategy"]],
            "gold_methods": ", ".join(f"{k} {v}" for k, v in m["counts"]["gold_methods"].items()) or "none",
            "filters": "; ".join(filters),
            "split_table": _table(split_rows, ["split", "articles", "paragraphs", "statements"] + labels),
            "agreement": _agreement_lines(m["agreement"]),
            "loading": _loading_lines(m),
            "empty_splits": _empty_lines(m),
            "file_table": _table(files, ["file", "row is a", "rows", "bytes", "sha256"]),
        },
    )
