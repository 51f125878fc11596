"""Hand-written building blocks for what scrapers leave around an article (written for this corpus).

Shared pools (reader comments, widget text in other languages, pasted unrelated text); each layout
in ``layouts.py`` also has its own site wording for bylines, counters, footers and plugs.
"""

COMMENTERS = [
    "rustbelt_dan",
    "Margaret K.",
    "anon1987",
    "Petr S.",
    "GlobalWatcher",
    "Lucía M.",
    "oldhand",
    "Jonas from Tallinn",
    "kiwi_observer",
    "T. Brennan",
    "skeptic42",
    "Ana Lúcia",
    "Mehmet Y.",
    "bluejay",
]
COMMENTS = [
    "Great piece, thanks for writing it. I'd love to see a follow-up on the pipeline costs.",
    "Not sure I buy this. The same people said the opposite two years ago.",
    "Exactly! Nobody in the mainstream press is talking about the transit fees.",
    "Well, you can't have it both ways. Either the deal matters or it doesn't.",
    "lol, as if the ministry ever publishes anything on time",
    "I lived there for six years and this matches what my neighbours used to say.",
    "Thanks. Clear and to the point, as usual.",
    "Does anyone have a link to the actual treaty text? I can't find it anywhere...",
    "The author forgets that the previous government signed almost the same thing.",
    "Yep. Follow the money and it all makes sense.",
    "Why is nobody asking who pays for the storage sites?",
    "> the window for compromise is closing\nIt closed years ago, frankly.",
    "Sorry, but this reads like a press release. Where is the other side?",
    "My brother works at the port and says the terminal is nowhere near finished.",
    "Agreed with the commenter above. The numbers don't add up.",
    "Interesting, but I think you underestimate how much the farmers can block.",
    "Oh come on. Every election there it's the same story about cities versus villages.",
    "Thank you for the sources at the end, very helpful for my class.",
]
REPLY_UI = [
    "Reply",
    "Reply ↓",
    "Like · Reply",
    "Report",
    "↑ 12 ↓ 3",
    "Load more comments",
    "Show 4 replies",
    "View 2 more replies",
    "Sort by: Newest",
    "Log in to comment",
    "Flag as inappropriate",
]
FOREIGN_UI = [
    "Войдите, чтобы оставить комментарий",
    "Ответить",
    "Показать ещё комментарии",
    "Комментарии (14)",
    "Kommentar schreiben",
    "Antworten",
    "Weitere Kommentare laden",
    "Melden",
    "登录后发表评论",
    "回复",
    "查看更多评论",
    "举报",
    "Répondre",
    "Signaler un abus",
    "Afficher plus de commentaires",
    "Responder",
    "Mostrar más comentarios",
    "Inicia sesión para comentar",
    "コメントを書く",
    "返信する",
    "Yorum yap",
    "Yanıtla",
    "Чтобы комментировать, нужно войти через социальную сеть или зарегистрироваться на сайте. Правила "
    "комментирования: не допускаются оскорбления, реклама и ссылки на сторонние ресурсы.",
    "Die Kommentarfunktion ist für diesen Artikel deaktiviert. Bitte beachten Sie unsere Netiquette, "
    "bevor Sie einen Beitrag verfassen.",
    "评论区仅代表网友个人观点，不代表本站立场。请文明发言，理性讨论。",
]
PASTED = [
    "Preheat the oven to 180 degrees. Mix the flour, sugar and butter until the dough is smooth, "
    "then rest it for an hour.",
    "Terms of service apply. Prize draw open to residents aged 18 and over; one entry per household.",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.",
    "Chapter 3. In which the travellers reach the river and find the ferry gone.",
    "Error 404: the page you requested could not be found. Return to the homepage.",
    "Size guide: S fits chest 86-91 cm, M fits 96-101 cm, L fits 106-111 cm.",
]
COOKIES = [
    "We use cookies to improve your experience. By continuing you agree to our Cookie Policy.",
    "This site uses cookies. Accept all | Manage preferences",
    "Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten. Alle akzeptieren",
    "Your privacy matters to us. Click “Accept” to consent to the use of cookies and similar technologies.",
]
NAV = [
    "Home | World | Business | Opinion | Tech | Climate",
    "Home › Opinion › World",
    "News / Analysis / Asia",
    "Menu Search Sign in",
    "World  Politics  Economy  Culture  Video",
    "Главная / Новости / В мире",
    "Skip to main content",
    "Toggle navigation",
]
LINKS = [
    "https://www.example-news.org/world/2024/03/12/trade-pact-analysis",
    "www.example.com/subscribe?ref=footer",
    "https://t.co/x8KqLm2PzA",
    "https://archive.example.net/web/2023/https://example.org/article",
    "<https://example.org/feed.xml>",
    "[https://example.org/tags/energy]",
]
TIMES = [
    "March 3, 2024 at 5:12 pm",
    "3 hours ago",
    "12.04.2024 09:31",
    "2d",
    "Jan 7, 2025, 11:02 PM",
    "yesterday at 18:40",
    "2024-05-19 07:15",
    "5 min ago",
]

# Generic habits that ``build.perturb`` scatters over every layout, in varied positions.
NOTES = [
    "Editor's note: this column was written before the final count was published.",
    "Update: the ministry responded after publication; its statement is quoted below.",
    "Correction: an earlier version of this article gave the wrong turnout figure.",
    "Note: this is an opinion piece. It reflects the author's views.",
    "A note to readers: we have changed the headline of this piece since it was first posted.",
]
REPUBLISHED = [
    "This post originally appeared on the author's blog.",
    "Originally published at Harbour Review. Republished with permission.",
    "Cross-posted from The Lantern Letter.",
    "This article first appeared in the Eastern Quarterly.",
    "Reprinted with the kind permission of the author.",
]
COUNTERS = [
    "{a} comments · {b} shares",
    "Shares: {a} | Views: {b}",
    "👁 {b}  💬 {a}",
    "{b} reads",
    "Likes {a}  Comments {a}",
    "{a}K views, {b} reactions",
    "Reading time: {a} minutes",
]
DISCLAIMERS = [
    "Views expressed are the author's own.",
    "The views in this piece do not necessarily represent those of the publisher.",
    "Disclaimer: the author holds no position in the companies mentioned.",
]
HEADERS = [
    "Leave a comment",
    "Discussion (7)",
    "What readers say",
    "Join the conversation",
    "Reader comments",
    "Comments are closed.",
]
PROMOS = [
    "Read more: the week in trade, in five charts",
    "Related: how the port deal was done",
    "Most read: the ten stories you missed",
    "Recommended for you",
    "Also on this site: our election tracker",
]
