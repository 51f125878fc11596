"""Learning from corrections: a manager's kind corrections retrain the detector for the installation,
and later imports from the same source (file pattern or site) use the adapted model."""

import pytest
from django.urls import reverse

from corpora.kind_adaptation import active_kind_model, kind_model_retrain
from corpora.kind_training import TESTDATA, labelled_dir
from corpora.models import Article, KindModelVersion
from corpora.services.imports import corpus_import
from corpora.services.kind_corrections import paragraph_kind_set
from tests.factories import UserFactory

PROSE = [
    "Container volumes at the northern terminals rose for a third month, helped by the reopening of the canal locks.",
    "Port officials said the new cranes would be running by spring, though the contractor has missed two deadlines.",
    "Freight rates on the main Asian routes have halved since the peak, and charter prices for small ships fall.",
    "Dock workers voted to accept the pay offer after a night of talks, ending the threat of a strike before winter.",
    "Insurers have raised premiums for ships calling at ports near the conflict zone, adding to the cost of cargo.",
]
# A line this site repeats in every article: the shipped model takes it for prose.
TIDE = "Tide table for the week: high water {} and {} at the outer bar."


def harbour_article(k: int, times: tuple[str, str]) -> bytes:
    texts = PROSE[k % 5 :] + PROSE[: k % 5]
    return "\n\n".join(texts[:2] + [TIDE.format(*times)] + texts[2:]).encode()


def tide_paragraph(article: Article):
    return article.paragraphs.get(text__startswith="Tide table")


@pytest.fixture
def small_base():
    return labelled_dir(TESTDATA / "dev")[::6]


def test_retraining_without_corrections_says_what_to_do(db, small_base):
    with pytest.raises(ValueError, match="No kind corrections yet"):
        kind_model_retrain(user=None, base_articles=small_base)
    assert not KindModelVersion.objects.exists()


def test_corrections_retrain_the_model_and_later_imports_from_that_source_use_it(db, small_base):
    boss = UserFactory(username="boss", is_staff=True)
    uploads = [
        ("harbour-01.txt", harbour_article(0, ("06:12", "18:40"))),
        ("harbour-02.txt", harbour_article(1, ("07:03", "19:31"))),
    ]
    corpus_import(uploads=uploads, corpus_name="harbour", user=boss)
    for article in Article.objects.all():
        assert tide_paragraph(article).kind == "body"  # the shipped model gets it wrong
        paragraph_kind_set(paragraph=tide_paragraph(article), kind="noise", user=boss)
    version = kind_model_retrain(user=boss, base_articles=small_base)
    assert (version.corrections, version.articles, version.sources, version.active) == (2, 2, ["harbour-*.txt"], True)
    assert active_kind_model() == version

    corpus_import(
        uploads=[
            ("harbour-03.txt", harbour_article(3, ("08:44", "21:02"))),
            ("elsewhere-03.txt", harbour_article(4, ("08:44", "21:02"))),
        ],
        corpus_name="harbour",
    )
    same_site = tide_paragraph(Article.objects.get(source_name="harbour-03.txt"))
    assert same_site.kind == "noise" and same_site.kind_reason.startswith("adapted model: noise")
    other = tide_paragraph(Article.objects.get(source_name="elsewhere-03.txt"))
    assert other.kind == "body" and "; model " in other.kind_reason  # another source: the shipped model

    again = kind_model_retrain(user=boss, base_articles=small_base)
    assert list(KindModelVersion.objects.filter(active=True)) == [again]


def test_the_corpus_page_shows_what_the_model_learned_from_and_retrains_on_a_button(client, db):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    corpus_import(uploads=[("harbour-01.txt", harbour_article(0, ("06:12", "18:40")))], corpus_name="h", user=boss)
    article = Article.objects.get()
    client.force_login(boss)
    page = reverse("corpora:detail", args=[article.corpus_id])
    html = client.get(page).content.decode()
    assert "the shipped model (learned from <strong>0</strong> corrections" in html
    retrain = reverse("corpora:kind-model-retrain", args=[article.corpus_id])
    assert f'href="{retrain}"' in html
    assert "No kind corrections yet" in client.get(retrain).content.decode()  # the empty state, no button
    response = client.post(retrain, follow=True)
    assert response.status_code == 200 and "No kind corrections yet" in response.content.decode()

    paragraph_kind_set(paragraph=tide_paragraph(article), kind="noise", user=boss)
    confirm = client.get(retrain).content.decode()
    assert "Retrain with 1 correction</button>" in confirm and "<strong>1</strong> paragraph set by hand" in confirm
    response = client.post(retrain, follow=True)
    html = response.content.decode()
    assert "retrained with 1 corrections from 1 articles" in html
    assert "learned from\n    <strong>1</strong> correction in\n    1 article" in html


def test_a_manager_who_may_not_change_the_corpus_cannot_retrain_from_it(client, db):
    owner = UserFactory(username="owner", is_staff=True)
    corpus_import(uploads=[("harbour-01.txt", harbour_article(0, ("06:12", "18:40")))], corpus_name="h", user=owner)
    stranger = UserFactory(username="stranger", is_staff=True)
    client.force_login(stranger)
    corpus_id = Article.objects.get().corpus_id
    assert client.post(reverse("corpora:kind-model-retrain", args=[corpus_id])).status_code == 404
