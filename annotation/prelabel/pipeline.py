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
from .statements import ACTOR_EXPONENT, statement_score

PIPELINE_NAME = "standpoint-pipeline"


@dataclass(frozen=True)
class PipelineConfig:
    actors: tuple[ActorEntry, ...]
    claims: tuple[ClaimEntry, ...]
    claim_threshold: float = 0.45
    stance_labels: tuple[str, ...] = ("favor", "against", "neutral", "unclear")
    stance_version: str | None = None  # "3" for StanceModelVersion 3; None: no stance model yet
    stance_artifact: bytes | None = field(default=None, compare=False, repr=False)
    transformer_dir: str | None = None
    transformer_root: str | None = None
    max_actors: int = 3
    max_claims: int = 2
    max_statements: int = 5
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
        self.claims = ClaimSuggester(
            config.claims, embedder, threshold=config.claim_threshold, top_k=max(3, config.max_claims)
        )
        self.stance = None
        if config.transformer_dir:
            from .transformer import TransformerStance

            self.stance = TransformerStance(
                config.transformer_dir, allowed_root=config.transformer_root or "/", stance_labels=config.stance_labels
            )
        elif config.stance_artifact and config.stance_version:
            self.stance = StanceClassifier(config.stance_artifact, version=f"v{config.stance_version}")
        self.actor_names = {a.key: a.name for a in config.actors}
        self._pair_vectors: dict[str, np.ndarray] = {}
        self.loaded = False

    @property
    def components(self) -> list[dict]:
        parts = [
            {"name": self.tagger.name, "version": self.tagger.version},
            {"name": self.claims.name, "version": self.claims.version},
            {"name": "statements", "version": f"actor^{ACTOR_EXPONENT}"},
        ]
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
            self.claims.learn(getattr(self.stance, "claim_memory", None))
        self.loaded = True

    def run(self, texts: Sequence[str]) -> list[ParagraphResult]:
        self.load()
        texts = list(texts)
        vectors = self.embedder.encode(texts)
        actor_lists = self._holders(texts, vectors, self.tagger.predict(texts))
        claim_lists = self.claims.suggest_from_vectors(vectors, texts=texts)
        results = [ParagraphResult(suggestions=a + c) for a, c in zip(actor_lists, claim_lists, strict=True)]
        if self.stance is not None:
            self._add_stance(texts, vectors, actor_lists, claim_lists, results)
        voices = self._author_voice(texts, vectors)
        for actors, claims, result, voice in zip(actor_lists, claim_lists, results, voices, strict=True):
            result.suggestions.extend(self._statements(actors, claims, result.suggestions, voice))
        return results

    def _holders(self, texts, vectors, actor_lists):
        """The tagger's mentions re-ranked by the project's holder model (holders.py), where it has one."""
        holders = getattr(self.stance, "holders", None) if self.stance is not None else None
        if holders is None:
            return actor_lists
        return [holders.rescore(t, a, v) for t, a, v in zip(texts, actor_lists, vectors, strict=True)]

    def _author_voice(self, texts, vectors) -> list[float | None]:
        """The author model's probability per paragraph (None without a model)."""
        if self.stance is None or not hasattr(self.stance, "author"):
            return [None] * len(texts)
        if not getattr(self.stance, "loaded", True):
            self.stance.load()
        if self.stance.author is None:
            return [None] * len(texts)
        from .direction import direction_counts

        direction = np.vstack([direction_counts(t) for t in texts]) if texts else np.zeros((0, 9))
        return [float(p) for p in self.stance.author.probability(vectors, direction)]

    def _statements(self, actors, claims, suggestions, voice: float | None = None) -> list[Suggestion]:
        """Whole (actor, claim, stance) suggestions, best first, at most `max_statements`: every pair
        of a found actor (first mention) and a suggested claim, score = statement_score(actor,
        claim) x stance confidence; and, where the author model hears the author's voice
        (probability >= its threshold), the author (actor None, no span) with each claim, score =
        statement_score(probability, claim).
        The stance is the served model's suggestion for that pair; where it has none (no model
        served, below its threshold, or the author) the statement comes without one (label "")."""
        from .author import DEFAULT_THRESHOLD

        stance = {(s.actor, s.claim): s for s in suggestions if s.kind == "stance"}
        out = []
        if voice is not None and voice >= DEFAULT_THRESHOLD:
            out += [
                Suggestion(
                    kind="statement",
                    label="",
                    score=round(statement_score(voice, c.score), 4),
                    actor=None,
                    claim=c.label,
                    surface="",
                    model_name=PIPELINE_NAME,
                    model_version=self.version,
                )
                for c in claims[: self.config.max_claims]
            ]
        for actor, claim in self._pairs(actors, claims):
            st = stance.get((actor.label, claim.label))
            score = statement_score(actor.score, claim.score) * (st.score if st else 1.0)
            out.append(
                Suggestion(
                    kind="statement",
                    label=st.label if st else "",
                    score=round(score, 4),
                    start=actor.start,
                    end=actor.end,
                    surface=actor.surface,
                    actor=actor.label,
                    claim=claim.label,
                    model_name=PIPELINE_NAME,
                    model_version=self.version,
                )
            )
        out.sort(key=lambda s: -s.score)
        return out[: self.config.max_statements]

    def _pairs(self, actors: list[Suggestion], claims: list[Suggestion]):
        first_mention: dict[str, Suggestion] = {}
        for s in actors:
            if s.kind == "actor" and s.label not in first_mention:
                first_mention[s.label] = s
        chosen = list(first_mention.values())[: self.config.max_actors]
        return [(a, c) for a in chosen for c in claims[: self.config.max_claims]]

    def _add_stance(self, texts, vectors, actor_lists, claim_lists, results) -> None:
        rows, pairs = [], []
        for i, (actors, claims) in enumerate(zip(actor_lists, claim_lists, strict=True)):
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
            keys = [pair_text(a, c) for a, c in zip(actor_names, claim_texts, strict=True)]
            missing = sorted({k for k in keys if k not in self._pair_vectors})
            if missing:
                for key, vec in zip(missing, self.embedder.encode(missing), strict=True):
                    self._pair_vectors[key] = vec
            pair_vectors = np.vstack([self._pair_vectors[k] for k in keys])
            labels = self.stance.labels
            if not labels:  # the project's selection served no model: no stance, no uncertainty
                return
            if self.stance.needs_sentences:
                probs = self.stance.predict_inputs(self._stance_inputs(texts, vectors, rows, pairs, pair_vectors))
            else:
                probs = self.stance.predict_proba(vectors[rows], pair_vectors)
        if not labels:
            return
        threshold = getattr(self.stance, "threshold", 0.0)
        unsure = uncertainty(probs)
        for row, (actor, claim), p, u in zip(rows, pairs, probs, unsure, strict=True):
            best = int(np.argmax(p))
            current = results[row].uncertainty
            results[row].uncertainty = float(u) if current is None else max(current, float(u))
            if p[best] < threshold:  # below the project's precision threshold: counted as uncertain, not shown
                continue
            results[row].suggestions.append(
                Suggestion(
                    kind="stance",
                    label=labels[best],
                    score=round(float(p[best]), 4),
                    start=actor.start,
                    end=actor.end,
                    surface=actor.surface,
                    actor=actor.label,
                    claim=claim.label,
                    model_name=self.stance.name,
                    model_version=self.stance.version,
                )
            )

    def _stance_inputs(self, texts, vectors, rows, pairs, pair_vectors):
        """What the direction-aware stance features need: the sentences of the paragraphs that have
        pairs (embedded once per paragraph here) and the codebook vector of each pair's claim."""
        from .direction import split_sentences
        from .stance_select import stance_inputs

        used = sorted(set(rows))
        spans = {i: split_sentences(texts[i]) for i in used}
        # a one-sentence paragraph's sentence is the paragraph: reuse its vector, encode only the rest
        single = {i for i in used if [texts[i][s:e] for s, e in spans[i]] == [texts[i]]}
        flat = [texts[i][s:e] for i in used if i not in single for s, e in spans[i]]
        encoded = self.embedder.encode(flat) if flat else np.zeros((0, vectors.shape[1]), dtype=np.float32)
        sentence_vectors, at = {}, 0
        for i in used:
            if i in single:
                sentence_vectors[i] = vectors[i : i + 1]
                continue
            sentence_vectors[i] = encoded[at : at + len(spans[i])]
            at += len(spans[i])
        claim_row = {c.key: j for j, c in enumerate(self.claims.claims)}
        local = {i: k for k, i in enumerate(used)}
        return stance_inputs(
            paragraphs=[texts[i] for i in used],
            paragraph_vectors=vectors[used],
            sentences=[spans[i] for i in used],
            sentence_vectors=[sentence_vectors[i] for i in used],
            rows=[local[r] for r in rows],
            claim_vectors=self.claims.matrix[[claim_row[c.label] for _, c in pairs]],
            pair_vectors=pair_vectors,
            labels=[],
            groups=[],
        )
