"""Template filters for the server-rendered pages (presentation only)."""

from django import template
from django.utils.safestring import mark_safe

from annotation.guidelines import render_guidelines

register = template.Library()


@register.filter
def safe_markdown(text: str) -> str:
    """Markdown rendered and sanitised by nh3, so marking it safe is sound."""
    return mark_safe(render_guidelines(text))  # noqa: S308 - nh3 cleaned it


@register.filter
def percent(part, whole) -> int:
    """Whole-number percentage for progress bars; 0 when there is nothing to do."""
    try:
        return round(100 * part / whole) if whole else 0
    except (TypeError, ZeroDivisionError):
        return 0
