"""Claims ranked by the codebook and by what the labels say, with weights learned per project."""

import hashlib

import numpy as np

from annotation.prelabel.claim_ranker import build_memory, fit_idf, fit_weights, rank_claims, tfidf_vector
from annotation.prelabel.direction import split_sentences

CLAIMS = {
    "k2": "sanctions should be lifted",
    "f1": "gas prices will rise",
    "f2": "gas is a weapon",
    "f3": "gas flows will stop",
    "f4": "gas flows through Siberia",
    "f5": "Siberia is rich in gas",
    "k1": "the pipeline deal is good",
}
# The labelled paragraphs about Siberian gas are about lifting sanctions, which their words do not say:
# only the labels can teach it.
LABELLED = [
    ("a", "Gas flows east through Siberia again.", {"k2"}),
    ("a", "Gas flows east through Siberia, the ministers said.", {"k2"}),
    ("b", "Gas flows east through Siberia at last.", {"k2"}),
    ("b", "The ministers praised the accord.", {"k1"}),
    ("c", "Gas flows east through Siberia once more.", {"k2"}),
]


def learned(embedder, rows):
    keys = list(CLAIMS)
    texts = [r[1] for r in rows]
    return {
        "claim_keys": keys,
        "codebook": embedder.encode([CLAIMS[k] for k in keys]),
        "claim_texts": [CLAIMS[k] for k in keys],
        "paragraph_vectors": embedder.encode(texts),
        "paragraph_claims": [frozenset(r[2]) for r in rows],
        "sentence_vectors": [embedder.encode([t[s:e] for s, e in split_sentences(t)]) for t in texts],
    }


def rank(embedder, memory, text):
    sentences = embedder.encode([text[s:e] for s, e in split_sentences(text)])
    return rank_claims(memory, text, embedder.encode([text])[0], sentences, top_k=3)


def test_without_labels_the_codebook_alone_ranks_and_says_so(hashing):
    memory = build_memory(**learned(hashing, []))
    ranked = rank(hashing, memory, "Gas flows will stop soon, they warned.")
    assert ranked[0].key == "f3"
    assert ranked[0].why.startswith("text similarity") and "labelled" not in ranked[0].why


def test_labelled_neighbours_lift_a_claim_the_text_does_not_name_and_say_why(hashing):
    text = "Gas flows east through Siberia, officials confirmed."
    memory = build_memory(**learned(hashing, LABELLED), weights=(0.0, 0.5, 0.25))
    ranked = {r.key: r for r in rank(hashing, memory, text)}
    assert "k2" in ranked
    assert "similar to 4 labelled paragraphs" in ranked["k2"].why and "like a labelled example" in ranked["k2"].why
    codebook_only = rank(hashing, build_memory(**learned(hashing, LABELLED)), text)
    assert "k2" not in [r.key for r in codebook_only]


def test_weights_are_learned_on_held_out_articles(hashing):
    weights, tried = fit_weights(
        **learned(hashing, LABELLED), paragraph_texts=[r[1] for r in LABELLED], groups=[r[0] for r in LABELLED]
    )
    assert weights[1] > 0 or weights[2] > 0
    assert tried["0.0,0.0,0.0,0.0"] < max(tried.values())


def test_when_the_labels_add_nothing_the_weights_stay_at_zero(hashing):
    rows = [(g, CLAIMS[k].capitalize() + ".", {k}) for g, k in (("a", "k1"), ("b", "k2"), ("c", "f1"), ("a", "f2"))]
    weights, tried = fit_weights(
        **learned(hashing, rows), paragraph_texts=[r[1] for r in rows], groups=[r[0] for r in rows]
    )
    assert weights == (0.0, 0.0, 0.0, 0.0) and tried["0.0,0.0,0.0,0.0"] == 1.0


def test_a_single_article_cannot_be_cross_validated_so_the_codebook_is_used(hashing):
    rows = [("a", r[1], r[2]) for r in LABELLED]
    assert fit_weights(**learned(hashing, rows), paragraph_texts=[r[1] for r in rows], groups=[r[0] for r in rows]) == (
        (0.0, 0.0, 0.0, 0.0),
        {},
    )


def test_decisions_move_a_claim(hashing):
    base = learned(hashing, [])
    text = "Gas prices will rise, and gas is a weapon."
    before = [r.key for r in rank(hashing, build_memory(**base), text)]
    after = rank(hashing, build_memory(**base, decisions={before[0]: (0, 30), before[1]: (30, 0)}), text)
    assert after[0].key == before[1] and "accepted 30, rejected 0" in after[0].why


class _Blind:
    """An embedder that knows nothing: a fixed random vector per text, so only the terms can rank."""

    def encode(self, texts):
        rows = []
        for t in texts:
            seed = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=4).digest(), "little")
            v = np.random.default_rng(seed).standard_normal(16)
            rows.append(v / np.linalg.norm(v))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), 16)


def test_rare_terms_weigh_more_than_common_ones():
    idf = fit_idf(["gas flows east", "gas prices rise", "gas and Novatek"])
    vector = tfidf_vector("Gas and Novatek", idf)
    assert vector["novatek"] > vector["gas"] > 0 and "and" not in vector
    assert abs(sum(w * w for w in vector.values()) - 1.0) < 1e-6


def test_shared_terms_rank_a_claim_the_embedding_misses_and_the_weight_is_learned():
    rows = [
        ("a", "Siberia is rich, and its fields hold plenty of gas, said the ministry.", {"f5"}),
        ("a", "The sanctions should be lifted, the envoy told reporters.", {"k2"}),
        ("b", "Prices will rise this winter, traders said of gas.", {"f1"}),
        ("b", "Officials think the pipeline deal is good for both.", {"k1"}),
        ("c", "Moscow uses gas as a weapon, critics wrote.", {"f2"}),
        ("c", "Flows through Siberia resumed, with gas moving east.", {"f4"}),
    ]
    blind = _Blind()
    weights, tried = fit_weights(
        **learned(blind, rows), paragraph_texts=[r[1] for r in rows], groups=[r[0] for r in rows]
    )
    assert weights[3] > 0
    assert max(v for k, v in tried.items() if not k.endswith(",0.0")) > tried["0.0,0.0,0.0,0.0"]
    memory = build_memory(**learned(blind, rows), weights=weights, paragraph_texts=[r[1] for r in rows])
    ranked = rank(blind, memory, "Critics say gas is now a weapon.")
    assert ranked[0].key == "f2" and "shares terms with it" in ranked[0].why


def test_a_memory_saved_before_the_terms_part_still_ranks(hashing):
    import pickle

    memory = build_memory(**learned(hashing, LABELLED), weights=(0.0, 0.5, 0.25))
    del memory.__dict__["idf"], memory.__dict__["claim_terms"]  # what an older pickle restores
    old = pickle.loads(pickle.dumps(memory))
    assert old.idf is None and old.claim_terms is None
    ranked = rank(hashing, old, "Gas flows east through Siberia, officials confirmed.")
    assert "k2" in [r.key for r in ranked] and all("shares terms" not in r.why for r in ranked)
