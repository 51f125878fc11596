"""Reading Label Studio files: which export format a file is, JSON_MIN back into JSON's shape, and an
annotation's (or a prediction's) `result` back into statements.

Plain Python (no Django, no database), the inverse of `annotation.label_studio_format`. Errors name
the task and the field at fault (`LabelStudioFormatError`).

Pre-label regions that never became statements: Label Studio copies every predicted region into the
annotation; one the annotator left as it was (every item still `origin: "prediction"`) and that lacks
a claim, stance or canonical actor is not a statement. It is skipped and counted (`ignored_regions`),
never an error. An incomplete region the annotator touched is an error: it is their work, half done.
"""

from dataclasses import dataclass, field

import orjson

from .label_studio_format import NO_STATEMENT, ROLES, LabelStudioFormatError

CONTROLS = ("actor", "evidence", "actor_ref", "claim", "stance", "note")

# Label Studio's other export formats, recognised so the refusal can say what the file is.
_OTHER_FORMATS = (
    (b"PK\x03\x04", "a ZIP archive (Label Studio's COCO, YOLO or other image export)"),
    (b"-DOCSTART-", "Label Studio's CoNLL 2003 export"),
    (b"<?xml", "an XML file (Label Studio's Pascal VOC export)"),
    (b"<annotation", "an XML file (Label Studio's Pascal VOC export)"),
)


@dataclass
class Parsed:
    no_statement: bool = False
    statements: list[dict] = field(default_factory=list)
    ignored_regions: int = 0


def load_tasks(source: bytes | str) -> tuple[str, list]:
    """(format, tasks in Label Studio's JSON shape) for a JSON or JSON_MIN export; other formats are
    refused by name."""
    raw = source.encode() if isinstance(source, str) else bytes(source)
    head = raw.lstrip()[:64]
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            raise LabelStudioFormatError("-", "(file)", f"this is {what}; export JSON (or JSON_MIN) from Label Studio")
    if head[:1] not in (b"[", b"{"):
        first = raw.lstrip().split(b"\n", 1)[0]
        kind = "TSV" if b"\t" in first else "CSV" if b"," in first else None
        if kind:
            raise LabelStudioFormatError(
                "-",
                "(file)",
                f"this is Label Studio's {kind} export; export JSON (or "
                "JSON_MIN) instead: a table cannot say which region a "
                "claim or stance belongs to",
            )
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise LabelStudioFormatError("-", "(file)", f"not valid JSON: {exc}") from None
    if isinstance(data, dict) and "data" not in data:
        raise LabelStudioFormatError("-", "(file)", "a Label Studio JSON export is a list of tasks")
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise LabelStudioFormatError("-", "(file)", "a Label Studio JSON export is a list of tasks")
    if data and all(
        isinstance(t, dict) and "data" not in t and ("annotation_id" in t or "annotator" in t) for t in data[:50]
    ):
        return "JSON_MIN", tasks_from_json_min(data)
    return "JSON", data


# ------------------------------------------------------------------------------------------------ JSON_MIN

_MIN_KEYS = {
    "id",
    "annotator",
    "annotation_id",
    "created_at",
    "updated_at",
    "lead_time",
    "agreement",
    *CONTROLS,
    "no_statement",
}


def tasks_from_json_min(records: list) -> list[dict]:
    """JSON_MIN has one flat record per annotation, the task's data at the top level and each control's
    values without region ids. Rebuild tasks: regions are joined to their statement by span; when
    that is ambiguous (two statements on one span, or stance values, which JSON_MIN strips of their
    span, for more than one statement) the annotation is marked `_refused` with the reason."""
    tasks: dict = {}
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            raise LabelStudioFormatError(f"#{i}", "(record)", "each JSON_MIN record must be an object")
        key = rec.get("id", f"#{i}")
        task = tasks.get(key)
        if task is None:
            task = tasks[key] = {
                "id": rec.get("id"),
                "data": {k: v for k, v in rec.items() if k not in _MIN_KEYS},
                "annotations": [],
            }
        if rec.get("annotation_id") is None:  # a task without annotations
            continue
        ann = {"id": rec.get("annotation_id"), "completed_by": rec.get("annotator"), "was_cancelled": False}
        try:
            ann["result"] = _result_from_min(rec)
        except ValueError as exc:
            ann["result"], ann["_refused"] = [], str(exc)
        task["annotations"].append(ann)
    return list(tasks.values())


def _listed(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _result_from_min(rec: dict) -> list[dict]:
    result: list[dict] = []
    anchors = [v for v in _listed(rec.get("actor")) if isinstance(v, dict)]
    spans: dict[tuple, str] = {}
    for i, v in enumerate(anchors):
        rid = f"m{i}"
        span = (v.get("start"), v.get("end"))
        if span in spans and span != (None, None):
            raise ValueError("JSON_MIN cannot tell apart two statements on the same span; export JSON")
        spans[span] = rid
        result.append({"id": rid, "from_name": "actor", "type": "labels", "value": v})
    for name in ("actor_ref", "claim", "note", "stance"):
        values = _listed(rec.get(name))
        for v in values:
            if isinstance(v, dict) and (v.get("start"), v.get("end")) in spans:
                rid = spans[(v["start"], v["end"])]
            elif len(anchors) == 1 and len(values) == 1:
                rid = "m0"
                span = {"start": anchors[0].get("start"), "end": anchors[0].get("end")}
                v = {**span, "text": [v]} if name == "note" else {**span, "choices": [v]}
            else:
                raise ValueError(
                    f"JSON_MIN drops which region each {name} value belongs to, and this annotation "
                    f"has {len(anchors)} statements; export JSON"
                )
            result.append({"id": rid, "from_name": name, "type": "choices", "value": v})
    evidence = [v for v in _listed(rec.get("evidence")) if isinstance(v, dict)]
    for i, v in enumerate(evidence):
        if len(anchors) != 1 or len(evidence) != 1:
            raise ValueError("JSON_MIN drops the relation between a statement and its evidence; export JSON")
        result.append({"id": f"e{i}", "from_name": "evidence", "type": "labels", "value": v})
        result.append({"type": "relation", "from_id": "m0", "to_id": f"e{i}"})
    if NO_STATEMENT in _listed(rec.get("no_statement")):
        result.append(
            {"id": "ns", "from_name": "no_statement", "type": "choices", "value": {"choices": [NO_STATEMENT]}}
        )
    return result


# ------------------------------------------------------------------------------------------------ results


def _one_value(value: dict, task: str, where: str, j: int, suffix: str) -> str:
    """The single choice, label or taxonomy leaf of a region's value."""
    values = value.get("choices") or value.get("labels") or value.get("taxonomy")
    if type(values) is list and len(values) == 1:
        first = values[0]
        if type(first) is str:
            return first
        if type(first) is list and first and type(first[-1]) is str:
            return first[-1]  # a taxonomy path: the leaf
    raise LabelStudioFormatError(task, f"{where}.result[{j}]{suffix}", "expected exactly one choice")


def _regions(result, *, text: str, task: str, where: str):
    """Group a result's items by region id: (anchors in order, evidence spans, relations, no_statement).

    Field names for errors are built only on error: this runs for every region of every annotation,
    which is also why it stays one loop: a function per region type would add calls per region."""
    if not isinstance(result, list):
        raise LabelStudioFormatError(task, f"{where}.result", "must be a list")
    anchors: dict[str, dict] = {}
    evidence: dict[str, tuple[int, int]] = {}
    relations: list[tuple[str, str, str]] = []
    no_statement = False
    length = len(text)

    def bad(j, suffix, message):
        return LabelStudioFormatError(task, f"{where}.result[{j}]{suffix}", message)

    for j, region in enumerate(result):
        if type(region) is not dict:
            raise bad(j, "", "must be an object")
        if region.get("type") == "relation":
            if type(region.get("from_id")) is not str or type(region.get("to_id")) is not str:
                raise bad(j, "", "a relation needs from_id and to_id")
            relations.append((region["from_id"], region["to_id"], f"{where}.result[{j}]"))
            continue
        name = region.get("from_name")
        value = region.get("value")
        if name == "no_statement":
            no_statement = (
                _one_value(value if type(value) is dict else {}, task, where, j, ".value.choices") == NO_STATEMENT
            )
            continue
        if name not in CONTROLS:
            raise bad(j, ".from_name", f"unknown control {name!r} (not our config)")
        rid = region.get("id")
        if type(rid) is not str or not rid:
            raise bad(j, ".id", "missing region id")
        if type(value) is not dict:
            raise bad(j, ".value", "must be an object")
        start, end = value.get("start"), value.get("end")
        if not (type(start) is int and type(end) is int and 0 <= start < end <= length):
            raise bad(j, ".value.start", f"span {start!r}..{end!r} is not inside the text (length {length})")
        if name == "evidence":
            evidence[rid] = (start, end)
            continue
        entry = anchors.get(rid)
        if entry is None:
            entry = anchors[rid] = {"span": None, "touched": False, "score": None}
        if region.get("origin", "manual") != "prediction":
            entry["touched"] = True
        score = region.get("score")
        if score is not None and type(score) in (int, float):
            entry["score"] = float(score)
        if name == "actor":
            role = _one_value(value, task, where, j, ".value.labels")
            if role not in ROLES:
                raise bad(j, ".value.labels", f"unknown actor role {role!r}")
            entry["role"], entry["span"] = role, (start, end)
        elif name == "note":
            texts = value.get("text")
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                raise bad(j, ".value.text", "must be a list of strings")
            entry["note"] = "\n".join(texts)
        else:
            entry[name] = _one_value(value, task, where, j, ".value")
    return anchors, evidence, relations, no_statement


def _links(anchors, evidence, relations, task):
    links: dict[str, str] = {}
    for from_id, to_id, fld in relations:
        if from_id in evidence and to_id in anchors:  # drawn the other way round
            from_id, to_id = to_id, from_id
        if from_id not in anchors or to_id not in evidence:
            raise LabelStudioFormatError(
                task, fld, f"relation {from_id}->{to_id} does not join a statement to an evidence region"
            )
        links[from_id] = to_id
    return links


def _missing(entry: dict) -> str | None:
    for key in ("role", "claim", "stance"):
        if key not in entry:
            return "actor" if key == "role" else key
    if entry["role"] == "mention" and not entry.get("actor_ref"):
        return "actor_ref"
    return None


def parse_annotation(result, *, text: str, task: str, where: str) -> Parsed:
    """One annotation's `result` -> statements (registry names, not ids), its `no statement` choice and
    the number of untouched, incomplete pre-label regions left out."""
    anchors, evidence, relations, no_statement = _regions(result, text=text, task=task, where=where)
    links = _links(anchors, evidence, relations, task)
    out = Parsed(no_statement=no_statement)
    for rid, entry in anchors.items():
        missing = _missing(entry)
        if missing and not entry["touched"]:
            out.ignored_regions += 1
            continue
        if missing:
            message = (
                "a mention needs a canonical actor ('actor_ref')"
                if missing == "actor_ref"
                else f"statement region has no {missing!r} value"
            )
            raise LabelStudioFormatError(task, f"{where}.result (region {rid})", message)
        role, span = entry["role"], entry["span"]
        ev = evidence.get(links.get(rid, ""))
        out.statements.append(
            {
                "actor_role": role,
                "actor": entry.get("actor_ref"),
                "actor_start": span[0] if role == "mention" else None,
                "actor_end": span[1] if role == "mention" else None,
                "claim": entry["claim"],
                "stance": entry["stance"],
                "evidence_start": ev[0] if ev else None,
                "evidence_end": ev[1] if ev else None,
                "note": entry.get("note", ""),
            }
        )
    return out


def parse_prediction(prediction, *, text: str, task: str, where: str) -> tuple[str, str, list[dict]]:
    """One Label Studio prediction -> (model name, model version, suggestions).

    `model_version` "keywords@1" (what our export and push write) is model "keywords", version "1";
    any other string is a model of that name, version "imported". Each region is one suggestion:
    kind `stance` with a stance, `claim` with a claim, else `actor` (a mention with its actor)."""
    if not isinstance(prediction, dict):
        raise LabelStudioFormatError(task, where, "must be an object")
    mv = str(prediction.get("model_version") or "label-studio")
    name, _, version = mv.rpartition("@") if "@" in mv else (mv, "", "imported")
    score = prediction.get("score")
    default_score = float(score) if isinstance(score, (int, float)) else 0.5
    anchors, _, _, _ = _regions(prediction.get("result") or [], text=text, task=task, where=where)
    suggestions = []
    for entry in anchors.values():
        role, span = entry.get("role"), entry["span"]
        mention = role == "mention" and span is not None
        kind = "stance" if entry.get("stance") else "claim" if entry.get("claim") else "actor"
        if kind == "actor" and not (mention and entry.get("actor_ref")):
            continue
        suggestions.append(
            {
                "kind": kind,
                "score": min(max(entry["score"] if entry["score"] is not None else default_score, 0.0), 1.0),
                "actor": entry.get("actor_ref"),
                "start": span[0] if mention else None,
                "end": span[1] if mention else None,
                "surface": text[span[0] : span[1]] if mention else "",
                "claim": entry.get("claim"),
                "stance": entry.get("stance"),
            }
        )
    return name[:100], version[:100], suggestions
