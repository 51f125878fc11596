"""Managers' kind corrections: services, history, and the pages that show them."""

from django.urls import reverse

from corpora.models import Paragraph
from corpora.selectors import paragraph_history
from corpora.services.imports import corpus_import
from corpora.services.kind_corrections import article_mark_comments_from, paragraph_kind_set
from tests.corpora.upload_support import run_pending_jobs
from tests.factories import UserFactory


def imported_002(shared_corpus_dir, user=None):
    corpus_import(path=shared_corpus_dir / "002_b8aa54d3edd41c2c.txt", corpus_name="c", user=user)
    return Paragraph.objects.get(position=0).article


def test_setting_a_kind_records_the_detected_kind_then_the_change(db, shared_corpus_dir):
    article = imported_002(shared_corpus_dir)
    boss = UserFactory(username="boss", is_staff=True)
    paragraph = article.paragraphs.get(position=9)  # "A Growing Challenge", detected as a section title
    assert paragraph.kind == "title"
    paragraph_kind_set(paragraph=paragraph, kind="body", user=boss)
    paragraph_kind_set(paragraph=paragraph, kind="noise", user=boss)
    paragraph.refresh_from_db()
    assert (paragraph.kind, paragraph.kind_source, paragraph.kind_reason) == ("noise", "manual", "set by boss")
    history = paragraph_history(paragraph=paragraph)
    assert [(h["kind"], h["user"]) for h in history] == [("noise", "boss"), ("body", "boss"), ("title", None)]
    assert history[-1]["reason"] == "detected at import"


def test_mark_comments_from_here_keeps_history_for_each_changed_paragraph(db, shared_corpus_dir):
    article = imported_002(shared_corpus_dir)
    boss = UserFactory(username="boss", is_staff=True)
    changed = article_mark_comments_from(article=article, position=36, user=boss)
    assert changed == 95 - 36
    assert set(article.paragraphs.filter(position__gte=36).values_list("kind", "kind_source")) == {
        ("comment", "manual")
    }
    last = article.paragraphs.get(position=94)
    assert [(h["kind"], h["user"]) for h in paragraph_history(paragraph=last)] == [
        ("comment", "boss"),
        ("comment", None),
    ]
    assert article_mark_comments_from(article=article, position=36, user=boss) == 0  # idempotent


def test_article_page_shows_kinds_and_history_to_staff(client, db, shared_corpus_dir):
    boss = UserFactory(username="boss", is_staff=True)
    article = imported_002(shared_corpus_dir, user=boss)
    paragraph_kind_set(paragraph=article.paragraphs.get(position=4), kind="noise", user=boss)
    client.force_login(boss)
    html = client.get(reverse("corpora:article", args=[article.pk])).content.decode()
    assert html.count('class="corp-para ') == 95
    assert "history (2)" in html and "set by boss" in html
    assert f'data-mark-url="/api/articles/{article.pk}/mark-comments/"' in html


def test_corpus_pages_are_for_staff_only(client, db, shared_corpus_dir):
    article = imported_002(shared_corpus_dir)
    client.force_login(UserFactory(username="someone"))
    for url in (
        reverse("corpora:list"),
        reverse("corpora:upload"),
        reverse("corpora:detail", args=[article.corpus_id]),
        reverse("corpora:article", args=[article.pk]),
    ):
        assert client.get(url).status_code == 302  # to the admin login: not for non-staff


def test_corpus_list_and_detail_pages_show_counts(client, db, shared_corpus_dir):
    boss = UserFactory(username="boss", is_staff=True)
    corpus_import(path=shared_corpus_dir, corpus_name="shared", user=boss)
    client.force_login(boss)
    listing = client.get(reverse("corpora:list")).content.decode()
    assert "shared" in listing
    corpus_id = Paragraph.objects.first().article.corpus_id
    detail = client.get(reverse("corpora:detail", args=[corpus_id])).content.decode()
    assert "<strong>154</strong> paragraphs" in detail and "Body: 80" in detail
    filtered = client.get(reverse("corpora:detail", args=[corpus_id]), {"q": "zzz"}).content.decode()
    assert "No article matches these filters." in filtered


def test_upload_page_imports_and_shows_the_report(client, db, settings):
    client.force_login(UserFactory(username="boss", is_staff=True))
    sample = settings.BASE_DIR / "corpora" / "sample_corpus"
    with open(sample / "04_wire.jsonl", "rb") as good, open(sample / "03_summit.html", "rb") as html:
        response = client.post(reverse("corpora:upload"), {"new_name": "Uploaded", "file": [good, html]}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and response.redirect_chain[0][0].startswith("/corpora/imports/")
    assert "2 file(s) uploaded; a background worker imports them" in page and "Waiting for a worker" in page
    [job] = run_pending_jobs()
    page = client.get(reverse("corpora:import", args=[job.pk])).content.decode()
    assert "Import report: Uploaded" in page and "<strong>2</strong> file(s) imported" in page
    corpus_page = client.get(reverse("corpora:detail", args=[job.corpus_id])).content.decode()
    assert "Report of the latest finished import" in corpus_page and "04_wire.jsonl" in corpus_page
    response = client.post(reverse("corpora:upload"), {"new_name": "Uploaded"})
    assert "Choose at least one file" in response.content.decode()


def test_comments_from_here_is_undone_through_the_restore_with_history(db, shared_corpus_dir):
    from corpora.kind_undo import article_kinds_restore
    from corpora.services.kind_corrections import article_mark_comments

    article = imported_002(shared_corpus_dir)
    boss = UserFactory(username="boss", is_staff=True)
    paragraph_kind_set(paragraph=article.paragraphs.get(position=40), kind="noise", user=boss)
    before = dict(article.paragraphs.filter(position__gte=36).values_list("id", "kind"))
    sources = dict(article.paragraphs.filter(position__gte=36).values_list("id", "kind_source"))
    previous = article_mark_comments(article=article, position=36, user=boss)
    assert {p["id"]: p["kind"] for p in previous} == before  # every one changed (none was a manual comment)
    later = article.paragraphs.get(position=50)  # changed again after the mark: the undo leaves it
    paragraph_kind_set(paragraph=later, kind="body", user=boss)

    result = article_kinds_restore(article=article, previous=previous, user=boss)
    assert (result["restored"], result["skipped"]) == (len(previous) - 1, 1)
    now = dict(article.paragraphs.filter(position__gte=36).values_list("id", "kind"))
    assert now == {**before, later.pk: "body"}
    assert dict(article.paragraphs.filter(position__gte=36).exclude(pk=later.pk).values_list("id", "kind_source")) == {
        k: v for k, v in sources.items() if k != later.pk
    }
    history = paragraph_history(paragraph=article.paragraphs.get(position=40))
    assert [(h["kind"], h["user"], h["reason"]) for h in history[:2]] == [
        ("noise", "boss", "undo: comments from here"),
        ("comment", "boss", "from here to the end are comments"),
    ]


def test_the_restore_refuses_a_paragraph_of_another_article_and_writes_nothing(db, shared_corpus_dir):
    import pytest
    from django.core.exceptions import ValidationError

    from corpora.kind_undo import article_kinds_restore
    from corpora.services.kind_corrections import article_mark_comments
    from tests.factories import ParagraphFactory

    article = imported_002(shared_corpus_dir)
    boss = UserFactory(username="boss", is_staff=True)
    previous = article_mark_comments(article=article, position=90, user=boss)
    stranger = ParagraphFactory(kind="comment", kind_source="manual")
    with pytest.raises(ValidationError, match="Not paragraphs of this article"):
        article_kinds_restore(
            article=article,
            previous=[*previous, {"id": stranger.pk, "kind": "body", "kind_source": "auto", "kind_reason": ""}],
            user=boss,
        )
    assert set(article.paragraphs.filter(position__gte=90).values_list("kind", flat=True)) == {"comment"}
