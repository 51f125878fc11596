"""Label Studio's task format: the labelling config for a project, tasks in and out of its format.

Plain Python (no Django, no database): the dataset export (`exports.builders.label_studio`) and push
write with it; `annotation.label_studio_read` is its inverse, so what we export is what we import.

One statement becomes one *anchor* region from the `actor` Labels control, whose label is the
actor role (`mention`, `author`, `implied`):
  - mention: the region is the actor's span; author / implied: the region covers the whole paragraph;
  - per-region values on the same region id give the canonical actor (`actor_ref`, a taxonomy),
    the claim (`claim`, a taxonomy) and the stance (`stance`, choices), and an optional `note`;
  - an evidence span, when there is one, is a separate `evidence` region joined to the anchor
    by a relation.
A paragraph judged to carry no statement has the `no_statement` choice. Region ids are
deterministic (`s0`, `e0`, ...), so the same rows give the same file.

Pre-labels become Label Studio predictions with `origin: "prediction"` regions (see
`prediction_results`).
"""

from collections import defaultdict
from xml.sax.saxutils import quoteattr

TEXT = "text"
ROLES = ("mention", "author", "implied")
NO_STATEMENT = "no statement"
GOLD = "gold"  # who made a ground-truth annotation, in task meta
ROLE_COLORS = {"mention": "#2563eb", "author": "#7c3aed", "implied": "#64748b"}


class LabelStudioFormatError(ValueError):
    def __init__(self, task: str, field: str, message: str):
        self.task, self.field, self.message = task, field, message
        super().__init__(f"task {task}, field {field}: {message}")


def label_config(*, actors: list[str], claims: list[str], stances: list[str]) -> str:
    """The labelling config (XML) for these registries; choices in the order given.

    Stance (a few buttons) and claim sit first under the selected region, then the canonical actor:
    claim and actor are `Taxonomy` controls, a searchable dropdown that stays usable with hundreds of
    entries, where `Choices` would render a column of checkboxes. An empty registry gives an empty
    taxonomy (which Label Studio accepts); an empty `Choices` is invalid, so it is left out.
    """

    def options(tag, values):
        return "".join(f"\n      <{tag} value={quoteattr(v)}/>" for v in values)

    roles = "".join(f"\n    <Label value={quoteattr(r)} background={quoteattr(ROLE_COLORS[r])}/>" for r in ROLES)
    stance = (
        (
            '    <Header value="Stance"/>\n'
            f'    <Choices name="stance" toName="{TEXT}" perRegion="true" choice="single" showInline="true">'
            f'{options("Choice", stances)}\n    </Choices>\n'
        )
        if stances
        else ""
    )
    return (
        "<View>\n"
        '  <Header value="$title"/>\n'
        f'  <Text name="{TEXT}" value="$text" granularity="symbol"/>\n'
        f'  <Labels name="actor" toName="{TEXT}" showInline="true">{roles}\n  </Labels>\n'
        f'  <Labels name="evidence" toName="{TEXT}" showInline="true">\n'
        '    <Label value="evidence" background="#f59e0b"/>\n  </Labels>\n'
        f'  <Choices name="no_statement" toName="{TEXT}" choice="single">\n'
        f"    <Choice value={quoteattr(NO_STATEMENT)}/>\n  </Choices>\n"
        '  <View visibleWhen="region-selected" whenTagName="actor">\n'
        f"{stance}"
        '    <Header value="Claim"/>\n'
        f'    <Taxonomy name="claim" toName="{TEXT}" perRegion="true" maxUsages="1" placeholder="Search claims">'
        f'{options("Choice", claims)}\n    </Taxonomy>\n'
        '    <Header value="Canonical actor"/>\n'
        f'    <Taxonomy name="actor_ref" toName="{TEXT}" perRegion="true" maxUsages="1" placeholder="Search actors">'
        f'{options("Choice", actors)}\n    </Taxonomy>\n'
        f'    <TextArea name="note" toName="{TEXT}" perRegion="true" editable="true" maxSubmissions="1"/>\n'
        "  </View>\n"
        "</View>\n"
    )


def validate_config(config: str) -> None:
    """Raise if Label Studio's own parser rejects the config."""
    from label_studio_sdk.label_interface import LabelInterface  # the SDK's validator, not a hand-written one

    LabelInterface(config).validate()


def _region(rid, start, end, text, from_name, value_key, value, *, origin="manual"):
    return {
        "id": rid,
        "from_name": from_name,
        "to_name": TEXT,
        "type": from_name_type(from_name),
        "origin": origin,
        "value": {"start": start, "end": end, "text": text[start:end], value_key: value},
    }


CONTROL_TYPES = {
    "actor": "labels",
    "evidence": "labels",
    "actor_ref": "taxonomy",
    "claim": "taxonomy",
    "stance": "choices",
    "note": "textarea",
    "no_statement": "choices",
}


def from_name_type(from_name: str) -> str:
    return CONTROL_TYPES[from_name]


def _anchor(
    result, rid, start, end, text, role, *, actor=None, claim=None, stance=None, note=None, origin="manual", score=None
):
    """One statement anchor: the actor region and the per-region values on the same region id."""
    regions = [_region(rid, start, end, text, "actor", "labels", [role], origin=origin)]
    if actor:
        regions.append(_region(rid, start, end, text, "actor_ref", "taxonomy", [[actor]], origin=origin))
    if claim:
        regions.append(_region(rid, start, end, text, "claim", "taxonomy", [[claim]], origin=origin))
    if stance:
        regions.append(_region(rid, start, end, text, "stance", "choices", [stance], origin=origin))
    if note:
        regions.append(_region(rid, start, end, text, "note", "text", [note], origin=origin))
    if score is not None:
        for r in regions:
            r["score"] = score
    result.extend(regions)


def result_for_statements(text: str, statements: list[dict], no_statement: bool = False) -> list[dict]:
    result = []
    for i, s in enumerate(statements):
        rid = f"s{i}"
        if s["actor_role"] == "mention":
            start, end = s["actor_start"], s["actor_end"]
        else:
            start, end = 0, len(text)
        _anchor(
            result,
            rid,
            start,
            end,
            text,
            s["actor_role"],
            actor=s.get("actor"),
            claim=s.get("claim"),
            stance=s.get("stance"),
            note=s.get("note"),
        )
        if s.get("evidence_start") is not None:
            eid = f"e{i}"
            result.append(
                _region(eid, s["evidence_start"], s["evidence_end"], text, "evidence", "labels", ["evidence"])
            )
            result.append({"type": "relation", "from_id": rid, "to_id": eid, "direction": "right", "labels": []})
    if no_statement and not statements:
        result.append(
            {
                "id": "ns",
                "from_name": "no_statement",
                "to_name": TEXT,
                "type": "choices",
                "origin": "manual",
                "value": {"choices": [NO_STATEMENT]},
            }
        )
    return result


def prediction_results(text: str, predictions: list[dict]) -> list[dict]:
    """Group pre-labels by model into Label Studio predictions, one region per suggestion.

    A suggestion with a span is a `mention` region there; a paragraph-level one (a claim, or a stance
    for an author or implied actor) is an `implied` region over the whole paragraph, so that claim
    and stance pre-labels reach the annotator too. Actor candidates without a span have no region.
    """
    by_model: dict[str, list[dict]] = defaultdict(list)
    for p in predictions:
        if p["start"] is not None and p["end"] is not None or p.get("claim"):
            by_model[f'{p["model"]}@{p["model_version"]}'].append(p)
    out = []
    for model in sorted(by_model):
        preds = by_model[model]
        result = []
        for i, p in enumerate(preds):
            spanned = p["start"] is not None and p["end"] is not None
            start, end = (p["start"], p["end"]) if spanned else (0, len(text))
            _anchor(
                result,
                f"p{i}",
                start,
                end,
                text,
                "mention" if spanned else "implied",
                actor=p.get("actor") if spanned or p.get("claim") else None,
                claim=p.get("claim"),
                stance=p.get("stance"),
                origin="prediction",
                score=round(min(max(p["score"], 0.0), 1.0), 6),
            )
        score = round(sum(p["score"] for p in preds) / len(preds), 6)
        out.append({"model_version": model, "score": min(max(score, 0.0), 1.0), "result": result})
    return out


def task_for_row(row: dict, *, annotation_ids) -> dict:
    """One Label Studio task that its Import dialog accepts: no `completed_by` (Label Studio credits
    the importing user; an unknown value is refused), gold marked `ground_truth`, and who made each
    annotation kept in the task's `meta` (Label Studio keeps task meta, not annotation meta), as
    pseudonyms keyed by the annotation's `id`, which Label Studio stores as its `import_id`."""
    text = row["text"]
    annotations, who = [], {}
    if row["gold"]["method"]:
        aid = next(annotation_ids)
        who[str(aid)] = GOLD
        annotations.append(
            {
                "id": aid,
                "ground_truth": True,
                "was_cancelled": False,
                "result": result_for_statements(text, row["statements"], row["gold"]["no_statement"]),
            }
        )
    for a in row.get("annotations") or []:
        aid = next(annotation_ids)
        who[str(aid)] = a["annotator"]
        annotations.append(
            {
                "id": aid,
                "ground_truth": False,
                "was_cancelled": False,
                "result": result_for_statements(text, a["statements"], a["no_statement"]),
            }
        )
    task = {
        "id": row["task_id"],
        "data": {
            "text": text,
            "title": row["article"]["title"],
            "paragraph_id": row["id"],
            "task_id": row["task_id"],
            "article_id": row["article"]["id"],
            "position": row["position"],
            "split": row["split"],
        },
        "meta": {"standpoint": {"annotators": who, "gold_method": row["gold"]["method"]}},
        "annotations": annotations,
    }
    if row.get("predictions") is not None:
        task["predictions"] = prediction_results(text, row["predictions"])
    return task
