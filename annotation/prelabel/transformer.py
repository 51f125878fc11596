"""Optional stance model from a local Hugging Face directory, configured per project.

Two kinds of model are understood, told apart by the labels in the model's config:
- a zero-shot NLI model (labels include "entailment"): for each stance label a hypothesis such as
  "Russia supports: the pipeline deal is good" is scored; the entailment probabilities are
  normalised over the stance labels;
- a fine-tuned sequence classifier whose labels are stance values ("favor", "against", ...): the
  input is the pair (paragraph, "actor: claim") and the softmax over the known labels is returned.
Runs on a GPU when torch sees one. Only directories under the allowed root may be loaded, so a
project setting cannot make a worker read arbitrary paths.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .base import ModelUnavailable
from .stance import pair_text

HYPOTHESES = {
    "favor": "{actor} supports the claim that {claim}.",
    "against": "{actor} opposes the claim that {claim}.",
    "neutral": "{actor} is neutral on the claim that {claim}.",
    "unclear": "It is unclear what {actor} thinks of the claim that {claim}.",
}


def resolve_model_dir(path: str | Path, allowed_root: str | Path) -> Path:
    """The directory, resolved, if it lies under `allowed_root` and holds a config.json."""
    root = Path(allowed_root).resolve()
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = root / candidate
    candidate = candidate.resolve()
    if not candidate.is_relative_to(root):
        raise ModelUnavailable(f"Model directory {path} is outside the allowed model directory {root}.")
    if not (candidate / "config.json").is_file():
        raise ModelUnavailable(f"Model directory {candidate} has no config.json (not a Hugging Face model).")
    return candidate


class TransformerStance:
    name = "stance-transformer"

    def __init__(
        self,
        model_dir: str | Path,
        *,
        allowed_root: str | Path,
        stance_labels: Sequence[str],
        device: str | None = None,
        batch_size: int = 16,
        max_length: int = 256,
    ):
        self.model_dir = resolve_model_dir(model_dir, allowed_root)
        self.stance_labels = list(stance_labels)
        self.device = device
        self.batch_size = batch_size
        self.max_length = max_length
        config = json.loads((self.model_dir / "config.json").read_text())
        self.id2label = {int(k): str(v).lower() for k, v in (config.get("id2label") or {}).items()}
        self.mode = "nli" if "entailment" in self.id2label.values() else "classifier"
        if self.mode == "classifier" and not set(self.id2label.values()) & set(self.stance_labels):
            raise ModelUnavailable(
                f"{self.model_dir}: its labels {sorted(self.id2label.values())} include none of "
                f"the project's stance labels {self.stance_labels}."
            )
        digest = hashlib.sha256((self.model_dir / "config.json").read_bytes()).hexdigest()[:8]
        self.version = f"{self.model_dir.name}-{self.mode}-{digest}"
        self.model = self.tokenizer = None

    def load(self) -> None:
        if self.model is not None:
            return
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir, local_files_only=True)
            self.model = AutoModelForSequenceClassification.from_pretrained(self.model_dir, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(f"Cannot load the model in {self.model_dir}: {exc}") from exc
        self.device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model.to(self.device).eval()
        self._torch = torch

    def _logits(self, first: list[str], second: list[str]) -> np.ndarray:
        rows = []
        with self._torch.inference_mode():
            for i in range(0, len(first), self.batch_size):
                enc = self.tokenizer(
                    first[i : i + self.batch_size],
                    second[i : i + self.batch_size],
                    truncation=True,
                    max_length=self.max_length,
                    padding=True,
                    return_tensors="pt",
                ).to(self.device)
                rows.append(self.model(**enc).logits.float().cpu().numpy())
        return np.vstack(rows) if rows else np.zeros((0, len(self.id2label)))

    def predict_pairs(
        self, paragraphs: Sequence[str], actors: Sequence[str], claims: Sequence[str]
    ) -> tuple[list[str], np.ndarray]:
        """Probabilities over stance labels for each (paragraph, actor, claim); returns (labels, probs)."""
        self.load()
        if self.mode == "classifier":
            labels = [self.id2label[i] for i in sorted(self.id2label) if self.id2label[i] in self.stance_labels]
            keep = [i for i in sorted(self.id2label) if self.id2label[i] in self.stance_labels]
            logits = self._logits(list(paragraphs), [pair_text(a, c) for a, c in zip(actors, claims, strict=True)])[
                :, keep
            ]
            return labels, _softmax(logits)
        labels = [lab for lab in self.stance_labels if lab in HYPOTHESES]
        entail = next(i for i, v in self.id2label.items() if v == "entailment")
        firsts, seconds = [], []
        for paragraph, actor, claim in zip(paragraphs, actors, claims, strict=True):
            for lab in labels:
                firsts.append(paragraph)
                seconds.append(HYPOTHESES[lab].format(actor=actor, claim=claim.rstrip(".")))
        logits = self._logits(firsts, seconds)
        entail_logit = logits[:, entail].reshape(len(paragraphs), len(labels)) if len(labels) else logits
        return labels, _softmax(entail_logit)


def _softmax(x: np.ndarray) -> np.ndarray:
    if x.size == 0:
        return x
    z = np.exp(x - x.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)
