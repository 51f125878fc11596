"""Claim suggester: cosine similarity between a paragraph and each claim of the project.

The paragraph is embedded once (the pipeline reuses the vector for the stance classifier); the
claim registry is embedded at load time. Also proposes merges of near-duplicate claims.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .base import ClaimEntry, Suggestion


@dataclass(frozen=True)
class MergeProposal:
    keep: str  # claim key of the older (lower key) claim
    merge: str  # claim key proposed to be merged into `keep`
    score: float


def claims_fingerprint(claims: Sequence[ClaimEntry], threshold: float) -> str:
    digest = hashlib.sha256(f"{threshold:.4f}".encode())
    for claim in sorted(claims, key=lambda c: c.key):
        digest.update(f"{claim.key}\x1f{claim.text}\x1e".encode())
    return digest.hexdigest()[:10]


class ClaimSuggester:
    name = "claims-cosine"

    def __init__(self, claims: Sequence[ClaimEntry], embedder, *, threshold: float = 0.45, top_k: int = 3):
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"claim threshold must be between 0 and 1, got {threshold}")
        self.claims = list(claims)
        self.embedder = embedder
        self.threshold = threshold
        self.top_k = top_k
        self.version = f"{embedder.name}-{embedder.version}-{claims_fingerprint(self.claims, threshold)}"
        self.matrix: np.ndarray | None = None
        self.memory = None

    def load(self) -> None:
        self.embedder.load()
        self.matrix = self.embedder.encode([c.text for c in self.claims])

    def predict(self, texts: Sequence[str]) -> list[list[Suggestion]]:
        return self.suggest_from_vectors(self.embedder.encode(texts), texts=texts)

    def learn(self, memory) -> None:
        """Rank with what the project's labels taught (claim_ranker.ClaimMemory) where its
        cross-validated weights are not all zero or annotators have accepted/rejected claims;
        otherwise the codebook similarity stays alone."""
        from .claim_ranker import with_codebook

        if self.matrix is None:
            self.load()
        if memory is not None and (any(memory.weights) or memory.decisions) and self.claims:
            self.memory = with_codebook(
                memory,
                claim_keys=[c.key for c in self.claims],
                codebook=self.matrix,
                claim_texts=[c.text for c in self.claims],
            )

    def suggest_from_vectors(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> list[list[Suggestion]]:
        if self.matrix is None:
            self.load()
        if not self.claims or len(vectors) == 0:
            return [[] for _ in range(len(vectors))]
        if self.memory is not None and texts is not None:
            from .claim_ranker import learned_scores

            scores = learned_scores(self.memory, texts, vectors)
        else:
            scores = vectors @ self.matrix.T
        out = []
        for row in scores:
            best = np.argsort(-row, kind="stable")[: self.top_k]
            out.append(
                [
                    Suggestion(
                        kind="claim",
                        label=self.claims[j].key,
                        score=round(float(row[j]), 4),
                        surface=self.claims[j].text,
                        model_name=self.name,
                        model_version=self.version,
                    )
                    for j in best
                    if row[j] >= self.threshold
                ]
            )
        return out


def propose_claim_merges(
    claims: Sequence[ClaimEntry], embedder, *, threshold: float = 0.85, limit: int = 50
) -> list[MergeProposal]:
    """Pairs of claims whose texts are near-duplicates (cosine >= threshold), most similar first."""
    if len(claims) < 2:
        return []
    embedder.load()
    matrix = embedder.encode([c.text for c in claims])
    sims = matrix @ matrix.T
    rows, cols = np.triu_indices(len(claims), k=1)
    pairs = [(float(sims[i, j]), i, j) for i, j in zip(rows, cols, strict=True) if sims[i, j] >= threshold]
    pairs.sort(key=lambda p: -p[0])
    return [MergeProposal(keep=claims[i].key, merge=claims[j].key, score=round(s, 4)) for s, i, j in pairs[:limit]]
