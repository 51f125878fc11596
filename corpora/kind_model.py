"""The learned paragraph-kind model at import time (no Django, no scikit-learn: numpy only).

Two multinomial logistic regressions, trained by ``corpora.kind_training`` and stored as plain
numbers in a JSON file (``corpora/kind_model.json`` ships with the repository):

1. stage 1 scores each paragraph on its own features (``corpora.kind_features``, which include the
   kinds the rules chose and the patterns that fired);
2. stage 2 (the smoothing pass) scores it again with, in addition, its own stage-1 probabilities,
   those of its neighbours (one and two before and after) and the mean body probability of the
   paragraphs before and after it: comments come in runs, a footer zone at the end holds several
   kinds, a caption sits between body paragraphs.

``KindModel.predict`` returns (kind, probability) per paragraph; ``kinds_with_reasons`` adds the
"why": the rule that fired and the model's score.
"""

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import numpy as np

from . import kinds as rules
from .kind_features import KINDS, NAMES, article_features

DEFAULT_PATH = Path(__file__).resolve().parent / "kind_model.json"
FORMAT = "standpoint-kind-model/1"
STAGE2_EXTRA = (
    ["s1_" + k for k in KINDS]
    + ["prev_" + k for k in KINDS]
    + ["next_" + k for k in KINDS]
    + ["prev2_body", "next2_body", "before_body", "after_body", "prev3_body", "next3_body"]
)


@dataclass
class Linear:
    """Standardise, then softmax(x @ coef.T + intercept)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray

    def proba(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def as_dict(self) -> dict:
        return {name: np.round(getattr(self, name), 6).tolist() for name in ("mean", "scale", "coef", "intercept")}

    @classmethod
    def from_dict(cls, data: dict) -> "Linear":
        names = ("mean", "scale", "coef", "intercept")
        return cls(**{name: np.asarray(data[name], dtype=np.float64) for name in names})


def neighbour_features(p1: np.ndarray) -> np.ndarray:
    """Stage-2 additions for every paragraph from the stage-1 probabilities of the article (n x 7)."""
    n, k = p1.shape
    body = p1[:, 0]
    pad = np.zeros((2, k))
    padded = np.vstack([pad, p1, pad])
    prev, nxt = padded[1 : n + 1], padded[3 : n + 3]
    prev2, next2 = padded[0:n, 0], padded[4 : n + 4, 0]
    cumulative = np.concatenate([[0.0], np.cumsum(body)])
    index = np.arange(n)
    before = np.where(index > 0, cumulative[index] / np.maximum(index, 1), 0.0)
    after = np.where(index < n - 1, (cumulative[n] - cumulative[index + 1]) / np.maximum(n - 1 - index, 1), 0.0)
    window = np.concatenate([np.zeros(3), body, np.zeros(3)])
    # Means of three, summed left to right and divided by 3 as ndarray.mean does for three values.
    prev3 = (window[0:n] + window[1 : n + 1] + window[2 : n + 2]) / 3
    next3 = (window[4 : n + 4] + window[5 : n + 5] + window[6 : n + 6]) / 3
    return np.hstack([p1, prev, nxt, np.column_stack([prev2, next2, before, after, prev3, next3])])


@dataclass
class KindModel:
    stage1: Linear
    stage2: Linear
    info: dict = field(default_factory=dict)

    def for_source(self, *, source_name: str = "", url: str = "") -> "KindModel":
        return self

    @property
    def corrections(self) -> int:
        """How many managers' corrections this model learned from (0 for the shipped model)."""
        return int(self.info.get("corrections", 0))

    def proba(
        self, texts: Sequence[str], decisions: Sequence[rules.Decision], languages: Sequence[tuple[str, bool]]
    ) -> np.ndarray:
        x = np.asarray(article_features(texts, decisions, languages), dtype=np.float64)
        p1 = self.stage1.proba(x)
        return self.stage2.proba(np.hstack([x, neighbour_features(p1)]))

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "kinds": KINDS,
                "features": NAMES,
                "stage2_features": STAGE2_EXTRA,
                "info": self.info,
                "stage1": self.stage1.as_dict(),
                "stage2": self.stage2.as_dict(),
            },
            separators=(",", ":"),
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> "KindModel":
        data = json.loads(text)
        if data.get("format") != FORMAT or data.get("kinds") != KINDS or data.get("features") != NAMES:
            raise ValueError("This kind model was made for other features or kinds: retrain it (train_kind_model).")
        return cls(
            stage1=Linear.from_dict(data["stage1"]), stage2=Linear.from_dict(data["stage2"]), info=data.get("info", {})
        )


@lru_cache(maxsize=8)
def load(path: str | None = None) -> KindModel:
    return KindModel.from_json(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))


@lru_cache(maxsize=32)
def from_text(text: str) -> KindModel:
    """A model stored as JSON text (an installation's adapted model), parsed once per process."""
    return KindModel.from_json(text)


def kinds_with_reasons(
    model: KindModel | None,
    texts: Sequence[str],
    *,
    title: str = "",
    author: str = "",
    headings=(),
    languages: Sequence[tuple[str, bool]],
) -> list[rules.Decision]:
    """The rules' decisions, then the model's: each reason names the rule and the model's score.

    Without a model (``None``) the rules alone decide.
    """
    decisions = rules.detect_kinds(texts, title=title, author=author, headings=headings)
    if model is None or not texts:
        return decisions
    probabilities = model.proba(texts, decisions, languages)
    name = "adapted model" if model.info.get("adapted") else "model"
    out = []
    for decision, p in zip(decisions, probabilities, strict=True):
        best = int(p.argmax())
        kind, score = KINDS[best], float(p[best])
        if kind == decision.kind:
            reason = f"{decision.reason}; {name} {_pct(score)}"
        else:
            reason = f"{name}: {kind} {_pct(score)} (rules: {decision.kind}, {decision.reason})"
        out.append(rules.Decision(kind, reason[:200]))
    return out


def _pct(p: float) -> str:
    return f"{math.floor(p * 100)}%" if p < 0.995 else "99%"


_VARIABLE = re.compile(r"[0-9a-f]*\d[0-9a-f]*|\d+", re.I)


def source_key(*, source_name: str = "", url: str = "") -> str:
    """Where an article comes from, as adaptation matches it: the site (host without ``www.``)
    for a known URL, else the file pattern: its folder and name with every run of digits (and
    hex ids) replaced by ``*`` (``reuters/2024-03-01-story.html`` -> ``reuters/*-*-*-story.html``).
    A line number an import adds (``wire.jsonl:12``) is dropped."""
    host = urlsplit(url).hostname if url else None
    if host:
        return host.removeprefix("www.").lower()
    name = source_name.rsplit(":", 1)[0] if re.search(r":\d+$", source_name) else source_name
    path = PurePosixPath(name.replace("\\", "/"))
    stem = _VARIABLE.sub("*", path.stem)
    folder = _VARIABLE.sub("*", str(path.parent)) if str(path.parent) not in ("", ".") else ""
    return (f"{folder}/" if folder else "") + stem + path.suffix.lower()


@dataclass(frozen=True)
class ModelChoice:
    """Which model an import uses per document: an installation's adapted model (as JSON text, so
    it pickles cheaply to the import's worker processes) for the sources its corrections came
    from, the shipped model for everything else."""

    adapted_json: str = ""
    sources: frozenset[str] = frozenset()
    rules_only: bool = False  # no model at all: the baseline the figures compare with

    @classmethod
    def default(cls) -> "ModelChoice":
        return cls()

    def for_source(self, *, source_name: str = "", url: str = "") -> KindModel | None:
        if self.rules_only:
            return None
        if self.adapted_json and source_key(source_name=source_name, url=url) in self.sources:
            return from_text(self.adapted_json)
        return load()
