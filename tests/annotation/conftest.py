"""Fixtures for the annotation tests: a project with real paragraphs and a synced task pool."""

import hashlib

import pytest

from annotation.services.projects import tasks_sync
from corpora.models import Article, Corpus, Paragraph
from tests.factories import ActorFactory, ClaimFactory

PARAGRAPH = "Beijing said on Monday that the pipeline deal is good for Russia, while Kyiv disagreed."


def build_corpus(
    *, project, articles: int, per_article: int = 5, name: str | None = None, kinds: tuple[str, ...] = ("body",)
) -> Corpus:
    """`articles` articles of `per_article` paragraphs each (cycling through `kinds`), linked to `project`."""
    corpus = Corpus.objects.create(name=name or f"corpus for {project.name}")
    arts = Article.objects.bulk_create(
        Article(
            corpus=corpus,
            title=f"Article {i}",
            text=PARAGRAPH,
            language="en",
            content_hash=hashlib.sha256(f"{corpus.pk}-{i}".encode()).hexdigest(),
        )
        for i in range(articles)
    )
    Paragraph.objects.bulk_create(
        Paragraph(
            article=a,
            position=j,
            kind=kinds[j % len(kinds)],
            text=f"{PARAGRAPH} ({a.pk}.{j})",
            start=0,
            end=len(PARAGRAPH),
            text_hash=f"{a.pk}-{j}",
            language="en",
        )
        for a in arts
        for j in range(per_article)
    )
    project.corpora.add(corpus)
    return corpus


@pytest.fixture
def tasks(project):
    """Ten tasks (two articles of five paragraphs) in the shared `project` fixture."""
    build_corpus(project=project, articles=2, per_article=5)
    tasks_sync(project=project)
    return list(project.tasks.order_by("order"))


@pytest.fixture
def actor(project):
    return ActorFactory(project=project, name="China")


@pytest.fixture
def claim(project):
    return ClaimFactory(project=project, text="The pipeline deal is good")
