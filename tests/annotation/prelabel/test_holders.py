"""The holder model: mentions that hold statements in the labels rank first, object mentions go,
and span boundaries follow the labels ("the US")."""

import numpy as np
import pytest

from annotation.prelabel.actors import ActorTagger
from annotation.prelabel.base import ActorEntry
from annotation.prelabel.holders import context_features, train_holders

REGISTRY = [
    ActorEntry(key="us", name="United States", aliases=("US",)),
    ActorEntry(key="cn", name="China"),
    ActorEntry(key="ru", name="Russia"),
    ActorEntry(key="in", name="India"),
]
NAMES = {"us": "US", "cn": "China", "ru": "Russia", "in": "India"}


def _paragraph(holder: str, other: str, *, the: bool) -> tuple[str, tuple[str, int, int]]:
    lead = "the " if the and holder == "us" else ""
    text = f"{lead.capitalize()}{NAMES[holder]} said on Monday that its ties with {NAMES[other]} would grow."
    span = (0, len(lead) + len(NAMES[holder]))
    return text, (holder, *span)


def _labelled():
    texts, holders, groups = [], [], []
    pairs = [("us", "cn"), ("cn", "ru"), ("ru", "in"), ("in", "us"), ("us", "ru"), ("cn", "in")]
    for group in ("a1", "a2", "a3"):
        for n, (h, o) in enumerate(pairs):
            text, span = _paragraph(h, o, the=True)
            texts.append(text)
            holders.append([span])
            groups.append(f"{group}")
            # the same actors the other way round: the object of one paragraph holds in the next
            text, span = _paragraph(o, h, the=n % 2 == 0)
            texts.append(text)
            holders.append([span])
            groups.append(group)
    return texts, holders, groups


@pytest.fixture(scope="module")
def tagger():
    t = ActorTagger(REGISTRY, candidates=False)
    t.load()
    return t


def test_context_features_mark_prepositions_reporting_verbs_and_possessives():
    text = "Talks with China stalled, Russia said, and Beijing’s envoy left."
    assert "after_preposition" in context_features(text, 11, 16)
    assert "reporting_verb_after" in context_features(text, 26, 32)
    assert "possessive" in context_features(text, 43, 50)


def test_holder_ranks_first_object_mention_drops_and_the_is_included(tagger, hashing):
    texts, holders, groups = _labelled()
    vectors = hashing.encode(texts)
    model = train_holders(texts, vectors, tagger.predict(texts), holders, groups)
    assert model is not None
    assert "the" in model.extend
    model.keep = 1
    unseen = "The US warned on Tuesday that talks with China had stalled."
    found = tagger.predict([unseen])[0]
    assert {s.label for s in found} == {"us", "cn"}  # the tagger alone offers both
    kept = model.rescore(unseen, found, hashing.encode([unseen])[0])
    assert [(s.label, s.surface, s.start) for s in kept] == [("us", "The US", 0)]
    probs = model.probabilities(unseen, list(found), hashing.encode([unseen])[0])
    by_label = dict(zip([s.label for s in found], probs, strict=True))
    assert by_label["us"] > by_label["cn"]


def test_one_mention_per_actor_keeps_the_likelier_one(tagger, hashing):
    texts, holders, groups = _labelled()
    model = train_holders(texts, hashing.encode(texts), tagger.predict(texts), holders, groups)
    unseen = "India said that a deal with India’s rivals and China was close."
    found = tagger.predict([unseen])[0]
    assert [s.label for s in found].count("in") == 2
    kept = model.rescore(unseen, found, hashing.encode([unseen])[0])
    india = [s for s in kept if s.label == "in"]
    assert len(india) == 1 and india[0].start == 0
    assert all(0.0 <= s.score <= 1.0 for s in kept)


def test_nothing_learned_from_one_article_or_without_negatives(tagger, hashing):
    texts, holders, groups = _labelled()
    vectors = hashing.encode(texts)
    assert train_holders(texts, vectors, tagger.predict(texts), holders, ["one"] * len(texts)) is None
    # every mention labelled a holder: no negative example
    everything = [[(s.label, s.start, s.end) for s in found] for found in tagger.predict(texts)]
    assert train_holders(texts, vectors, tagger.predict(texts), everything, groups) is None
    assert np.isfinite(vectors).all()
