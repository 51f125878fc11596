"""Fixtures for the plain-Python model tests: no database, no broker."""

from pathlib import Path

import pytest

from annotation.prelabel.actors import ActorTagger
from annotation.prelabel.embeddings import HashingEmbedder, MiniLMEmbedder
from annotation.prelabel.gazetteer import gazetteer_actor_entries

SHARED_CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def gazetteer_tagger() -> ActorTagger:
    tagger = ActorTagger(gazetteer_actor_entries())
    tagger.load()
    return tagger


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    embedder = MiniLMEmbedder()
    embedder.load()
    return embedder


@pytest.fixture
def hashing() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def corpus_paragraphs() -> list[tuple[str, str]]:
    """(file name, paragraph) for every non-empty line of the shared articles."""
    if not SHARED_CORPUS.is_dir():
        pytest.fail(f"The shared corpus is missing at {SHARED_CORPUS}")
    out = []
    for path in sorted(SHARED_CORPUS.glob("*.txt")):
        out += [(path.name, line.strip()) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out
