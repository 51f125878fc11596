"""Corpora REST API: staff only, upload of files and zips, lists with filters, kind corrections."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from corpora.models import ImportJob, Paragraph
from corpora.services.imports import corpus_import
from tests.conftest import client_for
from tests.corpora.upload_support import upload_and_import
from tests.factories import CorpusFactory, UserFactory


@pytest.fixture
def staff(db):
    return UserFactory(username="boss", is_staff=True)


@pytest.fixture
def imported(db, staff, shared_corpus_dir):
    report = corpus_import(path=shared_corpus_dir, corpus_name="shared", user=staff)  # staff owns it
    return report


def upload(client, corpus, *files):
    return client.post(
        reverse("corpora-api:corpus-upload", args=[corpus.pk]), {"file": list(files)}, format="multipart"
    )


def test_non_staff_users_get_403_everywhere(db, annotator, imported):
    client = client_for(annotator)
    corpus_id = imported.corpus_id
    paragraph = Paragraph.objects.first()
    assert client.get(reverse("corpora-api:corpus-list")).status_code == 403
    assert client.post(reverse("corpora-api:corpus-list"), {"name": "x"}).status_code == 403
    assert upload(client, type("C", (), {"pk": corpus_id}), SimpleUploadedFile("a.txt", b"Text.")).status_code == 403
    assert client.get(reverse("corpora-api:paragraph-list")).status_code == 403
    assert (
        client.patch(reverse("corpora-api:paragraph-detail", args=[paragraph.pk]), {"kind": "noise"}).status_code == 403
    )
    assert (
        client.post(
            reverse("corpora-api:article-mark-comments", args=[paragraph.article_id]), {"from_position": 0}
        ).status_code
        == 403
    )
    paragraph.refresh_from_db()
    assert paragraph.kind_source == "auto"


def test_anonymous_requests_are_refused(db, api_client):
    assert api_client.get(reverse("corpora-api:corpus-list")).status_code in (401, 403)


def test_staff_creates_and_lists_corpora(staff):
    client = client_for(staff)
    response = client.post(reverse("corpora-api:corpus-list"), {"name": "News 2026", "description": "d"})
    assert response.status_code == 201
    assert response.json()["name"] == "News 2026" and response.json()["created_by"] == "boss"
    assert client.post(reverse("corpora-api:corpus-list"), {"name": "News 2026"}).json() == {
        "name": ["A corpus with this name exists already."]
    }
    listing = client.get(reverse("corpora-api:corpus-list")).json()
    assert listing["count"] == 1 and listing["results"][0]["article_count"] == 0


def test_upload_a_file_returns_202_and_a_job_whose_report_lists_the_file(staff, settings):
    corpus = CorpusFactory(owner=staff)
    data = (settings.BASE_DIR / "corpora" / "sample_corpus" / "01_pipeline_talks.txt").read_bytes()
    job, response = upload_and_import(client_for(staff), corpus, SimpleUploadedFile("01.txt", data))
    queued = response.json()
    assert (
        queued["status"] == "pending"
        and queued["report"] is None
        and queued["files"] == [{"name": "01.txt", "size": len(data)}]
    )
    assert job["status"] == "complete" and job["progress"]["files_done"] == job["progress"]["files_total"] == 1
    body = job["report"]
    assert body["imported"] == 1 and body["articles"] == 1 and body["paragraphs"] == 9
    assert body["files"][0]["name"] == "01.txt" and body["files"][0]["status"] == "imported"
    again, _ = upload_and_import(client_for(staff), corpus, SimpleUploadedFile("01.txt", data))
    assert again["report"]["skipped"] == 1 and again["report"]["imported"] == 0
    assert again["report"]["files"][0]["reason"] == "already in the corpus (same content)"
    assert corpus.articles.count() == 1


def test_upload_a_zip_imports_every_member(staff, settings):
    corpus = CorpusFactory(owner=staff)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((settings.BASE_DIR / "corpora" / "sample_corpus").iterdir()):
            archive.write(path, arcname=f"sample/{path.name}")
    job, _ = upload_and_import(client_for(staff), corpus, SimpleUploadedFile("sample.zip", buffer.getvalue()))
    assert job["report"]["imported"] == 4 and job["report"]["articles"] == 5
    assert job["progress"]["files_done"] == job["progress"]["files_total"] == 4


def test_upload_where_every_file_fails_reports_each_file_and_reason(staff):
    corpus = CorpusFactory(owner=staff)
    job, _ = upload_and_import(client_for(staff), corpus, SimpleUploadedFile("bad.jsonl", b'{"text": 1}\n'))
    assert job["status"] == "complete" and job["report"]["failed"] == 1
    assert [(f["name"], f["reason"]) for f in job["report"]["files"]] == [
        ("bad.jsonl", 'line 1 has no "text" (a non-empty string is required)')
    ]
    assert (
        client_for(staff)
        .post(reverse("corpora-api:corpus-upload", args=[corpus.pk]), {}, format="multipart")
        .status_code
        == 400
    )


def test_an_upload_naming_an_unknown_encoding_is_a_400_and_stores_nothing(staff):
    corpus = CorpusFactory(owner=staff)
    response = client_for(staff).post(
        reverse("corpora-api:corpus-upload", args=[corpus.pk]),
        {"file": [SimpleUploadedFile("a.txt", b"Text.")], "encoding": "klingon-8"},
        format="multipart",
    )
    assert response.status_code == 400 and "Unknown encoding 'klingon-8'" in response.json()["encoding"][0]
    assert not ImportJob.objects.exists()


def test_articles_and_paragraphs_are_paginated_and_filtered(staff, imported):
    client = client_for(staff)
    articles = client.get(reverse("corpora-api:article-list", args=[imported.corpus_id]), {"search": "002"}).json()
    assert articles["count"] == 1
    article = articles["results"][0]
    assert article["paragraph_count"] == 95 and article["body_count"] == 27
    page = client.get(reverse("corpora-api:paragraph-list"), {"article": article["id"], "page_size": 10}).json()
    assert page["count"] == 95 and len(page["results"]) == 10 and page["next"]
    noise = client.get(reverse("corpora-api:paragraph-list"), {"corpus": imported.corpus_id, "kind": "noise"}).json()
    assert noise["count"] == 13
    assert {p["kind"] for p in noise["results"]} == {"noise"}
    detail = client.get(reverse("corpora-api:article-detail", args=[article["id"]])).json()
    first = page["results"][0]
    assert detail["text"][first["start"] : first["end"]] == first["text"]


def test_patch_a_paragraph_kind_sets_it_by_hand_with_history(staff, imported):
    client = client_for(staff)
    paragraph = Paragraph.objects.filter(kind="body").first()
    response = client.patch(reverse("corpora-api:paragraph-detail", args=[paragraph.pk]), {"kind": "noise"})
    assert response.status_code == 200
    assert response.json()["kind"] == "noise" and response.json()["kind_source"] == "manual"
    history = client.get(reverse("corpora-api:paragraph-history", args=[paragraph.pk])).json()
    assert [(h["kind"], h["user"]) for h in history] == [("noise", "boss"), ("body", None)]
    bad = client.patch(reverse("corpora-api:paragraph-detail", args=[paragraph.pk]), {"kind": "poem"})
    assert bad.status_code == 400 and "kind" in bad.json()


def test_mark_comments_from_a_position_changes_that_paragraph_and_all_after_it(staff, imported):
    client = client_for(staff)
    article = Paragraph.objects.get(text__startswith="Rather than increasing the chances").article
    response = client.post(reverse("corpora-api:article-mark-comments", args=[article.pk]), {"from_position": 30})
    assert response.status_code == 200
    body = response.json()
    assert [p["position"] for p in body["paragraphs"]] == list(range(30, 95))
    assert {p["kind"] for p in body["paragraphs"]} == {"comment"}
    assert body["changed"] == 95 - 30 - 0  # every one becomes a manual comment
    assert article.paragraphs.filter(position__lt=30, kind_source="manual").count() == 0
    missing = client.post(reverse("corpora-api:article-mark-comments", args=[article.pk]), {"from_position": 500})
    assert missing.status_code == 400


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(staff, settings):
    settings.STANDPOINT_MAX_UPLOAD_BYTES = 1000
    corpus = CorpusFactory(owner=staff)
    job, _ = upload_and_import(client_for(staff), corpus, SimpleUploadedFile("big.txt", b"word " * 1000))
    assert [f["reason"] for f in job["report"]["files"]] == [
        "the file is 4.9 KB, over the 1000 bytes limit (STANDPOINT_MAX_UPLOAD_BYTES)"
    ]
    assert job["report"]["failed"] == 1 and not corpus.articles.exists()
    assert ImportJob.objects.get(pk=job["id"]).files[0]["path"] == ""  # never stored


def test_mark_comments_gives_what_it_replaced_and_the_undo_puts_it_back(staff, imported):
    client = client_for(staff)
    article = Paragraph.objects.get(text__startswith="Rather than increasing the chances").article
    kinds = dict(article.paragraphs.filter(position__gte=80).values_list("id", "kind"))
    marked = client.post(reverse("corpora-api:article-mark-comments", args=[article.pk]), {"from_position": 80})
    previous = marked.json()["previous"]
    assert {p["id"]: p["kind"] for p in previous} == kinds
    url = reverse("corpora-api:article-mark-comments-undo", args=[article.pk])
    undone = client.post(url, {"paragraphs": previous}, format="json")
    assert undone.status_code == 200 and undone.json()["restored"] == len(previous)
    assert dict(article.paragraphs.filter(position__gte=80).values_list("id", "kind")) == kinds
    for bad in ({"paragraphs": []}, {"paragraphs": [{**previous[0], "kind": "poem"}]}, {"paragraphs": "x"}):
        response = client.post(url, bad, format="json")
        assert response.status_code == 400 and "paragraphs" in response.json()
    assert dict(article.paragraphs.filter(position__gte=80).values_list("id", "kind")) == kinds
