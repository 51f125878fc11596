"""The dataset card (README.md) of an export, written from its manifest. Deterministic text."""


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
        lines.append(f"Paragraphs with two or more annotations: {agreement['units']}; annotators: "
                     f"{agreement.get('annotators')}.")
    for key, value in sorted((agreement.get("alpha") or {}).items()):
        if isinstance(value, dict):
            lines.append(f"- Krippendorff's alpha, {key.removeprefix('alpha_').replace('_', ' ')}: {_figure(value)}")
    for key, label in (("fleiss_kappa", "Fleiss' kappa (stance)"), ("stance_percent_agreement", "Stance percent agreement"),
                       ("triple_f1", "Pairwise F1 over (actor, claim, stance)")):
        if isinstance(agreement.get(key), (int, float)):
            lines.append(f"- {label}: {agreement[key]:.3f}")
    spans = agreement.get("actor_span_f1") or {}
    if isinstance(spans.get("exact"), (int, float)):
        lines.append(f"- Actor span F1: exact {spans['exact']:.3f}, overlapping {spans.get('overlap') or 0:.3f}")
    lines.append("Usual reading: alpha >= 0.8 reliable; 0.667-0.8 for tentative conclusions only. "
                 "Full figures: `agreement` in manifest.json.")
    return "\n".join(lines)


def dataset_card(m: dict) -> str:
    p = m["params"]
    splits = m["splits"]
    stances = m["registries"]["stances"]
    labels = sorted({lab for s in splits.values() for lab in s["labels"]}, key=lambda x: (x not in stances, x))
    split_rows = [[name, s["articles"], s["paragraphs"], s["statements"]] + [s["labels"].get(lab, 0) for lab in labels]
                  for name, s in splits.items()]
    files = [[f"`{name}`", f["unit"], f["rows"], f["bytes"], f"`{f['sha256'][:16]}…`"] for name, f in sorted(m["files"].items())]
    gold = {"adjudicated": "adjudicated gold only (paragraphs without an adjudication are left out)",
            "majority": "adjudicated gold first, then a majority vote of the annotators per actor and claim",
            "model": "adjudicated gold first, then a model-based aggregation weighing annotators by reliability"}
    filters = [f"articles {p['article_ids']}" if p["article_ids"] else None,
               f"published from {p['published_from']}" if p["published_from"] else None,
               f"published up to {p['published_to']}" if p["published_to"] else None,
               f"paragraph agreement at least {p['min_agreement']}" if p["min_agreement"] is not None else None]
    filters = [f for f in filters if f] or ["none"]
    c = m["counts"]
    return f"""# {m['project']['name']}: dataset version {m['version']}

Actor–claim–stance statements annotated in news paragraphs with Standpoint. Each paragraph of an
article was labelled by annotators with **statements**: an actor (a span of the paragraph linked
to a canonical actor, the article's author, or an implied actor), a claim from the project's claim
list, and the actor's stance on it ({", ".join(stances)}).

## Contents
- {c['paragraphs']} paragraphs from {c['articles']} articles, {c['statements']} gold statements.
- Gold: {gold[p['gold_strategy']]}. Gold method per paragraph: {", ".join(f"{k} {v}" for k, v in c['gold_methods'].items()) or "none"}.
- Filters: {"; ".join(filters)}. Left out: {c['skipped_without_gold']} paragraphs without a gold decision
  (e.g. ties), {c['skipped_below_min_agreement']} below the agreement threshold.
- Raw per-annotator annotations included: {"yes" if p['include_annotations'] else "no"}; pre-labels included:
  {"yes" if p['include_predictions'] else "no"}. Annotators appear as stable pseudonyms ({c['annotators']}
  annotators); no usernames or emails are included.
- Annotation guidelines version {m['guidelines_version']}.

## Splits
Grouped by article (no article is in two splits), stratified by stance as far as the grouping
allows; ratios {p['split_ratios']}, seed {p['seed']}.

{_table(split_rows, ["split", "articles", "paragraphs", "statements"] + labels)}

## Agreement
{_agreement_lines(m['agreement'])}

## Files
{_table(files, ["file", "row is a", "rows", "bytes", "sha256"])}

Full hashes are in `manifest.json`. Offsets (`actor_start`, `actor_end`, `evidence_start`,
`evidence_end`) are character offsets into the paragraph's `text`; the paragraph's `start`/`end`
are offsets into its article.

Loading: `datasets.load_dataset("parquet", data_files={{"train": "train.parquet", "validation":
"dev.parquet", "test": "test.parquet"}})`, `pandas.read_parquet("train.parquet")`,
`spacy.tokens.DocBin().from_disk("spacy/train-000.spacy")`, `networkx.read_graphml("discourse_network.graphml")`;
`label_studio.json` imports into a Label Studio project created with `label_studio_config.xml`.

## Known limits
- Stance is only as reliable as the agreement above; statements on which annotators tied are left out.
- Implied and author actors have no span; spaCy and Label Studio anchor them on the evidence or the
  whole paragraph.
- Splits are stratified with the stance counts known before aggregation; per-split counts above are exact.
- The corpus reflects the sources imported into the project; it is not a balanced sample of the news.

Built by {m['code_version']}, export schema {m['schema_version']}.
"""
