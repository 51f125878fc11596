"""Project guidelines: Markdown rendered to HTML that is safe to put on a page (plain Python)."""

import markdown
import nh3


def render_guidelines(text: str) -> str:
    """Markdown -> sanitised HTML: scripts, event handlers and javascript: links are removed."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists", "fenced_code"], output_format="html")
    return nh3.clean(html, link_rel="noopener noreferrer nofollow")
