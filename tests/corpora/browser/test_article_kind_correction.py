"""A manager corrects kinds on the article page in a real browser: menu, keyboard, 'comments from here'."""

import re

import pytest
import redis
from playwright.sync_api import expect

from corpora.import_jobs import import_job_run
from corpora.models import ImportJob, Paragraph
from corpora.selectors import paragraph_history
from corpora.services.imports import corpus_import
from tests.factories import UserFactory

from .conftest import log_in

pytestmark = pytest.mark.browser


def test_manager_changes_kinds_with_menu_keyboard_and_comment_button(
    transactional_db, live_server, browser_page, shared_corpus_dir, artifacts_dir
):
    boss = UserFactory(username="boss", is_staff=True)
    corpus_import(path=shared_corpus_dir / "002_b8aa54d3edd41c2c.txt", corpus_name="shared", user=boss)
    article = Paragraph.objects.get(position=0).article
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
    expect(page.locator("#confirm-dialog")).to_be_visible()  # it asks first, and says what will happen
    expect(page.locator("#confirm-text")).to_contain_text("Paragraphs #36 to #94 (59 paragraphs)")
    expect(page.locator("#confirm-text")).to_contain_text("None of them has submitted annotations")
    page.click("#confirm-ok")
    expect(page.locator("#status")).to_contain_text("paragraph(s) from #36 to the end are now comments")
    status_box = page.locator("#status").bounding_box()
    assert status_box["y"] >= 0 and status_box["y"] + status_box["height"] <= 800  # in view, not at the page's end
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


def test_comments_from_here_offers_an_undo_that_restores_the_earlier_kinds(
    transactional_db, live_server, browser_page, shared_corpus_dir, artifacts_dir
):
    boss = UserFactory(username="boss", is_staff=True)
    corpus_import(path=shared_corpus_dir / "002_b8aa54d3edd41c2c.txt", corpus_name="shared", user=boss)
    article = Paragraph.objects.get(position=0).article
    before = dict(article.paragraphs.values_list("position", "kind"))
    page = browser_page
    log_in(page, live_server, "boss", f"/corpora/articles/{article.pk}/")
    expect(page.locator("#p-9")).to_have_class(re.compile("corp-para-title"))  # a detected section title

    page.click("#p-5 .corp-comments-button")
    page.click("#confirm-ok")
    expect(page.locator("#status")).to_contain_text("from #5 to the end are now comments")
    expect(page.locator("#status-undo")).to_be_visible()
    expect(page.locator("#p-9")).to_have_class(re.compile("corp-para-comment"))
    page.screenshot(path=str(artifacts_dir / "corpora-article-comments-undo-offer.png"), full_page=False)
    assert set(article.paragraphs.filter(position__gte=5).values_list("kind", flat=True)) == {"comment"}

    page.click("#status-undo")
    expect(page.locator("#status")).to_contain_text("Undone: 90 paragraphs from #5 have their earlier kind again")
    expect(page.locator("#p-9")).to_have_class(re.compile("corp-para-title"))
    expect(page.locator("#p-9 .corp-source")).to_contain_text("detected:")
    expect(page.locator("#status-undo")).to_have_count(0)  # one undo per mark
    page.screenshot(path=str(artifacts_dir / "corpora-article-comments-undone.png"), full_page=False)
    assert dict(article.paragraphs.values_list("position", "kind")) == before
    reasons = [h["reason"] for h in paragraph_history(paragraph=article.paragraphs.get(position=9))]
    assert reasons[:2] == ["undo: comments from here", "from here to the end are comments"]

    # the u key does the same while the message shows
    page.click("#p-90 .corp-text")
    page.keyboard.press("c")
    page.click("#confirm-ok")
    expect(page.locator("#status-undo")).to_be_visible()
    page.keyboard.press("u")
    expect(page.locator("#status")).to_contain_text("Undone: 5 paragraphs from #90")
    assert dict(article.paragraphs.values_list("position", "kind")) == before
    assert page.errors == []


def test_the_upload_page_shows_the_live_progress_then_the_report(
    transactional_db, live_server, browser_page, settings, artifacts_dir
):
    """The browser uploads; the job waits for a worker (this test plays the worker); the page's poller
    follows the job and shows the report when it is done."""
    UserFactory(username="boss", is_staff=True)
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, "boss", "/corpora/upload/")
    page.fill("input[name=new_name]", "Browser upload")
    page.fill("#upload-encoding", "")
    sample = settings.BASE_DIR / "corpora" / "sample_corpus"
    page.set_input_files("input[name=file]", [str(p) for p in sorted(sample.iterdir())])
    page.screenshot(path=str(artifacts_dir / "corpora-upload-form.png"), full_page=False)
    page.click("#upload-button")
    page.wait_for_selector(".corp-job[data-status=pending]")
    expect(page.locator(".corp-job [data-field=current]")).to_have_text("Waiting for a worker to start it.")
    expect(page.locator("ul.messages")).to_contain_text("4 file(s) uploaded; a background worker imports them")
    page.screenshot(path=str(artifacts_dir / "corpora-upload-waiting.png"), full_page=False)
    job = ImportJob.objects.get()
    import_job_run(job_id=job.pk)  # the worker's part, as corpora.import_upload does it
    page.wait_for_selector("#import-report", timeout=15000)  # the poller saw "complete" and reloaded
    report = page.inner_text("#import-report")
    assert "4 file(s) imported (5 articles, 30 paragraphs)" in " ".join(report.split())
    page.screenshot(path=str(artifacts_dir / "corpora-upload-report.png"), full_page=True)
    page.click("text=Open the corpus")
    page.wait_for_selector("#imports")
    assert "Report of the latest finished import" in page.inner_text("#latest-report")
    page.screenshot(path=str(artifacts_dir / "corpora-detail.png"), full_page=True)
    assert page.errors == []
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("default")  # the job's message, run here instead


def test_changes_touching_submitted_work_ask_first_and_say_what_happens_to_the_task(
    transactional_db, live_server, browser_page, shared_corpus_dir, artifacts_dir
):
    from tests.factories import AnnotationFactory, MembershipFactory, ProjectFactory, TaskFactory

    boss = UserFactory(username="boss", is_staff=True)
    corpus_import(path=shared_corpus_dir / "002_b8aa54d3edd41c2c.txt", corpus_name="shared", user=boss)
    article = Paragraph.objects.get(position=0).article
    project = ProjectFactory()
    project.corpora.add(article.corpus)
    MembershipFactory(project=project, user=boss, role="manager")
    worked = article.paragraphs.get(position=40)
    task = TaskFactory(project=project, paragraph=worked)
    AnnotationFactory(task=task, status="submitted")
    AnnotationFactory(task=task, status="submitted")
    page = browser_page
    log_in(page, live_server, "boss", f"/corpora/articles/{article.pk}/")
    expect(page.locator("#p-40 .corp-work")).to_have_text("2 submitted annotations")

    page.select_option("#p-40 .corp-kind-select", "noise")
    expect(page.locator("#confirm-dialog")).to_be_visible()
    expect(page.locator("#confirm-text")).to_contain_text("2 submitted annotations")
    expect(page.locator("#confirm-text")).to_contain_text("never removes a task with work")
    page.screenshot(path=str(artifacts_dir / "corpora-article-confirm-kind.png"), full_page=False)
    page.keyboard.press("Escape")  # cancel: nothing changes, the menu shows the old kind again
    expect(page.locator("#confirm-dialog")).to_be_hidden()
    expect(page.locator("#status")).to_contain_text("was not changed")
    assert page.locator("#p-40 .corp-kind-select").input_value() == "comment"
    worked.refresh_from_db()
    assert worked.kind == "comment" and worked.kind_source == "auto"

    page.select_option("#p-40 .corp-kind-select", "noise")
    page.click("#confirm-ok")
    expect(page.locator("#status")).to_contain_text("Its task keeps its 2 submitted annotations")
    expect(page.locator("#status")).to_contain_text("the next task sync closes it")
    status_box = page.locator("#status").bounding_box()
    assert status_box["y"] >= 0 and status_box["y"] + status_box["height"] <= 800  # reported in view
    page.screenshot(path=str(artifacts_dir / "corpora-article-kind-changed-report.png"), full_page=False)
    worked.refresh_from_db()
    assert worked.kind == "noise"
    # ... and the task does what the page said: the sync keeps it with its work, closed to annotators.
    from annotation.services.projects import tasks_sync

    result = tasks_sync(project=project)
    task.refresh_from_db()
    assert result.closed == 1 and task.closed_at is not None and task.annotations.count() == 2

    page.click("#p-38 .corp-text")
    page.keyboard.press("c")
    expect(page.locator("#confirm-text")).to_contain_text("1 of them has 2 submitted annotations")
    page.click("#confirm-cancel")
    expect(page.locator("#status")).to_contain_text("Nothing was marked")
    assert article.paragraphs.get(position=38).kind_source == "auto"
    assert page.errors == []


def test_manager_merges_a_cut_quotation_and_splits_a_paragraph_at_the_caret(
    transactional_db, live_server, browser_page, shared_corpus_dir, artifacts_dir
):
    boss = UserFactory(username="boss", is_staff=True)
    corpus_import(path=shared_corpus_dir / "001_906daba6f3fdc6f9.txt", corpus_name="shared", user=boss)
    article = Paragraph.objects.get(position=0).article
    cut = article.paragraphs.get(text__startswith="hypersonic missiles")
    before = article.paragraphs.count()
    page = browser_page
    log_in(page, live_server, "boss", f"/corpora/articles/{article.pk}/")
    page.click(f"#p-{cut.position - 1} .corp-text")
    page.keyboard.press("m")  # no work on these paragraphs: no question, it merges and the page reloads
    expect(page.locator("#status")).to_contain_text(f"Paragraph #{cut.position - 1} now includes the next one")
    assert article.paragraphs.count() == before - 1
    merged = article.paragraphs.get(position=cut.position - 1)
    assert merged.text.endswith(cut.text) and article.text[merged.start : merged.end] == merged.text
    page.screenshot(path=str(artifacts_dir / "corpora-article-merged.png"), full_page=False)

    # Split paragraph 3 after its first sentence: the caret goes there, then 's'.
    third = article.paragraphs.get(position=3)
    at = third.text.index(". ") + 2
    page.click("#p-3 .corp-text")
    page.evaluate(
        """([selector, at]) => {
        const node = document.querySelector(selector).firstChild;
        window.getSelection().collapse(node, at);
    }""",
        ["#p-3 .corp-text", at],
    )
    page.keyboard.press("s")
    expect(page.locator("#status")).to_contain_text(f"split in two at character {at}")
    assert article.paragraphs.count() == before
    first, second = article.paragraphs.filter(position__in=[3, 4]).order_by("position")
    assert first.text == third.text[:at].rstrip() and second.text == third.text[at:]
    assert all(article.text[p.start : p.end] == p.text for p in article.paragraphs.all())
    assert page.errors == []


def test_corpus_page_shows_the_model_and_the_retrain_page_asks_first(
    transactional_db, live_server, browser_page, shared_corpus_dir, artifacts_dir
):
    from corpora.services.kind_corrections import paragraph_kind_set

    boss = UserFactory(username="boss", is_staff=True)
    corpus_import(path=shared_corpus_dir / "003_02f75c1c77fcec06.txt", corpus_name="shared", user=boss)
    article = Paragraph.objects.get(position=0).article
    page = browser_page
    log_in(page, live_server, "boss", f"/corpora/{article.corpus_id}/")
    expect(page.locator("#kind-model")).to_contain_text("the shipped model (learned from 0 corrections")
    page.screenshot(path=str(artifacts_dir / "corpora-detail-kind-model.png"), full_page=False)
    page.click("text=Retrain with corrections…")
    expect(page.locator(".empty")).to_contain_text("No kind corrections yet")
    paragraph_kind_set(paragraph=article.paragraphs.get(position=1), kind="noise", user=boss)
    page.reload()
    page.screenshot(path=str(artifacts_dir / "corpora-kind-model-retrain.png"), full_page=False)
    page.click("text=Retrain with 1 correction")
    expect(page.locator("#kind-model")).to_contain_text("learned from 1 correction", timeout=60_000)
    assert page.errors == []
