"""The pipeline with a selected stance bundle: serves the chosen model's stance with the direction
features, and nothing at all when the selection chose no model."""

import numpy as np

from annotation.prelabel.embeddings import HashingEmbedder
from annotation.prelabel.pipeline import PipelineConfig, PrelabelPipeline
from annotation.prelabel.stance import StanceClassifier, train_stance_selected

from .test_pipeline import ACTORS, CLAIMS
from .test_stance_select import inputs, separable

TEXTS = [
    "Moscow strongly supports and welcomes the idea that the pipeline deal is good. Others wait.",
    "Beijing firmly rejects and condemns the idea that sanctions should be lifted.",
]


def pipeline_with(artifact):
    config = PipelineConfig(
        actors=ACTORS, claims=CLAIMS, claim_threshold=0.2, stance_version="1", stance_artifact=artifact
    )
    return PrelabelPipeline(config, HashingEmbedder())


def test_a_served_direction_model_suggests_stance_for_each_pair():
    trained = train_stance_selected(
        inputs(HashingEmbedder(), separable()), min_labels=10, candidates=["logreg-direction"]
    )
    assert trained.params["served"] and trained.params["chosen"] == "logreg-direction"
    assert trained.params["baseline"]["accuracy"] == 0.5 and trained.cv_accuracy > 0.5
    classifier = StanceClassifier(trained.artifact, version="v1")
    assert classifier.needs_sentences and classifier.labels == ["against", "favor"]
    results = pipeline_with(trained.artifact).run(TEXTS)
    stances = [{(s.actor, s.claim): s.label for s in r.suggestions if s.kind == "stance"} for r in results]
    assert stances[0][("1", "10")] == "favor" and stances[1][("2", "11")] == "against"
    assert all(r.uncertainty is not None for r in results)
    # one accept adds a whole statement: the pair's actor, claim and the served stance, best first
    statements = [s for s in results[0].suggestions if s.kind == "statement"]
    assert 1 <= len(statements) <= 5 and [s.score for s in statements] == sorted(
        (s.score for s in statements), reverse=True
    )
    assert ("1", "10", "favor") in {(s.actor, s.claim, s.label) for s in statements}


def test_a_selection_that_chose_nothing_suggests_no_stance_and_says_why():
    rows = [
        (
            f"art{i % 3}",
            "The ministers met in the capital on Tuesday.",
            "Russia",
            "the pipeline deal is good",
            "against" if i % 5 == 0 else "favor",
        )
        for i in range(30)
    ]
    trained = train_stance_selected(inputs(HashingEmbedder(), rows), min_labels=10)
    assert trained.params["served"] is False and trained.params["reason"].startswith("No stance suggestions")
    assert trained.cv_accuracy == trained.params["baseline"]["accuracy"] == 0.8
    assert StanceClassifier(trained.artifact, version="v1").labels == []
    results = pipeline_with(trained.artifact).run(TEXTS)
    assert "stance" not in {s.kind for r in results for s in r.suggestions}
    assert all(r.uncertainty is None for r in results)
    # whole statements are still offered, with the stance left to the annotator
    assert {s.label for r in results for s in r.suggestions if s.kind == "statement"} == {""}


def test_an_author_model_in_the_bundle_offers_the_author_where_the_paragraph_speaks_in_its_voice():
    from annotation.prelabel.author import train_author
    from annotation.prelabel.direction import direction_counts

    hashing = HashingEmbedder()
    voiced = [
        f"We believe, in our view, that {c} and we say so."
        for c in ("the pipeline deal is good", "sanctions should be lifted")
    ] * 4
    reported = [
        f"Moscow said on Monday, reporters were told, that {c}."
        for c in ("the pipeline deal is good", "sanctions should be lifted")
    ] * 4
    texts = voiced + reported
    author = train_author(
        hashing.encode(texts),
        np.vstack([direction_counts(t) for t in texts]),
        [True] * len(voiced) + [False] * len(reported),
    )
    rows = [
        (
            f"art{i % 3}",
            "The ministers met in the capital on Tuesday.",
            "Russia",
            "the pipeline deal is good",
            "against" if i % 5 == 0 else "favor",
        )
        for i in range(30)
    ]
    trained = train_stance_selected(inputs(hashing, rows), min_labels=10, author=author)
    assert trained.params["author_model"] is True
    results = pipeline_with(trained.artifact).run(
        ["In our view, we believe the pipeline deal is good.", "Moscow said on Monday that the pipeline deal is good."]
    )
    authored = [[s for s in r.suggestions if s.kind == "statement" and s.actor is None] for r in results]
    assert authored[0] and authored[0][0].claim == "10" and authored[0][0].start is None
    assert authored[1] == []


def test_a_learned_claim_memory_in_the_bundle_reranks_the_pipelines_claims():
    from annotation.prelabel.base import ClaimEntry
    from annotation.prelabel.claim_ranker import build_memory

    from .test_claim_ranker import CLAIMS as RANKER_CLAIMS
    from .test_claim_ranker import LABELLED, learned

    hashing = HashingEmbedder()
    memory = build_memory(**learned(hashing, LABELLED), weights=(0.0, 0.5, 0.25))
    rows = [
        (
            f"art{i % 3}",
            "The ministers met in the capital on Tuesday.",
            "Russia",
            "gas is a weapon",
            "against" if i % 5 == 0 else "favor",
        )
        for i in range(30)
    ]
    claims = tuple(ClaimEntry(k, t) for k, t in RANKER_CLAIMS.items())
    text = ["Gas flows east through Siberia, officials confirmed."]

    def claim_keys(artifact):
        config = PipelineConfig(
            actors=ACTORS, claims=claims, claim_threshold=0.0, stance_version="1", stance_artifact=artifact
        )
        result = PrelabelPipeline(config, HashingEmbedder()).run(text)[0]
        return [s.label for s in result.suggestions if s.kind == "claim"]

    with_memory = train_stance_selected(inputs(hashing, rows), min_labels=10, claim_memory=memory)
    without = train_stance_selected(inputs(hashing, rows), min_labels=10)
    assert with_memory.params["claim_weights"] == [0.0, 0.5, 0.25]
    assert "k2" in claim_keys(with_memory.artifact) and "k2" not in claim_keys(without.artifact)
