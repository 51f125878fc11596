"""Label Studio JSON: the labelling config for a project, tasks in and out of its format.

One statement becomes one *anchor* region from the `actor` Labels control, whose label is the
actor role (`mention`, `author`, `implied`):
  - mention: the region is the actor's span; author / implied: the region covers the whole paragraph;
  - per-region choices on the same region id give the canonical actor (`actor_ref`), the claim
    (`claim`) and the stance (`stance`), and an optional per-region `note`;
  - an evidence span, when there is one, is a separate `evidence` region joined to the anchor
    by a relation.
A paragraph judged to carry no statement has the `no_statement` choice. Region ids are
deterministic (`s0`, `e0`, ...), so the same rows give the same file.

`statements_from_result` is the inverse, used by the importer; it raises `LabelStudioFormatError`
naming the task and the field at fault.
"""

from collections import defaultdict
from xml.sax.saxutils import quoteattr

import orjson

from .base import FileResult, RowWriter

TEXT = "text"
ROLES = ("mention", "author", "implied")
NO_STATEMENT = "no statement"
ROLE_COLORS = {"mention": "#2563eb", "author": "#7c3aed", "implied": "#64748b"}


class LabelStudioFormatError(ValueError):
    def __init__(self, task: str, field: str, message: str):
        self.task, self.field, self.message = task, field, message
        super().__init__(f"task {task}, field {field}: {message}")


def label_config(*, actors: list[str], claims: list[str], stances: list[str]) -> str:
    """The labelling config (XML) for these registries; choices in the order given."""
    def choices(values):
        return "".join(f"\n      <Choice value={quoteattr(v)}/>" for v in values)

    roles = "".join(f"\n    <Label value={quoteattr(r)} background={quoteattr(ROLE_COLORS[r])}/>" for r in ROLES)
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
        '    <Header value="Canonical actor"/>\n'
        f'    <Choices name="actor_ref" toName="{TEXT}" perRegion="true" choice="single">{choices(actors)}\n    </Choices>\n'
        '    <Header value="Claim"/>\n'
        f'    <Choices name="claim" toName="{TEXT}" perRegion="true" choice="single">{choices(claims)}\n    </Choices>\n'
        '    <Header value="Stance"/>\n'
        f'    <Choices name="stance" toName="{TEXT}" perRegion="true" choice="single">{choices(stances)}\n    </Choices>\n'
        f'    <TextArea name="note" toName="{TEXT}" perRegion="true" editable="true" maxSubmissions="1"/>\n'
        "  </View>\n"
        "</View>\n"
    )


def validate_config(config: str) -> None:
    """Raise if Label Studio's own parser rejects the config."""
    from label_studio_sdk.label_interface import LabelInterface  # the SDK's validator, not a hand-written one

    LabelInterface(config).validate()


def _region(rid, start, end, text, from_name, value_key, value):
    return {"id": rid, "from_name": from_name, "to_name": TEXT, "type": from_name_type(from_name),
            "origin": "manual",
            "value": {"start": start, "end": end, "text": text[start:end], value_key: value}}


def from_name_type(from_name: str) -> str:
    return {"actor": "labels", "evidence": "labels", "actor_ref": "choices", "claim": "choices",
            "stance": "choices", "note": "textarea", "no_statement": "choices"}[from_name]


def result_for_statements(text: str, statements: list[dict], no_statement: bool = False) -> list[dict]:
    result = []
    for i, s in enumerate(statements):
        rid = f"s{i}"
        if s["actor_role"] == "mention":
            start, end = s["actor_start"], s["actor_end"]
        else:
            start, end = 0, len(text)
        result.append(_region(rid, start, end, text, "actor", "labels", [s["actor_role"]]))
        if s.get("actor"):
            result.append(_region(rid, start, end, text, "actor_ref", "choices", [s["actor"]]))
        if s.get("claim"):
            result.append(_region(rid, start, end, text, "claim", "choices", [s["claim"]]))
        if s.get("stance"):
            result.append(_region(rid, start, end, text, "stance", "choices", [s["stance"]]))
        if s.get("note"):
            result.append(_region(rid, start, end, text, "note", "text", [s["note"]]))
        if s.get("evidence_start") is not None:
            eid = f"e{i}"
            result.append(_region(eid, s["evidence_start"], s["evidence_end"], text, "evidence", "labels",
                                  ["evidence"]))
            result.append({"type": "relation", "from_id": rid, "to_id": eid, "direction": "right", "labels": []})
    if no_statement and not statements:
        result.append({"id": "ns", "from_name": "no_statement", "to_name": TEXT, "type": "choices",
                       "origin": "manual", "value": {"choices": [NO_STATEMENT]}})
    return result


def prediction_results(text: str, predictions: list[dict]) -> list[dict]:
    """Group pre-labels by model into Label Studio predictions. Only suggestions with a span map to regions."""
    by_model: dict[str, list[dict]] = defaultdict(list)
    for p in predictions:
        if p["start"] is not None and p["end"] is not None:
            by_model[f'{p["model"]}@{p["model_version"]}'].append(p)
    out = []
    for model in sorted(by_model):
        preds = by_model[model]
        result = []
        for i, p in enumerate(preds):
            rid = f"p{i}"
            result.append(_region(rid, p["start"], p["end"], text, "actor", "labels", ["mention"]))
            for name, key in (("actor_ref", "actor"), ("claim", "claim"), ("stance", "stance")):
                if p.get(key):
                    result.append(_region(rid, p["start"], p["end"], text, name, "choices", [p[key]]))
        score = round(sum(p["score"] for p in preds) / len(preds), 6)
        out.append({"model_version": model, "score": min(max(score, 0.0), 1.0), "result": result})
    return out


def task_for_row(row: dict, *, annotation_ids) -> dict:
    text = row["text"]
    annotations = [{
        "id": next(annotation_ids), "completed_by": "gold", "ground_truth": True, "was_cancelled": False,
        "gold_method": row["gold"]["method"],
        "result": result_for_statements(text, row["statements"], row["gold"]["no_statement"]),
    }] if row["gold"]["method"] else []
    for a in row.get("annotations") or []:
        annotations.append({
            "id": next(annotation_ids), "completed_by": a["annotator"], "ground_truth": False, "was_cancelled": False,
            "result": result_for_statements(text, a["statements"], a["no_statement"]),
        })
    task = {
        "id": row["task_id"],
        "data": {"text": text, "title": row["article"]["title"], "paragraph_id": row["id"], "task_id": row["task_id"],
                 "article_id": row["article"]["id"], "position": row["position"], "split": row["split"]},
        "annotations": annotations,
    }
    if row.get("predictions") is not None:
        task["predictions"] = prediction_results(text, row["predictions"])
    return task


class LabelStudioWriter(RowWriter):
    """`label_studio.json` (a JSON array written one task at a time) and `label_studio_config.xml`."""

    format = "label_studio"

    def __init__(self, folder, options):
        super().__init__(folder, options)
        self.config = label_config(actors=options["actors"], claims=options["claims"], stances=options["stances"])
        validate_config(self.config)
        (self.folder / "label_studio_config.xml").write_text(self.config, encoding="utf-8")
        self._f = open(self.folder / "label_studio.json", "wb", buffering=1 << 20)
        self._f.write(b"[")
        self._rows = 0
        self._ids = iter(range(1, 1 << 62))

    def write(self, row):
        self._f.write(b"\n" if self._rows == 0 else b",\n")
        self._f.write(orjson.dumps(task_for_row(row, annotation_ids=self._ids), option=orjson.OPT_SORT_KEYS))
        self._rows += 1

    def close(self):
        if not self._f.closed:
            self._f.write(b"\n]\n")
            self._f.close()
        return [FileResult("label_studio.json", self._rows, "task"),
                FileResult("label_studio_config.xml", 1, "config")]


# --------------------------------------------------------------------------------------------
# Inverse: Label Studio result -> statements (used by annotation.label_studio when importing).

def _first_choice(region: dict, task: str, field: str) -> str:
    values = region.get("value", {}).get("choices") or region.get("value", {}).get("labels")
    if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
        raise LabelStudioFormatError(task, field, "expected exactly one choice")
    return values[0]


def statements_from_result(result, *, text: str, task: str, where: str) -> tuple[bool, list[dict]]:
    """Parse one annotation's `result` list into (no_statement, statements with names, not ids)."""
    if not isinstance(result, list):
        raise LabelStudioFormatError(task, f"{where}.result", "must be a list")
    anchors: dict[str, dict] = {}
    order: list[str] = []
    evidence: dict[str, tuple[int, int]] = {}
    relations: list[tuple[str, str, str]] = []
    no_statement = False
    for j, region in enumerate(result):
        field = f"{where}.result[{j}]"
        if not isinstance(region, dict):
            raise LabelStudioFormatError(task, field, "must be an object")
        if region.get("type") == "relation":
            if not isinstance(region.get("from_id"), str) or not isinstance(region.get("to_id"), str):
                raise LabelStudioFormatError(task, field, "a relation needs from_id and to_id")
            relations.append((region["from_id"], region["to_id"], field))
            continue
        name = region.get("from_name")
        if name == "no_statement":
            no_statement = _first_choice(region, task, f"{field}.value.choices") == NO_STATEMENT
            continue
        if name not in ("actor", "evidence", "actor_ref", "claim", "stance", "note"):
            raise LabelStudioFormatError(task, f"{field}.from_name", f"unknown control {name!r} (not our config)")
        rid = region.get("id")
        if not isinstance(rid, str) or not rid:
            raise LabelStudioFormatError(task, f"{field}.id", "missing region id")
        value = region.get("value")
        if not isinstance(value, dict):
            raise LabelStudioFormatError(task, f"{field}.value", "must be an object")
        start, end = value.get("start"), value.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise LabelStudioFormatError(task, f"{field}.value.start",
                                         f"span {start!r}..{end!r} is not inside the text (length {len(text)})")
        if name == "evidence":
            evidence[rid] = (start, end)
            continue
        if rid not in anchors:
            anchors[rid] = {"span": None}
            order.append(rid)
        entry = anchors[rid]
        if name == "actor":
            role = _first_choice(region, task, f"{field}.value.labels")
            if role not in ROLES:
                raise LabelStudioFormatError(task, f"{field}.value.labels", f"unknown actor role {role!r}")
            entry["role"], entry["span"] = role, (start, end)
        elif name == "note":
            texts = value.get("text")
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                raise LabelStudioFormatError(task, f"{field}.value.text", "must be a list of strings")
            entry["note"] = "\n".join(texts)
        else:
            entry[name] = _first_choice(region, task, f"{field}.value.choices")
            entry.setdefault("span_from", (start, end))
    links: dict[str, str] = {}
    for from_id, to_id, field in relations:
        if from_id not in anchors or to_id not in evidence:
            raise LabelStudioFormatError(task, field, f"relation {from_id}->{to_id} does not join a statement "
                                                      "to an evidence region")
        links[from_id] = to_id
    statements = []
    for rid in order:
        entry = anchors[rid]
        where_s = f"{where}.result (region {rid})"
        for key in ("role", "claim", "stance"):
            if key not in entry:
                control = "actor" if key == "role" else key
                raise LabelStudioFormatError(task, where_s, f"statement region has no {control!r} value")
        role = entry["role"]
        actor_span = entry["span"] if role == "mention" else None
        if role == "mention" and not entry.get("actor_ref"):
            raise LabelStudioFormatError(task, where_s, "a mention needs a canonical actor ('actor_ref')")
        ev = evidence.get(links.get(rid, ""), None)
        statements.append({
            "actor_role": role, "actor": entry.get("actor_ref"),
            "actor_start": actor_span[0] if actor_span else None, "actor_end": actor_span[1] if actor_span else None,
            "claim": entry["claim"], "stance": entry["stance"],
            "evidence_start": ev[0] if ev else None, "evidence_end": ev[1] if ev else None,
            "note": entry.get("note", ""),
        })
    return no_statement, statements
