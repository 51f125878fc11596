"""The import's preparation (split, kinds with the learned model, languages) gives exactly what it
gave before the ingest speed-up of issue 14: kinds, reasons, model scores, offsets, languages and
hashes of every paragraph of every file under corpora/testdata/kinds, corpora/sample_corpus and
../shared/corpus, against ``expected/prepare.json``, written by the code before the change.

Rewrite the expected file (only when a change of results is intended, and say so in the commit):
``DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python -c "import django; django.setup();
from tests.corpora.test_prepare_expected import write; write()"``.
"""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from corpora.kind_features import article_features
from corpora.kind_model import load
from corpora.kinds import detect_kinds
from corpora.languages import paragraph_languages
from corpora.models import Corpus
from corpora.preparation import article_prepare
from corpora.readers import read_source
from corpora.splitting import split_paragraphs

REPO = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).resolve().parent / "expected" / "prepare.json"
SHARED = REPO.parent / "shared" / "corpus"
FOLDERS = [REPO / "corpora" / "testdata" / "kinds", REPO / "corpora" / "sample_corpus", SHARED]
SUFFIXES = {".txt", ".md", ".html", ".jsonl"}


def corpus_files() -> list[Path]:
    return [
        p
        for folder in FOLDERS
        for p in sorted(folder.rglob("*"))
        if p.suffix in SUFFIXES and not p.name.startswith("README")
    ]


def _name(path: Path) -> str:
    """Relative to the repository (the shared corpus as ``shared/corpus/...``), whatever the checkout's name."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else f"shared/corpus/{path.relative_to(SHARED)}"


def _features_digest(document) -> str:
    """sha256 of the model's feature matrix (rounded to 9 decimals) for one document."""
    texts = [s.text for s in split_paragraphs(document.text)]
    languages = paragraph_languages(texts, article_prepare(corpus=None, document=document)[0].language)
    decisions = detect_kinds(texts, title=document.title, author=document.author, headings=document.headings)
    x = np.round(np.asarray(article_features(texts, decisions, languages), dtype=np.float64), 9) + 0.0
    return hashlib.sha256(x.tobytes()).hexdigest()


def _scores(document) -> list[list[float]]:
    texts = [s.text for s in split_paragraphs(document.text)]
    language = article_prepare(corpus=None, document=document)[0].language
    languages = paragraph_languages(texts, language)
    decisions = detect_kinds(texts, title=document.title, author=document.author, headings=document.headings)
    return np.round(load().proba(texts, decisions, languages), 10).tolist()


def prepared(path: Path) -> list[dict]:
    out = []
    for document in read_source(path.name, path.read_bytes()):
        article, rows = article_prepare(corpus=Corpus(name="x"), document=document)
        out.append(
            {
                "title": article.title,
                "author": article.author,
                "published": article.published.isoformat() if article.published else None,
                "language": article.language,
                "content_hash": article.content_hash,
                "paragraphs": [
                    [r.position, r.kind, r.kind_reason, r.start, r.end, r.language, r.text_hash] for r in rows
                ],
                "scores": _scores(document),
                "features_sha256": _features_digest(document),
            }
        )
    return out


def write() -> None:
    data = {_name(p): prepared(p) for p in corpus_files()}
    EXPECTED.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {EXPECTED} ({len(data)} files)")


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_every_corpus_file_is_covered(expected):
    names = {_name(p) for p in corpus_files()}
    assert names == set(expected)
    assert len(names) >= 55  # 51 labelled articles + 4 shared (+ the sample corpus)


@pytest.mark.parametrize("path", corpus_files(), ids=_name)
def test_preparation_gives_what_the_code_before_the_speed_up_gave(path, expected):
    got, want = prepared(path), expected[_name(path)]
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        for key in ("title", "author", "published", "language", "content_hash", "paragraphs", "features_sha256"):
            assert g[key] == w[key], key
        np.testing.assert_allclose(np.asarray(g["scores"]), np.asarray(w["scores"]), rtol=0, atol=1e-9)
        for r in g["paragraphs"]:
            assert r[3] < r[4]
