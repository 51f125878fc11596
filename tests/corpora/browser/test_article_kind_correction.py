"""A manager corrects kinds on the article page in a real browser: menu, keyboard, 'comments from here'."""

import re

import pytest
from playwright.sync_api import expect

from corpora.models import Paragraph
from corpora.selectors import paragraph_history
from corpora.services import corpus_import
from tests.factories import UserFactory

from .conftest import log_in

pytestmark = pytest.mark.browser


def test_manager_changes_kinds_with_menu_keyboard_and_comment_button(transactional_db, live_server, browser_page,
                                                                     shared_corpus_dir, artifacts_dir):
    corpus_import(path=shared_corpus_dir / "002_b8aa54d3edd41c2c.txt", corpus_name="shared")
    article = Paragraph.objects.get(position=0).article
    UserFactory(username="boss", is_staff=True)
    page = browser_page
    log_in(page, live_server, "boss", f"/corpora/articles/{article.pk}/")
    assert page.locator(".corp-para").count() == 95
    page.screenshot(path=str(artifacts_dir / "corpora-article.png"), full_page=False)

    # 1. The menu: paragraph 4 (body) becomes noise.
    page.select_option("#p-4 .corp-kind-select", "noise")
    page.wait_for_selector("#p-4.corp-para-noise")
    # 2. The keyboard: select paragraph 9 by clicking its text, press 1 (body).
    page.click("#p-9 .corp-text")
    page.keyboard.press("1")
    page.wait_for_selector("#p-9.corp-para-body")
    # 3. Everything from paragraph 36 on is comments ('c' on the selected paragraph).
    page.click("#p-36 .corp-text")
    page.keyboard.press("c")
    expect(page.locator("#status")).to_contain_text("paragraph(s) from #36 to the end are now comments")
    expect(page.locator("#p-36")).to_have_class(re.compile("corp-para-comment"))
    page.screenshot(path=str(artifacts_dir / "corpora-article-corrected.png"), full_page=False)
    assert page.errors == []

    kinds = dict(article.paragraphs.values_list("position", "kind"))
    assert kinds[4] == "noise" and kinds[9] == "body"
    assert all(kinds[i] == "comment" for i in range(36, 95))
    assert kinds[35] == "body"
    history = paragraph_history(paragraph=article.paragraphs.get(position=4))
    assert [(h["kind"], h["user"]) for h in history] == [("noise", "boss"), ("body", None)]
    # After a reload the page shows what is stored, with the history.
    page.reload()
    assert page.locator("#p-4 .corp-kind-select").input_value() == "noise"
    assert "history (2)" in page.inner_text("#p-4")


def test_upload_page_shows_the_report_in_the_browser(transactional_db, live_server, browser_page, settings,
                                                     artifacts_dir):
    UserFactory(username="boss", is_staff=True)
    page = browser_page
    log_in(page, live_server, "boss", "/corpora/upload/")
    page.fill("input[name=new_name]", "Browser upload")
    sample = settings.BASE_DIR / "corpora" / "sample_corpus"
    page.set_input_files("input[name=file]", [str(p) for p in sorted(sample.iterdir())])
    page.click("#upload-button")
    page.wait_for_selector("#import-report")
    report = page.inner_text("#import-report")
    assert "4 file(s) imported (5 articles, 30 paragraphs)" in " ".join(report.split())
    page.screenshot(path=str(artifacts_dir / "corpora-upload-report.png"), full_page=True)
    page.click("text=Open the corpus")
    page.wait_for_selector("table.table")
    page.screenshot(path=str(artifacts_dir / "corpora-detail.png"), full_page=True)
    assert page.errors == []
