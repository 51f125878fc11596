"""Helpers for the pre-labelling tests: a project built from the shared articles (the Celery worker
they run against is tests.processes.celery_worker)."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from annotation.models import Claim, Task
from annotation.services.gazetteer import gazetteer_load
from corpora.models import Article, Corpus, Paragraph
from corpora.splitting import split_paragraphs

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
CLAIMS = [
    "Russia and China are forming a close strategic partnership",
    "US foreign policy toward Russia and China has failed",
    "The Power of Siberia 2 pipeline deepens Russia's energy dependence on China",
    "India and China are improving their relations",
    "The United States wants to separate Russia from China",
]


def build_corpus_project(project, *, copies: int = 1, claims: list[str] = CLAIMS, gazetteer: bool = True) -> list[Task]:
    """Articles and paragraph tasks from ../shared/corpus (each article `copies` times), the starter
    gazetteer and a few claims."""
    corpus = Corpus.objects.create(name=f"shared-{project.pk}-{uuid.uuid4().hex[:6]}")
    project.corpora.add(corpus)
    order = 0
    tasks = []
    for copy in range(copies):
        for path in sorted(SHARED_CORPUS.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            article = Article.objects.create(
                corpus=corpus,
                title=f"{path.stem} #{copy}",
                source_name=path.name,
                text=text,
                language="en",
                content_hash=hashlib.sha256(f"{copy}:{text}".encode()).hexdigest(),
            )
            for position, span in enumerate(split_paragraphs(text)):
                paragraph = Paragraph.objects.create(
                    article=article,
                    position=position,
                    text=span.text,
                    start=span.start,
                    end=span.end,
                    language="en",
                    text_hash=hashlib.sha256(span.text.encode()).hexdigest(),
                )
                tasks.append(Task(project=project, paragraph=paragraph, order=order))
                order += 1
    Task.objects.bulk_create(tasks)
    for text in claims:
        Claim.objects.create(project=project, text=text, normalized=" ".join(text.lower().split()))
    if gazetteer:
        gazetteer_load(project=project)
    return list(Task.objects.filter(project=project).order_by("order"))
