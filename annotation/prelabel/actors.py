"""Actor tagger: the project's actor registry matched with spaCy, plus new-actor candidates.

`spacy.blank("en")` tokenises (no trained pipeline is needed or assumed). Names and aliases go into
two PhraseMatchers: one on lower-cased tokens (case-insensitive), one on exact tokens for short
all-capital acronyms, so that "US" and "WHO" match but the pronouns "us" and "who" do not.
spaCy splits the possessive ("Beijing's", "Beijing’s") into its own token, so a name followed by
it still matches and the span stops before the apostrophe. Overlapping matches keep the longest
("the Kremlin" over "Kremlin", "New Delhi" over "Delhi").

New-actor candidates are capitalised names right before or after a reporting verb ("Wang told",
"said spokesperson Ned Price") that are not already in the registry; they are suggestions of kind
"actor_candidate" for an annotator to propose, never registry entries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from .base import ActorEntry, Suggestion

REPORTING_VERBS = (
    "said",
    "says",
    "say",
    "told",
    "tells",
    "argued",
    "argues",
    "stated",
    "states",
    "claimed",
    "claims",
    "warned",
    "warns",
    "insisted",
    "insists",
    "added",
    "adds",
    "noted",
    "notes",
    "declared",
    "declares",
    "announced",
    "announces",
    "stressed",
    "stresses",
    "urged",
    "urges",
    "wrote",
    "writes",
    "asserted",
    "asserts",
    "acknowledged",
    "acknowledges",
    "explained",
    "explains",
    "suggested",
    "suggests",
    "denied",
    "denies",
    "emphasised",
    "emphasized",
    "maintained",
    "maintains",
    "believes",
    "believed",
    "accused",
    "accuses",
    "criticised",
    "criticized",
    "reported",
    "reports",
    "remarked",
    "tweeted",
)
ROLE_WORDS = (
    "state",
    "department",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "minister",
    "foreign",
    "prime",
    "deputy",
    "president",
    "vice",
    "secretary",
    "general",
    "official",
    "senior",
    "chief",
    "director",
    "ambassador",
    "envoy",
    "adviser",
    "advisor",
    "analyst",
    "professor",
    "senator",
    "representative",
    "chancellor",
    "premier",
    "defence",
    "defense",
    "finance",
    "trade",
    "commerce",
    "national",
    "security",
    "the",
    "a",
    "former",
    "top",
    "diplomat",
    "leader",
    "head",
    "of",
)
# Capitalised words that open sentences or name groups, never a new actor on their own.
NOT_NAMES = frozenset(
    """
a an the he she it they we i you this that these those there here his her their its our my your
but and yet so or nor however meanwhile moreover still also then now today yesterday instead indeed
officials analysts experts critics sources reports media observers pundits people leaders diplomats
some many most others several both all none one someone everyone nobody who what which when where why how
president minister spokesperson spokesman spokeswoman secretary chancellor premier ambassador
mr mrs ms dr prof sir according as in on at for with by from to of after before while if although
""".split()
)

NAME_SCORE = 1.0
ALIAS_SCORE = 0.9
CANDIDATE_SCORE = 0.5


def _is_acronym(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and len(letters) <= 6 and all(c.isupper() for c in letters) and " " not in form


def _variants(form: str) -> set[str]:
    """The form with straight and typographic apostrophes, so "People's" matches "People’s"."""
    return {form, form.replace("'", "\u2019"), form.replace("\u2019", "'")}


def registry_fingerprint(actors: Iterable[ActorEntry]) -> str:
    digest = hashlib.sha256()
    for actor in sorted(actors, key=lambda a: a.key):
        digest.update(f"{actor.key}\x1f{actor.name}\x1f{'|'.join(sorted(actor.aliases))}\x1e".encode())
    return digest.hexdigest()[:10]


class ActorTagger:
    name = "actors-spacy"
    algorithm_version = "1"

    def __init__(self, actors: Sequence[ActorEntry], *, candidates: bool = True):
        self.actors = list(actors)
        self.candidates = candidates
        self.version = f"{self.algorithm_version}-{registry_fingerprint(self.actors)}"
        self.nlp = None

    def load(self) -> None:
        import spacy
        from spacy.matcher import Matcher, PhraseMatcher

        nlp = spacy.blank("en")
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        for actor in self.actors:
            for kind, forms in (("name", [actor.name]), ("alias", list(actor.aliases))):
                lower, exact = [], []
                for form in forms:
                    for variant in _variants(form.strip()):
                        if not variant:
                            continue
                        (exact if _is_acronym(variant) else lower).append(nlp.make_doc(variant))
                match_id = f"{kind}\x1f{actor.key}"
                if lower:
                    self._lower.add(match_id, lower)
                if exact:
                    self._exact.add(match_id, exact)
        self._reporting = Matcher(nlp.vocab)
        title_name = {"IS_TITLE": True, "IS_ALPHA": True, "OP": "+"}
        self._reporting.add(
            "before_verb",
            [
                [
                    title_name,
                    {"LOWER": {"IN": ["has", "had", "have", "also"]}, "OP": "?"},
                    {"LOWER": {"IN": list(REPORTING_VERBS)}},
                ]
            ],
        )
        self._reporting.add(
            "after_verb",
            [[{"LOWER": {"IN": list(REPORTING_VERBS)}}, {"LOWER": {"IN": list(ROLE_WORDS)}, "OP": "*"}, title_name]],
        )
        self._filter_spans = spacy.util.filter_spans
        self._span = spacy.tokens.Span
        self.nlp = nlp

    def predict(self, texts: Sequence[str]) -> list[list[Suggestion]]:
        if self.nlp is None:
            self.load()
        return [self._tag(doc) for doc in self.nlp.pipe(texts, batch_size=256)]

    def _tag(self, doc) -> list[Suggestion]:
        vocab = self.nlp.vocab.strings
        spans = []
        for matcher in (self._lower, self._exact):
            for match_id, start, end in matcher(doc):
                spans.append(self._span(doc, start, end, label=vocab[match_id]))
        out: list[Suggestion] = []
        taken: set[int] = set()
        for span in self._filter_spans(spans):
            kind, key = span.label_.split("\x1f", 1)
            out.append(
                Suggestion(
                    kind="actor",
                    label=key,
                    score=NAME_SCORE if kind == "name" else ALIAS_SCORE,
                    start=span.start_char,
                    end=span.end_char,
                    surface=span.text,
                    model_name=self.name,
                    model_version=self.version,
                )
            )
            taken.update(range(span.start, span.end))
        if self.candidates:
            out.extend(self._candidates(doc, taken))
        out.sort(key=lambda s: (s.start, s.kind))
        return out

    def _candidates(self, doc, taken: set[int]) -> list[Suggestion]:
        found: dict[tuple[int, int], Suggestion] = {}
        for _, start, end in self._reporting(doc):
            tokens = [t for t in doc[start:end] if t.is_title and t.is_alpha]
            # keep the run of capitalised tokens that touches the verb side of the match
            runs: list[list] = []
            for token in tokens:
                if runs and token.i == runs[-1][-1].i + 1:
                    runs[-1].append(token)
                else:
                    runs.append([token])
            for run in runs:
                while run and run[0].lower_ in NOT_NAMES:
                    run = run[1:]
                if not run or any(t.i in taken for t in run) or all(t.lower_ in NOT_NAMES for t in run):
                    continue
                if run[-1].lower_ in REPORTING_VERBS:
                    continue
                s, e = run[0].idx, run[-1].idx + len(run[-1].text)
                found[(s, e)] = Suggestion(
                    kind="actor_candidate",
                    label=doc.text[s:e],
                    score=CANDIDATE_SCORE,
                    start=s,
                    end=e,
                    surface=doc.text[s:e],
                    model_name=self.name,
                    model_version=self.version,
                )
        # longest wins when candidate spans nest ("Ned Price" over "Price")
        kept = []
        for (s, e), sug in sorted(found.items(), key=lambda kv: -(kv[0][1] - kv[0][0])):
            if not any(s < ke and ks < e for ks, ke in ((k.start, k.end) for k in kept)):
                kept.append(sug)
        return kept
