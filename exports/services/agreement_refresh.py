"""Stored agreement reports, refreshed in the background after submissions settle.

- A submission marks the project pending: one ``INSERT ... ON CONFLICT DO NOTHING`` (no lock on an
  existing row, no write when the project is already pending). Only the submission that creates the
  row schedules a refresh, on the ``exports`` queue, ``AGREEMENT_REFRESH_DEBOUNCE_S`` later.
- The refresh waits while submissions keep coming (the newest is younger than the debounce), but not
  longer than ``AGREEMENT_REFRESH_MAX_WAIT_S`` after the first pending one; then it claims the row
  (deletes it: later submissions create a new one and schedule a new refresh), and stores a new report
  unless the latest stored one already has the same inputs.
- "Refresh now" marks the row forced and enqueues at once. A second delivery finds no row and stops.
- Without a broker (the demo) the refresh runs in a background thread of the web process.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from annotation.models import Project
from annotation.services.enqueue import enqueue
from exports.models import AgreementReport, AgreementReportPending
from exports.report_html import render_report_section
from exports.selectors import annotations as selectors

log = logging.getLogger(__name__)
REFRESH_PARAMS = {"n_boot": 1000, "seed": 0}


def _schedule(project_id: int, countdown: float) -> None:
    """Enqueue a refresh after the current transaction commits."""
    transaction.on_commit(lambda: _enqueue(project_id, countdown))


def _enqueue(project_id: int, countdown: float) -> None:
    if settings.CELERY_IN_PROCESS:
        timer = threading.Timer(max(countdown, 0.0), _run_in_thread, args=[project_id])
        timer.daemon = True
        timer.start()
        return
    enqueue("exports.refresh_agreement_report", project_id, countdown=max(countdown, 0.0))


def _run_in_thread(project_id: int) -> None:
    try:
        agreement_report_refresh(project_id=project_id)
    except Exception:  # a background thread has no caller to tell: log it, the row stays pending
        log.exception("Agreement report refresh of project %s failed", project_id)
    finally:
        connections.close_all()


def agreement_mark_pending(*, project_id: int) -> bool:
    """Called in the submit transaction. True when this submission made the project pending."""
    table = AgreementReportPending._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (project_id, since, forced) VALUES (%s, %s, %s) "
            "ON CONFLICT (project_id) DO NOTHING RETURNING project_id",
            [project_id, timezone.now(), False],
        )
        created = cur.fetchone() is not None
    if created:
        _schedule(project_id, settings.AGREEMENT_REFRESH_DEBOUNCE_S)
    return created


@transaction.atomic
def agreement_refresh_request(*, project: Project) -> AgreementReportPending:
    """ "Refresh now": mark the project pending and forced, and enqueue a refresh without delay."""
    pending, created = AgreementReportPending.objects.get_or_create(
        project=project, defaults={"since": timezone.now(), "forced": True}
    )
    if not created and not pending.forced:
        AgreementReportPending.objects.filter(pk=pending.pk).update(forced=True)
    _schedule(project.pk, 0)
    return pending


def _charts_of(result: dict) -> dict[str, str]:
    from exports.charts import all_charts  # matplotlib: imported on use

    return all_charts(result)


def stored_report_charts(*, report: AgreementReport) -> dict[str, str]:
    """The stored report's chart SVGs: rendered at refresh; a report stored before that gets them once."""
    if report.charts is None:
        report.charts = _charts_of(report.result)
        AgreementReport.objects.filter(pk=report.pk).update(charts=report.charts)
    return report.charts


def stored_report_page(*, report: AgreementReport) -> SafeString:
    """The stored report's page section (exports.report_html.render_report_section): rendered when the
    report is stored; a report stored before that gets it once. It is the output of an autoescaping
    template over the result, so it is inserted as it is."""
    if report.page_html is None:
        full = AgreementReport.objects.get(pk=report.pk)
        report.page_html = render_report_section(
            project_id=full.project_id, report=full.result, charts=stored_report_charts(report=full)
        )
        AgreementReport.objects.filter(pk=report.pk).update(page_html=report.page_html)
    return mark_safe(report.page_html)  # noqa: S308 - rendered by an autoescaping template, see above


def latest_stored_report(*, project: Project, with_result: bool = True) -> AgreementReport | None:
    """The newest stored report; without its result and charts (large JSON) for the page."""
    reports = AgreementReport.objects.filter(project=project, dataset_version=None, params=REFRESH_PARAMS)
    if not with_result:
        reports = reports.defer("result", "charts")
    return reports.order_by("-created_at", "-pk").first()


def agreement_refresh_state(*, project: Project, with_result: bool = True) -> dict:
    """What the page shows: the stored report (or None), and whether a refresh is pending since when.

    A pending row older than the longest wait plus the debounce means its refresh was lost (a broker
    flushed, a worker killed): it is enqueued again."""
    report = latest_stored_report(project=project, with_result=with_result)
    pending = AgreementReportPending.objects.filter(project=project).first()
    if pending is None and report is None:
        pending = agreement_refresh_request(project=project)
    elif pending is not None:
        overdue = timedelta(seconds=settings.AGREEMENT_REFRESH_MAX_WAIT_S + 2 * settings.AGREEMENT_REFRESH_DEBOUNCE_S)
        if timezone.now() - pending.since > overdue:
            _schedule(project.pk, 0)
    return {
        "report": report,
        "pending_since": pending.since if pending else None,
        "age_s": (timezone.now() - report.created_at).total_seconds() if report else None,
    }


def agreement_report_store(*, project: Project, inputs_hash: str, result: dict) -> AgreementReport:
    """Store a refreshed report with what the page shows rendered once: its charts and its section."""
    charts = _charts_of(result)
    page_html = render_report_section(project_id=project.pk, report=result, charts=charts)
    return AgreementReport.objects.create(
        project=project,
        params=REFRESH_PARAMS,
        inputs_hash=inputs_hash,
        result=result,
        charts=charts,
        page_html=str(page_html),
    )


def agreement_report_refresh(*, project_id: int) -> AgreementReport | None:
    """The background refresh (see the module docstring). Returns the stored report, or None when
    there was nothing to do or it is waiting for submissions to settle."""
    from exports.services.agreement import agreement_report_build

    pending = AgreementReportPending.objects.filter(project_id=project_id).first()
    if pending is None:
        return None
    now = timezone.now()
    if not pending.forced:
        quiet = timedelta(seconds=settings.AGREEMENT_REFRESH_DEBOUNCE_S)
        last = selectors.last_submitted_at(project_id=project_id)
        waited = now - pending.since
        if (
            last is not None
            and now - last < quiet
            and waited < timedelta(seconds=settings.AGREEMENT_REFRESH_MAX_WAIT_S)
        ):
            _enqueue(project_id, (quiet - (now - last)).total_seconds())
            return None
    claimed, _ = AgreementReportPending.objects.filter(pk=project_id, since=pending.since).delete()
    if not claimed:
        return None
    project = Project.objects.get(pk=project_id)
    try:
        inputs_hash = selectors.agreement_inputs_hash(project=project, params=REFRESH_PARAMS)
        latest = latest_stored_report(project=project)
        if latest is not None and latest.inputs_hash == inputs_hash:
            return latest
        result = agreement_report_build(project=project, **REFRESH_PARAMS)
        return agreement_report_store(project=project, inputs_hash=inputs_hash, result=result)
    except Exception:
        # Put the claim back (keeping the oldest pending time) so the page shows it and retries it.
        AgreementReportPending.objects.get_or_create(project_id=project_id, defaults={"since": pending.since})
        raise
