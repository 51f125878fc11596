"""Django admin pages for corpora, articles and paragraphs."""

from django.urls import reverse

from corpora.models import Paragraph
from corpora.selectors import paragraph_history
from corpora.services.imports import corpus_import
from tests.factories import UserFactory


def test_admin_lists_and_pages_open_for_a_superuser(client, db, shared_corpus_dir):
    corpus_import(path=shared_corpus_dir, corpus_name="shared")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    paragraph = Paragraph.objects.get(position=9, article__source_name__startswith="002")
    for url in (
        reverse("admin:corpora_corpus_changelist"),
        reverse("admin:corpora_article_changelist"),
        reverse("admin:corpora_paragraph_changelist") + "?kind=noise",
        reverse("admin:corpora_article_change", args=[paragraph.article_id]),
        reverse("admin:corpora_paragraph_change", args=[paragraph.pk]),
        reverse("admin:corpora_paragraph_history", args=[paragraph.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_changing_a_kind_in_the_admin_goes_through_the_service_and_keeps_history(client, db, shared_corpus_dir):
    corpus_import(path=shared_corpus_dir, corpus_name="shared")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    paragraph = Paragraph.objects.get(position=9, article__source_name__startswith="002")
    response = client.post(reverse("admin:corpora_paragraph_change", args=[paragraph.pk]), {"kind": "body"})
    assert response.status_code == 302
    paragraph.refresh_from_db()
    assert (paragraph.kind, paragraph.kind_source) == ("body", "manual")
    assert [(h["kind"], h["user"]) for h in paragraph_history(paragraph=paragraph)] == [
        ("body", "root"),
        ("title", None),
    ]


def test_staff_with_admin_rights_sees_only_corpora_they_may_read(client, db):
    from django.contrib.auth.models import Permission

    from tests.factories import ArticleFactory, CorpusFactory, ParagraphFactory

    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(content_type__app_label="corpora"))
    mine = ParagraphFactory(article=ArticleFactory(corpus=CorpusFactory(name="Mine", owner=clerk), title="My article"))
    theirs = ParagraphFactory(article=ArticleFactory(corpus=CorpusFactory(name="Theirs"), title="Their article"))
    client.force_login(clerk)
    corpora = client.get(reverse("admin:corpora_corpus_changelist")).content.decode()
    assert "Mine" in corpora and "Theirs" not in corpora
    articles = client.get(reverse("admin:corpora_article_changelist")).content.decode()
    assert "My article" in articles and "Their article" not in articles and "Theirs" not in articles
    paragraphs = client.get(reverse("admin:corpora_paragraph_changelist")).content.decode()
    assert "Theirs" not in paragraphs  # nor in the corpus filter
    assert client.get(reverse("admin:corpora_paragraph_change", args=[mine.pk])).status_code == 200
    assert client.get(reverse("admin:corpora_paragraph_change", args=[theirs.pk])).status_code == 302  # not found
