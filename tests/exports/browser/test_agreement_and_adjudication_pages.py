"""A manager reads the agreement page and adjudicates a disputed paragraph in a real Chromium."""

import pytest
from playwright.sync_api import expect

from annotation.models import Adjudication
from exports.services.agreement_refresh import agreement_refresh_request, agreement_report_refresh
from tests.annotation.browser.conftest import log_in
from tests.exports.builders import submit, task_in
from tests.factories import ActorFactory, ClaimFactory, MembershipFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def disputed(transactional_db):
    project = ProjectFactory(name="Pipeline stances")
    manager = MembershipFactory(project=project, user=UserFactory(username="boss"), role="manager").user
    people = [MembershipFactory(project=project, user=UserFactory(username=n)).user for n in ("ana", "ben", "cy")]
    actors = [ActorFactory(project=project, name=n) for n in ("Beijing", "Moscow")]
    claims = [ClaimFactory(project=project, text=t) for t in ("The pipeline deal is good", "Sanctions work")]
    stances = ["favor", "against", "neutral"]
    task = None
    for i in range(12):
        t = task_in(project)
        for j, person in enumerate(people):
            if (i + j) % 4 == 3:
                submit(t, person, [])
            else:
                submit(
                    t,
                    person,
                    [
                        (
                            actors[i % 2],
                            claims[(i + j) % 2 if i % 3 == 0 else 0],
                            stances[(i * j) % 3] if i % 2 else "favor",
                        )
                    ],
                )
        task = task if task is not None or i % 2 == 0 else t
    return {"project": project, "manager": manager, "task": task}


def test_agreement_page_shows_headline_charts_and_filters(live_server, page, disputed, artifacts_dir):
    project = disputed["project"]
    agreement_refresh_request(project=project)  # the page answers from the stored report: store it now
    assert agreement_report_refresh(project_id=project.pk) is not None
    log_in(page, live_server, "boss", next_url=f"/exports/projects/{project.pk}/agreement/")
    assert page.locator(".metric").count() == 5  # four α's and whole statements with partial credit
    assert page.locator(".chart-grid svg").count() == 3
    coefficients = page.locator("table.chance-corrected tbody th").all_inner_texts()
    assert coefficients[:2] == ["Gwet's AC1", "Brennan–Prediger"] and "Conger's κ" in coefficients
    page.screenshot(path=str(artifacts_dir / "h5-agreement-page.png"), full_page=True)
    page.select_option("select[name=label]", "against")
    page.click("text=Apply")
    assert "label=against" in page.url
    assert page.locator("select[name=label] option:checked").inner_text() == "against"
    assert not page.errors


def test_manager_picks_statements_into_gold_with_a_reason(live_server, page, disputed, artifacts_dir):
    task = disputed["task"]
    log_in(page, live_server, "boss", next_url=f"/projects/{disputed['project'].pk}/adjudication/")
    page.screenshot(path=str(artifacts_dir / "h5-adjudication-list.png"), full_page=True)
    page.click(f"a[href='/tasks/{task.pk}/adjudicate/']")
    expect(page.locator("#legend li")).to_have_count(3)  # the page names the task's three annotators
    page.fill("#reason", "Ana follows guideline 2")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("1")  # keyboard: tick the first statement, then g = use selected as gold
    assert page.locator("input.pick").first.is_checked()
    page.keyboard.press("g")
    page.wait_for_selector("#gold-table tbody tr")
    assert page.locator("#status").inner_text() == "Gold saved."
    page.screenshot(path=str(artifacts_dir / "h5-adjudicate-page.png"), full_page=True)
    adjudication = Adjudication.objects.get(task=task)
    assert adjudication.reason == "Ana follows guideline 2" and adjudication.statements.count() == 1
    # Edit the stance in place and save.
    page.select_option(".g-stance", "unclear")
    page.click("#save-edits")
    page.wait_for_function("() => document.getElementById('status').textContent === 'Edits saved.'")
    assert adjudication.statements.get().stance.value == "unclear"
    assert page.locator("#history li").count() >= 2
    assert not page.errors
