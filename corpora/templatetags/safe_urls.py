"""`http_url`: a URL from data may become a link only when it is http(s); anything else gives ""."""

from urllib.parse import urlsplit

from django import template

register = template.Library()

LINK_SCHEMES = frozenset({"http", "https"})


def http_url_or_empty(value) -> str:
    """The URL, stripped, when its scheme is http or https and it names a host; otherwise ""."""
    url = str(value or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in LINK_SCHEMES and parts.netloc else ""


@register.filter
def http_url(value) -> str:
    """Use as `{% with url=obj.url|http_url %}{% if url %}<a href="{{ url }}">…{% endif %}{% endwith %}`."""
    return http_url_or_empty(value)
