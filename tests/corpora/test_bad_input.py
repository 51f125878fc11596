"""Bad input to the corpus pages, API and importer is a 400 or a per-file error, never a 500."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from corpora.readers import zip_members
from tests.conftest import client_for
from tests.corpora.upload_support import upload_and_import
from tests.factories import ArticleFactory, CorpusFactory, UserFactory


def _zip_with_method(method: int) -> bytes:
    """A zip whose only member claims a compression method (central directory and local header)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "The minister said the talks went well. " * 5)
    data = bytearray(buffer.getvalue())
    for signature, offset in ((b"PK\x01\x02", 10), (b"PK\x03\x04", 8)):
        at = data.find(signature) + offset
        data[at : at + 2] = method.to_bytes(2, "little")
    return bytes(data)


def test_a_member_with_an_unknown_compression_method_is_skipped_with_its_reason():
    sources, skipped = zip_members("odd.zip", _zip_with_method(9))
    assert sources == []
    assert skipped == [
        (
            "odd.zip/a.txt",
            "the member is compressed with a method this importer cannot read "
            "(deflate64, method 9); re-create the archive with deflate (the default "
            "of most zip tools)",
        )
    ]
    assert "(method 77)" in zip_members("odd.zip", _zip_with_method(77))[1][0][1]


@pytest.mark.django_db
def test_uploading_such_a_zip_reports_the_member_as_skipped_with_the_reason():
    staff = UserFactory(username="boss", is_staff=True)
    corpus = CorpusFactory(owner=staff)
    job, _ = upload_and_import(client_for(staff), corpus, SimpleUploadedFile("odd.zip", _zip_with_method(9)))
    body = job["report"]
    assert body["imported"] == 0 and body["skipped"] == 1 and body["articles"] == 0
    [member] = body["files"]
    assert member["name"] == "odd.zip/a.txt" and member["status"] == "skipped" and "deflate64" in member["reason"]


@pytest.mark.django_db
def test_a_nul_byte_in_the_corpus_search_is_a_400_on_pages_and_api():
    staff = UserFactory(username="boss", is_staff=True)
    article = ArticleFactory(corpus=CorpusFactory(owner=staff))
    corpus_id = article.corpus_id
    page = Client()
    page.force_login(staff)
    for url in (f"/corpora/{corpus_id}/?q=a%00", f"/corpora/{corpus_id}/?language=%00en", "/corpora/?q=%00"):
        assert page.get(url).status_code == 400, url
    api = client_for(staff)
    for query in ("search=%00", "language=e%00n"):
        response = api.get(f"/api/corpora/{corpus_id}/articles/?{query}")
        assert response.status_code == 400 and "NUL" in response.json()["detail"], query
    assert page.get(f"/corpora/{corpus_id}/?q=a&language=en").status_code == 200
    assert api.get(f"/api/corpora/{corpus_id}/articles/?search=a").status_code == 200
