"""The agreement report as one self-contained HTML file: inline CSS and inline SVG charts, no links out."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

INLINE_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;max-width:1100px;margin:1.5rem auto;padding:0 1rem}
.table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}.table th,.table td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d0d7de}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.8rem}.muted{color:#656d76}.empty{color:#656d76;border:1px dashed #d0d7de;padding:1rem;text-align:center}
.agreement-headline{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:.8rem}
.metric-value{font-size:1.8em;font-weight:700}.metric-name,.metric-ci,.metric-reading{font-size:.9em}
.metric.good{border-left:6px solid #1a7f37}.metric.fair{border-left:6px solid #9a6700}.metric.poor{border-left:6px solid #cf222e}.metric.undefined{border-left:6px solid #6e7781}
.chart-grid{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}.chart-grid .wide{grid-column:1/3}figure{margin:0}figcaption{font-weight:600;margin-bottom:.3rem}
svg{max-width:100%;height:auto}
"""


def kappa_rows(report: dict) -> list[dict]:
    kappa = report["stance"]["cohen_kappa"]
    names = kappa.get("names") or [str(r) for r in kappa["raters"]]
    return [{"name": n, "values": row} for n, row in zip(names, kappa["matrix"], strict=True)]


def render_report_html(report: dict) -> str:
    from .charts import all_charts  # matplotlib: imported on use

    return render_to_string(
        "exports/agreement_report.html",
        {"report": report, "charts": all_charts(report), "kappa_rows": kappa_rows(report), "css": INLINE_CSS},
    )


def render_report_section(*, project_id: int, report: dict, charts: dict[str, str], query: str = "") -> SafeString:
    """The agreement page's report section (filters, figures, charts, tables) as HTML, autoescaped by
    the template. The stored report's section is rendered once when it is stored, so the page does
    not load the whole result or render its tables on every request."""
    suffix = f"?{query}" if query else ""
    for unit in report["worst_units"]:
        unit["adjudicate_url"] = reverse("annotation:adjudicate", args=[unit["task"]])
    return render_to_string(
        "exports/_agreement_report.html",
        {
            "report": report,
            "charts": charts,
            "kappa_rows": kappa_rows(report),
            "filters": report["params"]["filters"],
            "annotators": report["filter_options"]["annotators"],
            "html_url": reverse("exports-api:agreement-html", args=[project_id]) + suffix,
            "json_url": reverse("exports-api:agreement", args=[project_id]) + suffix,
            "project": {"pk": project_id},
        },
    )
