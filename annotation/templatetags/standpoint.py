"""Template filters for the server-rendered pages (presentation only)."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

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


@register.filter
def ago(when) -> str:
    """'just now' under a minute, else Django's timesince + ' ago' ('3 minutes ago')."""
    if when is None:
        return ""
    if timezone.now() - when < timedelta(minutes=1):
        return "just now"
    return f"{timesince(when)} ago"
