"""Fourteen imitated site layouts and scrapers' habits. Each returns (parts, separator).

parts: [(paragraph text, gold kind)] in order; separator: "blank" (blank line between
paragraphs), "lines" (one paragraph per line) or "wrapped" (body hard-wrapped at ~72 columns,
blank lines between paragraphs). Each layout has its own site wording; the pools in ``chrome``
and ``prose`` are shared.
"""

from . import chrome
from .parts import B, C, Ctx, E, F, M, N, T, body, comments


def wire(ctx: Ctx):
    """L01 news wire: dateline byline, 'Reporting by' credit, tags at the end."""
    r = ctx.rng
    parts = [
        (ctx.headline(), T),
        (f"By {ctx.author} and {r.choice(['Ivo Petrov', 'Sara Lind', 'Omar Haidari'])}", M),
        (f"{ctx.date(0)} · {r.randint(3, 9)} min read", M),
    ]
    parts += body(ctx, r.randint(6, 10), cut=r.random() < 0.4)
    parts += [
        (f"Reporting by {ctx.author}; Editing by {r.choice(['Mark Heinrich', 'Alison Williams'])}", M),
        (f"Tags: {ctx.country}, {ctx.topic}, diplomacy", F),
    ]
    return parts, "blank"


def substack(ctx: Ctx):
    """L02 newsletter platform: subtitle, name, date, likes/comments counters, plug, comments with names."""
    r = ctx.rng
    first = body(ctx, r.randint(6, 9))
    parts = [
        (ctx.headline(), T),
        (
            first[0][0]
            if r.random() < 0.5
            else r.choice(
                ["A few thoughts on a week that changed more than it seemed", "Notes on a decision nobody voted for"]
            ),
            T,
        ),
        (ctx.author, M),
        (ctx.date(3), M),
        (f"{r.randint(12, 900)} likes · {r.randint(2, 80)} comments", M),
    ]
    parts += first
    parts += [
        (
            f"Thanks for reading {ctx.author.split()[0]}'s Dispatch! Subscribe for free to receive new posts "
            "and support my work.",
            F,
        ),
        ("Share", N),
        (f"{r.randint(5, 40)} Comments", C),
    ]
    parts += comments(ctx, r.randint(3, 5), times=True)
    return parts, "blank"


def republisher(ctx: Ctx):
    """L03 blog republishing a piece: signed intro, 'originally published' byline, headings, comments."""
    r = ctx.rng
    parts = [
        (
            f"{r.choice(['Lambert', 'Conor', 'Nadia'])} here. This piece is a useful corrective to the usual "
            "coverage, though I think it is too kind to the ministry.",
            E,
        ),
        (ctx.headline(), T),
        (
            f"By {ctx.author}, {r.choice(['Senior Lecturer', 'Research Fellow', 'Professor'])} at "
            f"{r.choice(['the University of Leeds', 'Monash University', 'Sciences Po'])}. Originally published at "
            "The Exchange",
            M,
        ),
    ]
    parts += body(ctx, r.randint(7, 10), headings="title")
    parts += [("This article is republished from The Exchange under a Creative Commons license.", F)]
    parts += comments(ctx, r.randint(3, 5), times=False, ui=False)
    return parts, "blank"


def think_tank(ctx: Ctx):
    """L04 think-tank analysis: sentence-case headings, bio and disclaimer at the end."""
    r = ctx.rng
    parts = [
        (r.choice(["Analysis", "Commentary", "Policy Brief"]), M),
        (ctx.headline(), T),
        (f"{ctx.author} | {ctx.date(1)}", M),
    ]
    parts += body(ctx, r.randint(7, 11), headings="sentence")
    tail = [
        (f"{ctx.author} is a senior fellow in the {ctx.topic} programme at the Centre for Strategic Futures.", F),
        (
            "The opinions expressed in this article are those of the author and do not necessarily reflect the "
            "views of the Centre.",
            F,
        ),
    ]
    r.shuffle(tail)
    parts += tail + [("Download PDF", N)]
    return parts, "blank"


def newspaper_oped(ctx: Ctx):
    """L05 newspaper op-ed: breadcrumb, standfirst, caption, inline 'Read more', copyright."""
    r = ctx.rng
    main = body(ctx, r.randint(6, 9))
    caption = (
        f"Workers at a depot near the capital of {ctx.country} in {ctx.month}. "
        f"(Photo: {r.choice(['AFP', 'Getty Images', 'staff photographer'])})"
    )
    parts = [
        (r.choice(chrome.NAV[1:3]), N),
        (ctx.headline(), T),
        (r.choice(["Standfirst: ", ""]) + main[0][0][:90].rsplit(" ", 1)[0], T),
        (f"{ctx.author} | Updated: {ctx.date(4)} 14:0{r.randint(0, 9)} IST", M),
        (caption, M),
    ]
    parts += main[:3] + [(f"Read more: {ctx.fill('Why {country} changed its mind on the deal')}", N)] + main[3:]
    parts += [(f"© {ctx.year} The Daily Meridian. All rights reserved.", F)]
    return parts, "blank"


def aggregator(ctx: Ctx):
    """L06 aggregator scrape: cookie banner and nav on top, 'Source:' line, share and tag lines."""
    r = ctx.rng
    parts = [
        (r.choice(chrome.COOKIES), N),
        (chrome.NAV[0], N),
        (ctx.headline(), T),
        (f"Source: {r.choice(['Meridian Wire', 'Eastbound News', 'The Exchange'])}", F),
        (f"{r.randint(1, 9)},{r.randint(100, 999)} views", M),
    ]
    parts += body(ctx, r.randint(5, 8))
    parts += [
        ("Share on Facebook  Share on X  Email", N),
        (f"Related: {ctx.fill('{country} at a crossroads')}", F),
        (r.choice(chrome.LINKS), N),
    ]
    return parts, "lines"


def forum_heavy(ctx: Ctx):
    """L07 blog with a long comment thread, 'N Responses', foreign widget text."""
    r = ctx.rng
    parts = [(ctx.headline(), T), (f"Posted on {ctx.date(0)} by {ctx.author.split()[0].lower()}", M)]
    parts += body(ctx, r.randint(5, 8), cut=r.random() < 0.5)
    parts += [(f"{r.randint(6, 60)} Responses to “{parts[0][0]}”", C)]
    parts += comments(ctx, r.randint(5, 8), foreign=True)
    return parts, "blank"


def magazine(ctx: Ctx):
    """L08 long-form magazine: dek, 'Words by', captions between paragraphs, issue note, bio."""
    r = ctx.rng
    main = body(ctx, r.randint(8, 12), headings="title")
    at = r.randint(2, len(main) - 2)
    main.insert(at, (f"A market in the old town. Photograph: {r.choice(prose_names())} for The Long Read", M))
    parts = [
        (ctx.headline(), T),
        (
            r.choice(["A long read on power, money and patience", "How a small country learned to say no to big ones"]),
            T,
        ),
        (f"Words by {ctx.author} · Photography by {r.choice(prose_names())}", M),
    ]
    parts += main
    parts += [
        (f"This article appears in the {ctx.month} issue of The Long Read.", F),
        (
            f"{ctx.author} is a writer based in {r.choice(['Lisbon', 'Almaty', 'Nairobi'])}. "
            "Her book on frontier economies is out next year.",
            F,
        ),
    ]
    return parts, "blank"


def prose_names():
    from .prose import NAMES

    return NAMES


def translated(ctx: Ctx):
    """L09 translated piece: translator's note, 'Translated from', 'First published in'."""
    r = ctx.rng
    lang = r.choice(["Russian", "Turkish", "Portuguese"])
    parts = [
        (
            "Translator's note: the original uses a word for “partner” that also means “accomplice”; "
            "we have kept “partner” throughout.",
            E,
        ),
        (ctx.headline(), T),
        (ctx.author, M),
    ]
    parts += body(ctx, r.randint(6, 9))
    parts += [
        (f"Translated from the {lang} by {r.choice(prose_names())}.", F),
        (f"First published in {r.choice(['Novaya Zhizn', 'Gazete Kuzey', 'Folha do Sul'])} on {ctx.date(1)}.", F),
    ]
    return parts, "blank"


def email_newsletter(ctx: Ctx):
    """L10 e-mail newsletter pasted as text: hard-wrapped, 'View in browser', unsubscribe footer."""
    r = ctx.rng
    parts = [
        ("View this email in your browser", N),
        (ctx.headline(), T),
        (f"Issue #{r.randint(20, 300)} | {ctx.date(3)}", M),
    ]
    parts += body(ctx, r.randint(5, 8))
    parts += [
        ("Forwarded this email? Sign up here to get the next one.", F),
        ("You are receiving this because you subscribed at our website. Unsubscribe | Update preferences", F),
        ("Meridian Media, 12 Harbour Street, Leith", F),
    ]
    return parts, "wrapped"


def one_line_comments(ctx: Ctx):
    """L11 one line per paragraph, view counter mid-article, comments under a foreign header."""
    r = ctx.rng
    main = body(ctx, r.randint(6, 9))
    parts = [(ctx.headline(), T)] + main[:2] + [(f"Views: {r.randint(1, 9)} {r.randint(100, 999)}", M)] + main[2:]
    parts += [(r.choice(["Комментарии", "Kommentare", "评论", "Comentarios"]), C)]
    parts += comments(ctx, r.randint(3, 5), names=True, times=False, ui=False, foreign=True)
    return parts, "lines"


def live_updates(ctx: Ctx):
    """L12 live page: 'Updated' stamps, editor's note on corrections, timestamps between entries."""
    r = ctx.rng
    parts = [
        (ctx.headline(), T),
        (f"Last updated {ctx.date(5)}", M),
        ("Editor's note: an earlier version of this story misstated the date of the vote. It has been corrected.", E),
    ]
    main = body(ctx, r.randint(6, 9))
    for i, part in enumerate(main):
        if i % 3 == 0:
            parts.append((f"{r.randint(8, 20)}:{r.choice(['05', '20', '41', '58'])} GMT", M))
        parts.append(part)
    parts += [(f"{r.randint(20, 400)} shares", M), ("Newsletter: get the morning briefing in your inbox", F)]
    return parts, "blank"


def pdf_scrape(ctx: Ctx):
    """L13 text pulled from a PDF: running head, page numbers, stray line breaks, footnote."""
    r = ctx.rng
    head = f"Quarterly Review of {ctx.topic.title()} Policy"
    parts = [(head, N), (ctx.headline(), T), (f"{ctx.author}, {r.choice(['PhD', 'MSc'])}", M)]
    main = body(ctx, r.randint(7, 10), cut=True)
    main = body_cut_again(ctx, main)
    parts += main[:4] + [(f"Page {r.randint(2, 9)} of {r.randint(10, 20)}", N), (head, N)] + main[4:]
    parts += [
        ("1 Figures are in current prices unless stated otherwise.", F),
        (f"Copyright {ctx.year}, the author. Licensed CC BY 4.0.", F),
    ]
    return parts, "lines"


def body_cut_again(ctx: Ctx, parts):
    long = [i for i, (text, kind) in enumerate(parts) if kind == B and len(text) > 160]
    if not long:
        return parts
    i = ctx.rng.choice(long)
    text = parts[i][0]
    k = text.index(" ", len(text) // 2)
    return parts[:i] + [(text[:k], B), (text[k + 1 :], B)] + parts[i + 1 :]


def press_release(ctx: Ctx):
    """L14 press release: FOR IMMEDIATE RELEASE, dateline, ###, About boilerplate, contact, pasted text."""
    r = ctx.rng
    parts = [
        ("FOR IMMEDIATE RELEASE", M),
        (ctx.headline(), T),
        (f"{r.choice(['LONDON', 'GENEVA', 'SINGAPORE'])}, {ctx.date(0)}", M),
    ]
    parts += body(ctx, r.randint(5, 8))
    parts += [
        ("###", N),
        (
            "About the Meridian Institute: an independent research organisation founded in 1998 that "
            "studies trade, energy and security in emerging economies.",
            F,
        ),
        (f"Media contact: press@meridian.example | +44 20 7946 0{r.randint(100, 999)}", F),
        (r.choice(chrome.PASTED), N),
    ]
    return parts, "blank"


LAYOUTS = {
    "L01": wire,
    "L02": substack,
    "L03": republisher,
    "L04": think_tank,
    "L05": newspaper_oped,
    "L06": aggregator,
    "L07": forum_heavy,
    "L08": magazine,
    "L09": translated,
    "L10": email_newsletter,
    "L11": one_line_comments,
    "L12": live_updates,
    "L13": pdf_scrape,
    "L14": press_release,
}
# Chosen before any tuning, and never looked at while tuning: the held-out test part.
TEST_LAYOUTS = ("L03", "L07", "L10", "L12", "L14")
