"""Guidelines are CommonMark with tables, sanitised (annotation.guidelines)."""

from annotation.guidelines import render_guidelines


def test_markdown_features_the_guidelines_use_render():
    html = render_guidelines(
        "# Rules\n\n| stance | when |\n| --- | --- |\n| favor | supports |\n\n"
        "1. first\n2. second\n\n```\ncode <b>\n```\n\nLabel **who**."
    )
    assert "<h1>Rules</h1>" in html and "<td>favor</td>" in html and "<ol>" in html
    assert "<code>code &lt;b&gt;\n</code>" in html and "<strong>who</strong>" in html


def test_scripts_handlers_and_javascript_links_are_removed():
    html = render_guidelines(
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n[x](javascript:alert(1))'
        '\n\n[ok](https://example.org)'
    )
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert render_guidelines("") == "" and render_guidelines(None) == ""
