"""Project guidelines: Markdown rendered to HTML that is safe to put on a page (plain Python).

markdown-it-py (CommonMark, plus GitHub-style tables) is the one Markdown library: the corpus
reader parses Markdown articles with it too.
"""

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark").enable("table")
# Every link becomes an <a>; nh3 (the one sanitiser) then drops unsafe hrefs such as javascript:,
# rather than markdown-it leaving them on the page as literal text.
_MARKDOWN.validateLink = lambda url: True


def render_guidelines(text: str) -> str:
    """Markdown -> sanitised HTML: scripts, event handlers and javascript: links are removed."""
    return nh3.clean(_MARKDOWN.render(text or ""), link_rel="noopener noreferrer nofollow")
