"""Model keys -> classes, and one loaded instance per worker process.

Loading the embedding model takes seconds and ~440 MiB, so each process keeps one embedder, and the
last few pipelines built from it (one per project configuration), keyed by the configuration.
"""

from __future__ import annotations

from collections import OrderedDict

from .actors import ActorTagger
from .claims import ClaimSuggester
from .embeddings import HashingEmbedder, MiniLMEmbedder
from .pipeline import PipelineConfig, PrelabelPipeline
from .stance import StanceClassifier
from .transformer import TransformerStance

EMBEDDERS = {"minilm": MiniLMEmbedder, "hashing": HashingEmbedder}
MODELS = {
    ActorTagger.name: ActorTagger,
    ClaimSuggester.name: ClaimSuggester,
    StanceClassifier.name: StanceClassifier,
    TransformerStance.name: TransformerStance,
}
MAX_PIPELINES = 4

_embedders: dict[str, object] = {}
_pipelines: OrderedDict[tuple, PrelabelPipeline] = OrderedDict()


def get_embedder(key: str = "minilm"):
    if key not in EMBEDDERS:
        raise KeyError(f"Unknown embedder {key!r}; known: {sorted(EMBEDDERS)}")
    if key not in _embedders:
        embedder = EMBEDDERS[key]()
        embedder.load()
        _embedders[key] = embedder
    return _embedders[key]


def get_pipeline(config: PipelineConfig, embedder_key: str = "minilm") -> PrelabelPipeline:
    cache_key = (embedder_key, config)
    pipeline = _pipelines.get(cache_key)
    if pipeline is None:
        pipeline = PrelabelPipeline(config, get_embedder(embedder_key))
        pipeline.load()
        _pipelines[cache_key] = pipeline
        while len(_pipelines) > MAX_PIPELINES:
            _pipelines.popitem(last=False)
    else:
        _pipelines.move_to_end(cache_key)
    return pipeline


def clear() -> None:
    _embedders.clear()
    _pipelines.clear()
