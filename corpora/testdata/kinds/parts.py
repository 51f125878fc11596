"""Helpers the layouts share: filling slots, body paragraphs, comment threads."""

import random

from . import chrome, prose

B, T, M, E, C, N, F = "body", "title", "byline_or_meta", "editor_note", "comment", "noise", "footer"


class Ctx:
    """One article being made: its random generator, topic, and the slot values it keeps."""

    def __init__(self, rng: random.Random, topic: str):
        self.rng, self.topic = rng, topic
        self.country = rng.choice(prose.COUNTRIES)
        self.author = rng.choice(prose.NAMES)
        self.year = rng.choice([2022, 2023, 2024, 2025])
        self.month = rng.choice(["January", "March", "April", "June", "August", "September", "October", "November"])
        self.day = rng.randint(1, 28)
        second = rng.choice([t for t in prose.TOPICS if t != topic])
        self._pool: list[str] = []
        self._sources = prose.TOPICS[topic] + prose.TOPICS[second][:6]

    def sentences(self, n: int) -> list[str]:
        """n topic sentences, filled, without repeating one until the article's pool is used up."""
        out = []
        for _ in range(n):
            if not self._pool:
                self._pool = list(self._sources)
                self.rng.shuffle(self._pool)
            out.append(self.fill(self._pool.pop()))
        return out

    def fill(self, template: str) -> str:
        r = self.rng
        values = {
            "country": self.country if r.random() < 0.7 else r.choice(prose.COUNTRIES),
            "year": self.year + r.randint(1, 4),
            "year2": self.year + r.randint(5, 15),
            "year0": self.year - r.randint(3, 20),
            "pct": r.choice([3, 4.5, 7, 12, 18, 23, 31, 40]),
            "money": r.choice(["$1.2bn", "€840m", "$3.4 billion", "nearly $600 million", "€2.1bn"]),
            "month": r.choice(["January", "March", "May", "July", "September", "November"]),
            "official": r.choice(prose.OFFICIALS),
            "org": r.choice(prose.ORGS),
            "name": r.choice(prose.NAMES),
            "verb": r.choice(prose.VERBS),
            "thousands": r.choice(["12,000", "40,000", "7,500", "25,000"]),
            "small": r.choice([3, 4, 9, 11, 14, 17]),
            "weekday": r.choice(["Monday", "Tuesday", "Thursday", "Friday"]),
        }
        text = template.format(**values)
        return text[0].upper() + text[1:]

    def date(self, style: int | None = None) -> str:
        style = self.rng.randint(0, 5) if style is None else style
        short = self.month[:3]
        return [
            f"{self.month} {self.day}, {self.year}",
            f"{self.day} {self.month} {self.year}",
            f"{self.year}-{3:02d}-{self.day:02d}",
            f"{short} {self.day}, {self.year}",
            f"{self.day:02d}.{4:02d}.{self.year}",
            f"{self.month} {self.day}, {self.year} at 10:{self.day + 10} am",
        ][style]

    def headline(self) -> str:
        return self.fill(self.rng.choice(prose.HEADLINES[self.topic]))


def body_paragraph(ctx: Ctx) -> str:
    r = ctx.rng
    roll = r.random()
    if roll < 0.18:
        return " ".join([ctx.fill(r.choice(prose.QUOTES))] + ctx.sentences(r.randint(0, 2)))
    if roll < 0.26:
        return " ".join([ctx.fill(r.choice(prose.OPINION))] + ctx.sentences(1))
    if roll < 0.31:
        return r.choice(prose.ASIDES)
    return " ".join(ctx.sentences(r.randint(2, 4)))


def body(ctx: Ctx, n: int, *, headings: str = "", cut: bool = False) -> list[tuple[str, str]]:
    """n body paragraphs; headings 'title'/'sentence' adds section headings; cut: a stray line break
    splits one paragraph in two (both halves stay body)."""
    r = ctx.rng
    parts = [(body_paragraph(ctx), B) for _ in range(n)]
    if headings:
        pool = prose.HEADINGS_TITLE if headings == "title" else prose.HEADINGS_SENTENCE
        places = sorted(r.sample(range(2, n), min(3, n - 2)), reverse=True)
        for at, heading in zip(places, r.sample(pool, 3), strict=False):
            parts.insert(at, (heading, T))
    if cut:
        long = [i for i, (text, kind) in enumerate(parts) if kind == B and len(text) > 120]
        if long:
            i = r.choice(long)
            text = parts[i][0]
            spaces = [k for k, ch in enumerate(text) if ch == " " and 30 < k < len(text) - 30]
            k = r.choice(spaces)
            parts[i : i + 1] = [(text[:k], B), (text[k + 1 :], B)]
    return parts


def comments(
    ctx: Ctx, n: int, *, names: bool = True, times: bool = True, ui: bool = True, foreign: bool = False
) -> list[tuple[str, str]]:
    """A thread of n reader comments, with the commenter lines and widget text this layout shows."""
    r = ctx.rng
    out: list[tuple[str, str]] = []
    for text in r.sample(chrome.COMMENTS, n):
        if names and times and r.random() < 0.5:
            out.append((f"{r.choice(chrome.COMMENTERS)} says: {r.choice(chrome.TIMES)}", C))
        else:
            if names:
                out.append((r.choice(chrome.COMMENTERS), C))
            if times:
                out.append((r.choice(chrome.TIMES), C))
        for line in text.split("\n"):
            out.append((line, C))
        if ui and r.random() < 0.5:
            out.append((r.choice(chrome.REPLY_UI), C))
        if foreign and r.random() < 0.4:
            out.append((r.choice(chrome.FOREIGN_UI), N))
    return out
