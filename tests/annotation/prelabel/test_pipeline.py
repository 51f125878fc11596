"""The whole pass: actors, claims and stance over a batch, each paragraph embedded once."""

from annotation.prelabel.base import ActorEntry, ClaimEntry
from annotation.prelabel.embeddings import HashingEmbedder
from annotation.prelabel.pipeline import PipelineConfig, PrelabelPipeline
from annotation.prelabel.stance import train_stance

from .test_stance import embed_rows, toy_rows

ACTORS = (ActorEntry("1", "Russia", ("Moscow", "the Kremlin")), ActorEntry("2", "China", ("Beijing",)))
CLAIMS = (ClaimEntry("10", "the pipeline deal is good"), ClaimEntry("11", "sanctions should be lifted"))


class CountingEmbedder(HashingEmbedder):
    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        return super().encode(texts)


def stance_config(**kw):
    hashing = HashingEmbedder()
    trained = train_stance(*embed_rows(hashing, toy_rows(12)), min_labels=10)
    return PipelineConfig(
        actors=ACTORS, claims=CLAIMS, claim_threshold=0.3, stance_version="1", stance_artifact=trained.artifact, **kw
    )


def test_without_a_stance_model_it_suggests_actors_and_claims_only():
    pipeline = PrelabelPipeline(PipelineConfig(actors=ACTORS, claims=CLAIMS, claim_threshold=0.3), HashingEmbedder())
    result = pipeline.run(["Moscow says the pipeline deal is good."])[0]
    assert {s.kind for s in result.suggestions} == {"actor", "claim", "statement"}
    # whole statements still come, without a stance (the annotator sets it), one per suggested claim
    statements = [s for s in result.suggestions if s.kind == "statement"]
    claims = [s.label for s in result.suggestions if s.kind == "claim"]
    assert [(s.actor, s.label) for s in statements] == [("1", "")] * len(claims[:2])
    assert {s.claim for s in statements} == set(claims[:2])
    assert result.uncertainty is None
    assert [s.label for s in result.suggestions if s.kind == "claim"][0] == "10"


def test_with_a_stance_model_each_actor_claim_pair_gets_a_stance_and_the_paragraph_an_uncertainty():
    embedder = CountingEmbedder()
    pipeline = PrelabelPipeline(stance_config(), embedder)
    texts = [
        "Moscow strongly supports and welcomes the idea that the pipeline deal is good, praising it.",
        "Beijing firmly rejects and condemns the idea that sanctions should be lifted, calling it wrong.",
        "Nothing about anyone here.",
    ]
    pipeline.load()
    embedder.seen.clear()
    results = pipeline.run(texts)
    stances = [[(s.actor, s.claim, s.label) for s in r.suggestions if s.kind == "stance"] for r in results]
    assert ("1", "10", "favor") in stances[0]
    assert ("2", "11", "against") in stances[1]
    assert stances[2] == [] and results[2].uncertainty is None
    assert 0.0 <= results[0].uncertainty <= 1.0
    # every paragraph embedded exactly once (plus the short "actor: claim" pair texts, once each)
    assert [t for t in embedder.seen if t in texts] == texts
    assert all(": " in t for t in embedder.seen if t not in texts)
    embedder.seen.clear()
    pipeline.run(texts[:1])
    assert embedder.seen == texts[:1]  # pair vectors are cached


def test_the_pipeline_version_changes_when_a_component_changes():
    a = PrelabelPipeline(stance_config(), HashingEmbedder()).version
    assert a == PrelabelPipeline(stance_config(), HashingEmbedder()).version
    assert (
        a
        != PrelabelPipeline(
            PipelineConfig(actors=ACTORS, claims=CLAIMS, claim_threshold=0.3), HashingEmbedder()
        ).version
    )
    fewer_actors = PipelineConfig(
        actors=ACTORS[:1], claims=CLAIMS, claim_threshold=0.3, stance_version="1", stance_artifact=b"x"
    )
    assert a != PrelabelPipeline(fewer_actors, HashingEmbedder()).version
