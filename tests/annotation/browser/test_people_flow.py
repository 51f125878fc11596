"""People in the browser at 1280x800: a manager invites by e-mail, the invitee signs up in a new
browser context and lands in the project; the manager then deactivates someone after a confirmation."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from annotation.models import ProjectMembership

from .builders import build_scene
from .conftest import DESKTOP, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
User = get_user_model()
PASSWORD = "quiet harbour lantern 57"


def test_manager_invites_invitee_signs_up_and_lands_in_the_project(
    transactional_db, live_server, new_page, artifacts_dir
):
    scene = build_scene(paragraphs=["Beijing called the pipeline deal good for both sides."])
    manager_page = new_page(DESKTOP)
    log_in(manager_page, live_server, "boss", next_url=f"/projects/{scene.project.pk}/people/")
    expect(manager_page.locator("#invitations")).to_contain_text("No pending invitations.")
    manager_page.screenshot(path=str(artifacts_dir / "people-empty-invitations-1280.png"), full_page=True)

    manager_page.fill("#invite input[name=email]", "nadia@example.org")
    manager_page.select_option("#invite select[name=role]", "annotator")
    manager_page.fill("#invite input[name=expires_in_days]", "3")
    manager_page.get_by_role("button", name="Create invitation").click()
    link = manager_page.locator("#invitation-link").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/invitations/[A-Za-z0-9_-]{{40,}}/", link)
    expect(manager_page.locator(".messages")).to_contain_text("Invitation sent to nadia@example.org")
    expect(manager_page.locator("#invitations tbody tr")).to_have_count(1)
    manager_page.screenshot(path=str(artifacts_dir / "people-invitation-created-1280.png"), full_page=True)
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body  # the live server shares this process's outbox

    invitee = new_page(DESKTOP)  # a new browser context: no session, no cookies
    invitee.goto(link)
    expect(invitee.locator("h1")).to_have_text(f"Join {scene.project.name}")
    expect(invitee.locator("input[name=email]")).to_have_value("nadia@example.org")
    invitee.fill("input[name=username]", "nadia")
    invitee.fill("input[name=password]", "password")
    invitee.fill("input[name=password_again]", "password")
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee.locator(".error").first).to_contain_text("too common")
    invitee.screenshot(path=str(artifacts_dir / "signup-weak-password-1280.png"), full_page=True)
    invitee.fill("input[name=password]", PASSWORD)
    invitee.fill("input[name=password_again]", PASSWORD)
    invitee.get_by_role("button", name="Create my account").click()
    invitee.wait_for_url(f"{live_server.url}/projects/{scene.project.pk}/annotate/")
    expect(invitee.locator(".messages")).to_contain_text(f"Welcome, nadia: you are a member of {scene.project.name}")
    invitee.screenshot(path=str(artifacts_dir / "signup-landed-in-project-1280.png"))
    assert ProjectMembership.objects.get(user__username="nadia", project=scene.project).role == "annotator"

    # The link is used up: a second visit says so.
    third = new_page(DESKTOP)
    response = third.goto(link)
    assert response.status == 410
    expect(third.locator("[role=alert]")).to_contain_text("already been used")

    # Back on the People page: nadia is a member; deactivating asks first.
    manager_page.goto(f"{live_server.url}/projects/{scene.project.pk}/people/")
    expect(manager_page.locator("#invitations")).to_contain_text("No pending invitations.")
    row = manager_page.locator("tr[data-username=nadia]")
    expect(row).to_contain_text("active")
    row.get_by_role("link", name="Deactivate…").click()
    expect(manager_page.locator("h1")).to_have_text("Deactivate nadia?")
    manager_page.screenshot(path=str(artifacts_dir / "people-deactivate-confirm-1280.png"))
    manager_page.get_by_role("button", name="Deactivate nadia").click()
    expect(manager_page.locator(".messages")).to_contain_text("nadia is deactivated")
    expect(manager_page.locator("tr[data-username=nadia]")).to_contain_text("deactivated")
    manager_page.screenshot(path=str(artifacts_dir / "people-after-deactivation-1280.png"), full_page=True)
    assert not User.objects.get(username="nadia").is_active

    invitee.reload()  # her session no longer counts
    assert "/accounts/login/" in invitee.url
    for page in (manager_page, invitee, third):  # the 400 and 410 answers above are meant; no script errors
        assert [e for e in page.errors if "Failed to load resource" not in e] == [], page.errors
