"""The workspace converts the browser's UTF-16 offsets to Python's code-point offsets, both ways."""

import pytest

from .builders import build_scene
from .conftest import log_in

pytestmark = [pytest.mark.browser]

SAMPLES = [
    "plain ascii",
    "🌍 emoji first, then 🇪🇺 a flag (two astral code points)",
    "Zoë and Zoe\u0308 (precomposed vs combining)",
    "北京表示 pipeline 协议",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters",
]


def test_offsets_match_python_code_points_for_astral_and_combining_text(transactional_db, live_server, page):
    scene = build_scene(paragraphs=["Anything."])
    log_in(page, live_server, "ann", next_url=f"/projects/{scene.project.pk}/annotate/")
    page.wait_for_function("() => window.StandpointWorkspace !== undefined")
    for text in SAMPLES:
        units = page.evaluate("(t) => t.length", text)
        as_code_points = page.evaluate(
            "(t) => Array.from({length: t.length + 1}, (_, u) => window.StandpointWorkspace.toCodePoints(t, u))", text
        )
        back = page.evaluate(
            "([t, n]) => Array.from({length: n + 1}, (_, c) => window.StandpointWorkspace.toUnits(t, c))",
            [text, len(text)],
        )
        assert as_code_points[-1] == len(text), text
        assert len(back) == len(text) + 1 and back[-1] == units
        # Round trip: every code-point offset survives units -> code points.
        assert [as_code_points[u] for u in back] == list(range(len(text) + 1)), text
        # And the slice between two converted offsets is Python's slice.
        for start, end in [(0, 1), (1, 3), (len(text) - 2, len(text))]:
            sliced = page.evaluate("([t, a, b]) => t.slice(a, b)", [text, back[start], back[end]])
            assert sliced == text[start:end], (text, start, end)
