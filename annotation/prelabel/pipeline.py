"""The whole pre-labelling pass over a batch of paragraphs: actors, claims, then stance.

Each paragraph is embedded once; the vector serves the claim suggester and the stance classifier.
Stance is predicted for the pairs (actor found in the paragraph, claim suggested for it), at most
`max_actors` x `max_claims` per paragraph, and the paragraph's uncertainty is the highest
uncertainty among its pairs (None when no stance model applies).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .actors import ActorTagger
from .base import ActorEntry, ClaimEntry, Suggestion
from .claims import ClaimSuggester
from .stance import StanceClassifier, pair_text, uncertainty

PIPELINE_NAME = "standpoint-pipeline"


@dataclass(frozen=True)
class PipelineConfig:
    actors: tuple[ActorEntry, ...]
    claims: tuple[ClaimEntry, ...]
    claim_threshold: float = 0.45
    stance_labels: tuple[str, ...] = ("favor", "against", "neutral", "unclear")
    stance_version: str | None = None            # "3" for StanceModelVersion 3; None: no stance model yet
    stance_artifact: bytes | None = field(default=None, compare=False, repr=False)
    transformer_dir: str | None = None
    transformer_root: str | None = None
    max_actors: int = 3
    max_claims: int = 2
    candidates: bool = True


@dataclass
class ParagraphResult:
    suggestions: list[Suggestion]
    uncertainty: float | None = None


class PrelabelPipeline:
    name = PIPELINE_NAME

    def __init__(self, config: PipelineConfig, embedder):
        self.config = config
        self.embedder = embedder
        self.tagger = ActorTagger(config.actors, candidates=config.candidates)
        self.claims = ClaimSuggester(config.claims, embedder, threshold=config.claim_threshold,
                                     top_k=max(3, config.max_claims))
        self.stance = None
        if config.transformer_dir:
            from .transformer import TransformerStance
            self.stance = TransformerStance(config.transformer_dir, allowed_root=config.transformer_root or "/",
                                            stance_labels=config.stance_labels)
        elif config.stance_artifact and config.stance_version:
            self.stance = StanceClassifier(config.stance_artifact, version=f"v{config.stance_version}")
        self.actor_names = {a.key: a.name for a in config.actors}
        self._pair_vectors: dict[str, np.ndarray] = {}
        self.loaded = False

    @property
    def components(self) -> list[dict]:
        parts = [{"name": self.tagger.name, "version": self.tagger.version},
                 {"name": self.claims.name, "version": self.claims.version}]
        if self.stance is not None:
            parts.append({"name": self.stance.name, "version": self.stance.version})
        return parts

    @property
    def version(self) -> str:
        joined = "|".join(f"{c['name']}={c['version']}" for c in self.components)
        return hashlib.sha256(joined.encode()).hexdigest()[:12]

    def load(self) -> None:
        if self.loaded:
            return
        self.embedder.load()
        self.tagger.load()
        self.claims.load()
        if self.stance is not None:
            self.stance.load()
        self.loaded = True

    def run(self, texts: Sequence[str]) -> list[ParagraphResult]:
        self.load()
        texts = list(texts)
        vectors = self.embedder.encode(texts)
        actor_lists = self.tagger.predict(texts)
        claim_lists = self.claims.suggest_from_vectors(vectors)
        results = [ParagraphResult(suggestions=a + c) for a, c in zip(actor_lists, claim_lists)]
        if self.stance is not None:
            self._add_stance(texts, vectors, actor_lists, claim_lists, results)
        return results

    def _pairs(self, actors: list[Suggestion], claims: list[Suggestion]):
        first_mention: dict[str, Suggestion] = {}
        for s in actors:
            if s.kind == "actor" and s.label not in first_mention:
                first_mention[s.label] = s
        chosen = list(first_mention.values())[: self.config.max_actors]
        return [(a, c) for a in chosen for c in claims[: self.config.max_claims]]

    def _add_stance(self, texts, vectors, actor_lists, claim_lists, results) -> None:
        rows, pairs = [], []
        for i, (actors, claims) in enumerate(zip(actor_lists, claim_lists)):
            for actor, claim in self._pairs(actors, claims):
                rows.append(i)
                pairs.append((actor, claim))
        if not pairs:
            return
        actor_names = [self.actor_names.get(a.label, a.surface) for a, _ in pairs]
        claim_texts = [c.surface for _, c in pairs]
        if hasattr(self.stance, "predict_pairs"):
            labels, probs = self.stance.predict_pairs([texts[i] for i in rows], actor_names, claim_texts)
        else:
            keys = [pair_text(a, c) for a, c in zip(actor_names, claim_texts)]
            missing = sorted({k for k in keys if k not in self._pair_vectors})
            if missing:
                for key, vec in zip(missing, self.embedder.encode(missing)):
                    self._pair_vectors[key] = vec
            pair_vectors = np.vstack([self._pair_vectors[k] for k in keys])
            labels, probs = self.stance.labels, self.stance.predict_proba(vectors[rows], pair_vectors)
        if not labels:
            return
        unsure = uncertainty(probs)
        for row, (actor, claim), p, u in zip(rows, pairs, probs, unsure):
            best = int(np.argmax(p))
            results[row].suggestions.append(Suggestion(
                kind="stance", label=labels[best], score=round(float(p[best]), 4), start=actor.start, end=actor.end,
                surface=actor.surface, actor=actor.label, claim=claim.label,
                model_name=self.stance.name, model_version=self.stance.version))
            current = results[row].uncertainty
            results[row].uncertainty = float(u) if current is None else max(current, float(u))
