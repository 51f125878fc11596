"""Segmentation corrections: merge a paragraph with the next, split one; offsets exact, history kept,
work on tasks never dropped without the manager confirming."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from corpora.models import Article, Paragraph
from corpora.segmentation import WorkAtStake, paragraph_split, paragraphs_merge
from corpora.selectors import paragraph_history
from corpora.services.imports import corpus_import
from tests.factories import AnnotationFactory, MembershipFactory, ProjectFactory, TaskFactory, UserFactory


def exact_and_contiguous(article: Article) -> list[Paragraph]:
    paragraphs = list(article.paragraphs.order_by("position"))
    assert [p.position for p in paragraphs] == list(range(len(paragraphs)))
    for p in paragraphs:
        assert article.text[p.start : p.end] == p.text
    assert all(a.end <= b.start for a, b in zip(paragraphs, paragraphs[1:], strict=False))
    return paragraphs


@pytest.fixture
def article_001(db, shared_corpus_dir):
    corpus_import(path=shared_corpus_dir / "001_906daba6f3fdc6f9.txt", corpus_name="c")
    return Article.objects.get()


def test_merging_the_quotation_a_stray_line_break_cut_in_two(article_001):
    boss = UserFactory(username="boss", is_staff=True)
    before = exact_and_contiguous(article_001)
    cut = next(p for p in before if p.text.startswith("hypersonic missiles"))
    first = before[cut.position - 1]
    merged = paragraphs_merge(paragraph=first, user=boss)
    after = exact_and_contiguous(article_001)
    assert len(after) == len(before) - 1
    assert merged.pk == first.pk and merged.text.endswith(cut.text) and merged.text.startswith(first.text)
    assert not Paragraph.objects.filter(pk=cut.pk).exists()
    assert after[cut.position].text == before[cut.position + 1].text  # the rest moved up by one
    history = paragraph_history(paragraph=merged)
    assert history[0]["user"] == "boss" and history[0]["reason"].startswith(f"merged with paragraph #{cut.position}")
    assert history[-1]["reason"] == "detected at import"


def test_splitting_a_paragraph_and_merging_it_back_restores_the_text(article_001):
    boss = UserFactory(username="boss", is_staff=True)
    before = exact_and_contiguous(article_001)
    target = max(before, key=lambda p: len(p.text))
    at = target.text.index(". ") + 1  # after the first sentence; the space goes to neither part
    first, second = paragraph_split(paragraph=target, at=at, user=boss)
    after = exact_and_contiguous(article_001)
    assert len(after) == len(before) + 1
    assert first.pk == target.pk and first.text == target.text[:at] and second.text == target.text[at + 1 :]
    assert (second.position, second.kind, second.kind_source) == (target.position + 1, target.kind, "manual")
    assert after[-1].text == before[-1].text
    merged = paragraphs_merge(paragraph=first, user=boss)
    assert merged.text == target.text
    assert [p.text for p in exact_and_contiguous(article_001)] == [p.text for p in before]


def test_bad_cuts_and_the_last_paragraph_are_clear_errors(article_001):
    last = article_001.paragraphs.order_by("-position").first()
    with pytest.raises(ValidationError, match="last paragraph"):
        paragraphs_merge(paragraph=last, user=None)
    for at in (0, len(last.text), 10_000):
        with pytest.raises(ValidationError, match="Split inside the text"):
            paragraph_split(paragraph=last, at=at, user=None)
    exact_and_contiguous(article_001)


def test_work_on_tasks_is_never_dropped_without_confirmation(article_001):
    boss = UserFactory(username="boss", is_staff=True)
    project = ProjectFactory()
    first, second = article_001.paragraphs.order_by("position")[3:5]
    task = TaskFactory(project=project, paragraph=second)
    AnnotationFactory(task=task, status="submitted")
    with pytest.raises(WorkAtStake, match="1 submitted annotation"):
        paragraphs_merge(paragraph=first, user=boss)
    assert Paragraph.objects.filter(pk=second.pk).exists() and task.annotations.count() == 1
    with pytest.raises(WorkAtStake):
        paragraph_split(paragraph=second, at=second.text.index(" "), user=boss)
    paragraphs_merge(paragraph=first, user=boss, confirm=True)
    assert not Paragraph.objects.filter(pk=second.pk).exists()
    exact_and_contiguous(article_001)


def test_the_api_asks_for_confirmation_with_409_then_merges_and_splits(article_001, api_client):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    project = ProjectFactory()
    project.corpora.add(article_001.corpus)
    MembershipFactory(project=project, user=boss, role="manager")
    first, second = article_001.paragraphs.order_by("position")[3:5]
    AnnotationFactory(task=TaskFactory(project=project, paragraph=second), status="submitted")
    api_client.force_authenticate(boss)
    url = reverse("corpora-api:paragraph-merge", args=[first.pk])
    refused = api_client.post(url, {}, format="json")
    assert refused.status_code == 409 and refused.json()["needs_confirm"] and refused.json()["submitted"] == 1
    done = api_client.post(url, {"confirm": True}, format="json")
    assert done.status_code == 200 and done.json()["paragraphs"][0]["end"] == second.end
    split = api_client.post(reverse("corpora-api:paragraph-split", args=[first.pk]), {"at": 0}, format="json")
    assert split.status_code == 400
    at = len(first.text)  # back where the two were
    split = api_client.post(reverse("corpora-api:paragraph-split", args=[first.pk]), {"at": at}, format="json")
    assert split.status_code == 200
    assert [p["text"] for p in split.json()["paragraphs"]] == [first.text, second.text]
    exact_and_contiguous(article_001)
    outsider = UserFactory(username="other", is_staff=True)
    api_client.force_authenticate(outsider)
    assert api_client.post(url, {"confirm": True}, format="json").status_code == 404
