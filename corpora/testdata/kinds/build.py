"""Writes the kinds corpus: ``python -m corpora.testdata.kinds.build`` (deterministic, seed 14).

For each layout in ``layouts.LAYOUTS``, DEV_ARTICLES (development) or TEST_ARTICLES (test)
articles: ``dev/`` or ``test/`` (by
layout, ``layouts.TEST_LAYOUTS``) gets ``LNN_K.txt`` and its gold ``LNN_K.json``
(``{"layout", "paragraphs": [{"kind", "text"}]}``, one entry per paragraph in the order
``corpora.splitting.split_paragraphs`` finds them; the build checks that they line up).
"""

import json
import random
import textwrap
from pathlib import Path

from corpora.splitting import split_paragraphs

from . import chrome
from .layouts import LAYOUTS, TEST_LAYOUTS
from .parts import B, C, Ctx, E, F, M, N, comments

HERE = Path(__file__).resolve().parent
SEED, DEV_ARTICLES, TEST_ARTICLES = 14, 4, 3
TOPICS = ["energy", "trade", "security", "elections", "technology", "climate"]


def _after_last_body(parts) -> int:
    return max(i for i, (_, kind) in enumerate(parts) if kind == B) + 1


def perturb(ctx: Ctx, parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Scrapers' habits in varied positions, on top of the layout's own: a link-only line, a promo
    or pasted text inside or after the body, a byline moved after the body, an editor's note at the
    top or the end, a republishing line, a counter line in some word order, a disclaimer, and a
    comment thread (with or without a header) where the layout has none."""
    r = ctx.rng
    body_at = [i for i, (_, kind) in enumerate(parts) if kind == B]
    if r.random() < 0.35 and len(body_at) > 4:
        parts.insert(r.choice(body_at[2:-1]), (r.choice(chrome.LINKS), N))
    if r.random() < 0.25 and len(body_at) > 4:
        parts.insert(r.choice(body_at[2:-1]), (r.choice(chrome.PROMOS), N))
    if r.random() < 0.25:
        parts.insert(_after_last_body(parts), (r.choice(chrome.PASTED), N))
    if r.random() < 0.25:
        byline = r.choice([f"By {ctx.author}", f"— {ctx.author}", f"Author: {ctx.author}", ctx.author])
        parts.insert(_after_last_body(parts), (byline, M))
    if r.random() < 0.25:
        parts.insert(1 if r.random() < 0.6 else _after_last_body(parts), (r.choice(chrome.NOTES), E))
    if r.random() < 0.25:
        parts.insert(_after_last_body(parts), (r.choice(chrome.REPUBLISHED), F))
    if r.random() < 0.3:
        counter = r.choice(chrome.COUNTERS).format(a=r.randint(2, 90), b=f"{r.randint(1, 9)},{r.randint(100, 999)}")
        parts.insert(2 if r.random() < 0.6 else _after_last_body(parts), (counter, M))
    if r.random() < 0.2:
        parts.insert(_after_last_body(parts), (r.choice(chrome.DISCLAIMERS), F))
    if r.random() < 0.3 and not any(kind == C for _, kind in parts):
        if r.random() < 0.7:
            parts.append((r.choice(chrome.HEADERS), C))
        parts += comments(ctx, r.randint(2, 4), names=r.random() < 0.7, times=r.random() < 0.6)
    return parts


def render(parts: list[tuple[str, str]], separator: str) -> str:
    if separator == "lines":
        return "\n".join(text for text, _ in parts) + "\n"
    texts = [
        textwrap.fill(text, 72) if separator == "wrapped" and kind == B and len(text) > 90 else text
        for text, kind in parts
    ]
    return "\n\n".join(texts) + "\n"


def article(layout: str, k: int) -> tuple[str, list[dict]]:
    rng = random.Random(f"{SEED}-{layout}-{k}")
    ctx = Ctx(rng, TOPICS[(int(layout[1:]) + k) % len(TOPICS)])
    parts, separator = LAYOUTS[layout](ctx)
    parts = perturb(ctx, parts)
    text = render(parts, separator)
    spans = split_paragraphs(text)
    gold = [{"kind": kind, "text": span.text} for span, (_, kind) in zip(spans, parts, strict=False)]
    if len(spans) != len(parts) or any(
        " ".join(s.text.split()) != " ".join(p.split()) for s, (p, _) in zip(spans, parts, strict=False)
    ):
        raise SystemExit(f"{layout}_{k}: the splitter does not find the paragraphs the layout made")
    return text, gold


def main() -> None:
    for part in ("dev", "test"):
        (HERE / part).mkdir(exist_ok=True)
        for old in (HERE / part).glob("L*"):
            old.unlink()
    for layout in LAYOUTS:
        part = "test" if layout in TEST_LAYOUTS else "dev"
        for k in range(1, (TEST_ARTICLES if part == "test" else DEV_ARTICLES) + 1):
            text, gold = article(layout, k)
            (HERE / part / f"{layout}_{k}.txt").write_text(text, encoding="utf-8")
            (HERE / part / f"{layout}_{k}.json").write_text(
                json.dumps({"layout": layout, "paragraphs": gold}, ensure_ascii=False, indent=1) + "\n",
                encoding="utf-8",
            )


if __name__ == "__main__":
    main()
