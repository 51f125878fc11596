"""A manager adjudicates at 1280x800 by keyboard: every annotator's spans in the paragraph, grouped
statements, accept all agreed in one key, and a confirmation before gold is replaced."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotation.models import Adjudication, Annotation, Prediction, PredictionSet, StanceLabel, Statement
from tests.factories import AnnotationFactory, MembershipFactory, UserFactory

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = "Beijing said the pipeline deal is good, while officials in Brussels said it was not."


def annotate(task, user, statements):
    annotation = AnnotationFactory(
        task=task, annotator=user, status=Annotation.Status.SUBMITTED, submitted_at=timezone.now()
    )
    for i, (actor, claim, stance, actor_span, evidence) in enumerate(statements):
        Statement.objects.create(
            annotation=annotation,
            position=i,
            actor=actor,
            actor_role="mention" if actor else "author",
            actor_start=actor_span[0] if actor_span else None,
            actor_end=actor_span[1] if actor_span else None,
            evidence_start=evidence[0] if evidence else None,
            evidence_end=evidence[1] if evidence else None,
            claim=claim,
            stance=StanceLabel.objects.get(project=task.project, value=stance),
        )
    return annotation


def test_manager_sees_spans_accepts_the_majority_and_confirms_a_replacement(
    transactional_db, live_server, page, artifacts_dir
):
    scene = build_scene(paragraphs=[TEXT])
    task, china, claim = scene.tasks[0], scene.china, scene.claim
    users = [scene.annotator] + [
        MembershipFactory(project=scene.project, user=UserFactory(username=n), role="annotator").user
        for n in ("bea", "cem")
    ]
    agreed = (china, claim, "favor", (0, 7), (0, 38))
    annotate(task, users[0], [agreed])
    annotate(task, users[1], [agreed, (None, claim, "neutral", None, (13, 38))])  # overlapping evidence
    annotate(task, users[2], [(china, claim, "against", (0, 7), (8, 38))])

    pset = PredictionSet.objects.create(task=task, model_name="sim", model_version="1")
    common = {"prediction_set": pset, "task": task, "model_name": "sim", "model_version": "1"}
    Prediction.objects.create(**common, kind="claim", claim=claim, score=0.81)
    for stance, score in (("favor", 0.7), ("against", 0.2)):
        Prediction.objects.create(
            **common,
            kind="stance",
            claim=claim,
            actor=china,
            stance=StanceLabel.objects.get(project=task.project, value=stance),
            score=score,
        )
    log_in(page, live_server, "boss", next_url=f"/tasks/{task.pk}/adjudicate/")
    # The legend names every annotator; each one's spans are highlighted in their colour, overlaps nested.
    expect(page.locator("#legend li")).to_have_count(3)
    expect(page.locator("#legend")).to_contain_text("ann")
    for i in range(3):
        expect(page.locator(f"#paragraph .hl-actor.ann-{i}").first).to_be_visible()
    assert page.locator("#paragraph .hl .hl").count() > 0  # overlapping spans nest, none is lost
    assert page.locator("#paragraph").inner_text() == TEXT  # the text itself is unchanged
    # Identical statements are one group with its count and annotators; the majority one is marked agreed.
    groups = page.locator("#groups .group")
    expect(groups).to_have_count(3)
    expect(groups.first).to_contain_text("2 of 3")
    expect(groups.first.locator(".ann-chip")).to_have_text(["ann", "bea"])
    expect(page.locator("#groups .group.agreed")).to_have_count(1)
    expect(page.locator("#keys")).to_contain_text("accept all agreed")
    # Pre-labels: one line per claim, its text once, with each suggested stance under it.
    prelabels = page.locator(".adj-prelabels")
    expect(prelabels.locator(".prelabel-claim")).to_have_count(1)
    assert prelabels.inner_text().count(claim.text) == 1
    expect(prelabels).to_contain_text("China: favor 0.70")
    page.screenshot(path=str(artifacts_dir / "adjudication_1280.png"), full_page=True)

    page.locator("h1").click()
    page.keyboard.press("a")  # accept all agreed
    expect(page.locator("#status")).to_have_text("Gold saved: the agreed statements.")
    expect(page.locator("#gold-table tbody tr")).to_have_count(1)
    gold = Adjudication.objects.get(task=task)
    assert [(g.actor_id, g.stance.value) for g in gold.statements.all()] == [(china.pk, "favor")]
    assert Adjudication.history.filter(task_id=task.pk).count() == 1  # one decision, one history record

    # "n" over existing gold asks first; Esc keeps the gold untouched.
    page.keyboard.press("n")
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("already has gold: 1 statement(s) by boss")
    page.screenshot(path=str(artifacts_dir / "adjudication_confirm_replace_1280.png"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#status")).to_contain_text("gold kept")
    gold.refresh_from_db()
    assert gold.no_statement is False and gold.statements.count() == 1
    assert Adjudication.history.filter(task_id=task.pk).count() == 1

    # Tick group 3 (cem's "against") with its number key, use it as gold, and confirm with Enter.
    page.keyboard.press("3")
    expect(groups.nth(2).locator("input.pick")).to_be_checked()
    page.keyboard.press("g")
    expect(dialog).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_have_text("Gold saved.")
    assert [g.stance.value for g in Adjudication.objects.get(task=task).statements.all()] == ["against"]
    assert Adjudication.history.filter(task_id=task.pk).count() == 2
    expect(page.locator("#history li")).to_have_count(2)

    # Removing gold asks too.
    page.keyboard.press("x")
    expect(dialog).to_contain_text("Remove this task's gold")
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_have_text("Gold removed.")
    assert not Adjudication.objects.filter(task=task).exists()
    expect(page.locator("#clear-gold")).to_be_disabled()  # nothing left to remove: the button says so
    page.keyboard.press("x")
    expect(page.locator("#status")).to_have_text("There is no gold to remove.")
    page.screenshot(path=str(artifacts_dir / "adjudication_after_1280.png"), full_page=True)
    assert not page.errors, page.errors


def test_accept_agreed_says_why_when_nothing_is_agreed(transactional_db, live_server, page, artifacts_dir):
    scene = build_scene(paragraphs=[TEXT])
    task, china, claim = scene.tasks[0], scene.china, scene.claim
    bea = MembershipFactory(project=scene.project, user=UserFactory(username="bea"), role="annotator").user
    annotate(task, scene.annotator, [(china, claim, "favor", (0, 7), None)])
    annotate(task, bea, [(china, claim, "against", (0, 7), None)])
    log_in(page, live_server, "boss", next_url=f"/tasks/{task.pk}/adjudicate/")
    expect(page.locator("#accept-agreed")).to_be_disabled()
    expect(page.locator("#groups .group.agreed")).to_have_count(0)
    page.locator("h1").click()
    page.keyboard.press("a")
    expect(page.locator("#status")).to_have_text("No statement is shared by a majority of this task's annotators.")
    page.screenshot(path=str(artifacts_dir / "adjudication_nothing_agreed_1280.png"))
    assert not Adjudication.objects.filter(task=task).exists()
    assert not page.errors, page.errors
