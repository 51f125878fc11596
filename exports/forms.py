"""The page form for a new dataset version (the API has its own serializer)."""

from django import forms

from exports.builders import FORMATS
from exports.services.export import DEFAULT_PARAMS, GOLD_STRATEGIES

FORMAT_LABELS = {
    "jsonl": "JSON lines",
    "csv": "CSV (one row per statement)",
    "parquet": "Parquet",
    "spacy": "spaCy DocBin",
    "label_studio": "Label Studio JSON + config",
    "graphml": "Discourse network (GraphML)",
}
GOLD_LABELS = {
    "majority": "Adjudicated, then majority vote",
    "model": "Adjudicated, then model-based (Dawid–Skene)",
    "adjudicated": "Adjudicated only",
}


class DatasetVersionForm(forms.Form):
    formats = forms.MultipleChoiceField(
        choices=[(f, FORMAT_LABELS[f]) for f in FORMATS],
        initial=list(FORMATS),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="JSON lines are always included.",
    )
    gold_strategy = forms.ChoiceField(
        choices=[(g, GOLD_LABELS[g]) for g in GOLD_STRATEGIES], initial=DEFAULT_PARAMS["gold_strategy"]
    )
    include_annotations = forms.BooleanField(required=False, label="Include raw per-annotator annotations")
    include_predictions = forms.BooleanField(required=False, label="Include pre-labels")
    published_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    published_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    article_ids = forms.CharField(
        required=False, label="Only these article ids", help_text="Comma-separated; empty: all."
    )
    min_agreement = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        help_text="Leave out non-adjudicated paragraphs whose annotators agree less (0–1).",
    )
    train = forms.FloatField(initial=0.8, min_value=0)
    dev = forms.FloatField(initial=0.1, min_value=0)
    test = forms.FloatField(initial=0.1, min_value=0)
    seed = forms.IntegerField(initial=DEFAULT_PARAMS["seed"])

    def clean_article_ids(self):
        raw = self.cleaned_data["article_ids"].strip()
        if not raw:
            return None
        try:
            return [int(x) for x in raw.replace(" ", "").split(",") if x]
        except ValueError:
            raise forms.ValidationError("Article ids are whole numbers separated by commas.") from None

    def params(self) -> dict:
        d = self.cleaned_data
        return {
            "formats": d["formats"] or list(FORMATS),
            "gold_strategy": d["gold_strategy"],
            "include_annotations": d["include_annotations"],
            "include_predictions": d["include_predictions"],
            "published_from": d["published_from"].isoformat() if d["published_from"] else None,
            "published_to": d["published_to"].isoformat() if d["published_to"] else None,
            "article_ids": d["article_ids"],
            "min_agreement": d["min_agreement"],
            "split_ratios": [d["train"], d["dev"], d["test"]],
            "seed": d["seed"],
        }
