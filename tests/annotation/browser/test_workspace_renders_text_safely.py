"""A paragraph holding <script> and HTML is shown as the literal text and nothing in it runs."""

import pytest
from playwright.sync_api import expect

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser]

HOSTILE = (
    '<script>window.__pwned = "script"</script><img src="x" onerror="window.__pwned = \'img\'">'
    ' <b>Beijing</b> said <a href="javascript:window.__pwned=1">click</a> &amp; left.'
)
CONTEXT = "<iframe src=\"javascript:parent.__pwned='iframe'\"></iframe> Earlier <em>text</em>."


def test_script_and_html_in_a_paragraph_are_shown_as_text_and_never_run(transactional_db, live_server, page):
    scene = build_scene(paragraphs=[CONTEXT, HOSTILE], task_positions=[1], title="<i>Hostile</i> title")
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")

    expect(page.locator("#ws")).to_have_attribute("data-state", "task")
    paragraph = page.locator("#paragraph")
    expect(paragraph).to_have_text(HOSTILE)  # the literal characters, entities included
    expect(page.locator("#ctx-prev")).to_have_text(CONTEXT)
    expect(page.locator("#ws-title")).to_have_text("<i>Hostile</i> title")
    expect(page.get_by_text('<script>window.__pwned = "script"</script>', exact=False)).to_be_visible()

    assert page.evaluate("() => window.__pwned") is None
    counts = page.evaluate("""() => ['#paragraph', '#ctx-prev', '#ws-title'].map(
        (s) => document.querySelector(s).querySelectorAll('script, img, b, a, iframe, em, i').length)""")
    assert counts == [0, 0, 0]

    # Selecting inside the hostile text still yields exact offsets, and the quote is rendered as text.
    page.evaluate("""() => {
        const node = document.querySelector('#paragraph').firstChild;
        const at = node.data.indexOf('<b>Beijing</b>');
        const range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + '<b>Beijing</b>'.length);
        getSelection().removeAllRanges(); getSelection().addRange(range);
        document.querySelector('#paragraph').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    expect(page.locator("#c-actor-desc")).to_contain_text("“<b>Beijing</b>”")
    expect(page.locator("#paragraph .m-pending")).to_have_text("<b>Beijing</b>")
    assert page.evaluate("() => window.__pwned") is None
    assert not page.errors, page.errors
