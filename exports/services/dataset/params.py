"""The parameters of a dataset version: defaults, validation, one canonical form."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from exports.builders import FORMATS
from exports.splits import normalise_ratios

GOLD_STRATEGIES = ("adjudicated", "majority", "model")
DEFAULT_PARAMS = {
    "formats": ["jsonl", "csv", "parquet", "spacy", "label_studio", "graphml"],
    "gold_strategy": "majority",
    "include_annotations": False,
    "include_predictions": False,
    "article_ids": None,
    "published_from": None,
    "published_to": None,
    "min_agreement": None,
    "split_ratios": [0.8, 0.1, 0.1],
    "seed": 13,
}


def normalise_params(raw: dict | None) -> dict:
    """Fill defaults and validate; raises ValidationError naming the field. Output is canonical."""
    raw = dict(raw or {})
    unknown = set(raw) - set(DEFAULT_PARAMS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: ["Unknown export parameter."]})
    p = {**DEFAULT_PARAMS, **{k: v for k, v in raw.items() if v is not None}}
    formats = p["formats"]
    if isinstance(formats, str):
        formats = [x.strip() for x in formats.split(",") if x.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValidationError({"formats": [f"Choose from {', '.join(FORMATS)}; got {bad or 'nothing'}."]})
    # JSONL is always written: diffs between versions and the dataset card read it.
    p["formats"] = sorted(set(formats) | {"jsonl"}, key=FORMATS.index)
    if p["gold_strategy"] not in GOLD_STRATEGIES:
        raise ValidationError({"gold_strategy": [f"Choose from {', '.join(GOLD_STRATEGIES)}."]})
    try:
        p["split_ratios"] = [round(r, 6) for r in normalise_ratios(p["split_ratios"])]
    except (TypeError, ValueError) as exc:
        raise ValidationError({"split_ratios": [str(exc)]}) from None
    try:
        p["seed"] = int(p["seed"])
        if p["min_agreement"] is not None:
            p["min_agreement"] = float(p["min_agreement"])
            if not 0 <= p["min_agreement"] <= 1:
                raise ValueError
    except (TypeError, ValueError):
        raise ValidationError({"min_agreement": ["A number between 0 and 1."]}) from None
    if p["article_ids"] is not None:
        try:
            p["article_ids"] = sorted({int(a) for a in p["article_ids"]})
        except (TypeError, ValueError):
            raise ValidationError({"article_ids": ["A list of article ids."]}) from None
    for key in ("published_from", "published_to"):
        if p[key] is not None:
            try:
                p[key] = timezone.datetime.fromisoformat(str(p[key])).date().isoformat()
            except ValueError:
                raise ValidationError({key: ["A date as YYYY-MM-DD."]}) from None
    p["include_annotations"] = bool(p["include_annotations"])
    p["include_predictions"] = bool(p["include_predictions"])
    return dict(sorted(p.items()))
