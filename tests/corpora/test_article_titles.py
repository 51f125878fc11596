"""An article's title: from the file, else its first title-kind paragraph, else its opening words; and
a paragraph marked as title by hand replaces a stand-in title but never the file's own."""

from corpora.models import Article, Corpus
from corpora.services.imports import corpus_import
from corpora.services.kind_corrections import paragraph_kind_set
from tests.conftest import client_for
from tests.factories import UserFactory

BODY = (
    "Beijing said on Monday that the pipeline deal is good for Russia, while Kyiv disagreed. Officials in "
    "Brussels were cautious about the terms and said they would study them before the summit.\n\n"
    "The agreement runs for thirty years and covers gas deliveries through Mongolia, officials said on "
    "Tuesday evening after a long meeting in the capital.\n"
)


def _import(tmp_path, name: str, text: str, user=None) -> Article:
    path = tmp_path / name
    path.write_text(text)
    corpus_import(path=path, corpus_name="titles", user=user)
    return Article.objects.get(corpus__name="titles", source_name__endswith=name)


def test_a_txt_without_a_title_line_takes_its_first_title_kind_paragraph(db, tmp_path):
    article = _import(
        tmp_path, "mid.txt", "By Jane Doe\n\n" + BODY + "\nGrowing entente worries the West\n\nMore text.\n"
    )
    kinds = list(article.paragraphs.order_by("position").values_list("kind", "text"))
    first_title = next(text for kind, text in kinds if kind == "title")
    assert article.title == first_title == "Growing entente worries the West"
    assert "Untitled" not in article.title


def test_marking_a_paragraph_as_title_replaces_the_stand_in_title(db, tmp_path):
    boss = UserFactory(username="boss", is_staff=True)
    article = _import(tmp_path, "bare.txt", BODY, user=boss)
    assert article.title.startswith("Beijing said on Monday")  # the stand-in: the opening words
    second = article.paragraphs.get(position=1)
    response = client_for(boss).patch(f"/api/paragraphs/{second.pk}/", {"kind": "title"}, format="json")
    assert response.status_code == 200
    assert response.json()["article_title"] == second.text
    article.refresh_from_db()
    assert article.title == second.text


def test_a_title_from_the_file_is_never_replaced(db, tmp_path):
    boss = UserFactory(username="boss", is_staff=True)
    path = tmp_path / "one.jsonl"
    path.write_text('{"title": "The file\'s own title", "text": ' + __import__("json").dumps(BODY) + "}\n")
    corpus_import(path=path, corpus_name="titles", user=None)
    article = Article.objects.get(corpus=Corpus.objects.get(name="titles"))
    paragraph_kind_set(paragraph=article.paragraphs.get(position=1), kind="title", user=boss)
    article.refresh_from_db()
    assert article.title == "The file's own title"


def test_only_the_first_title_kind_paragraph_becomes_the_title(db, tmp_path):
    boss = UserFactory(username="boss", is_staff=True)
    article = _import(tmp_path, "two.txt", BODY)
    paragraphs = list(article.paragraphs.order_by("position"))
    paragraph_kind_set(paragraph=paragraphs[0], kind="title", user=boss)
    paragraph_kind_set(paragraph=paragraphs[1], kind="title", user=boss)
    article.refresh_from_db()
    assert article.title == paragraphs[0].text
