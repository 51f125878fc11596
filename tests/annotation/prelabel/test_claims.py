"""Claim suggester and near-duplicate claims, on the real all-MiniLM-L6-v2 model and the hashing companion."""

import numpy as np
import pytest

from annotation.prelabel.base import ClaimEntry
from annotation.prelabel.claims import ClaimSuggester, propose_claim_merges

CLAIMS = [
    ClaimEntry("1", "Russia and China are forming a close alliance"),
    ClaimEntry("2", "US foreign policy has failed"),
    ClaimEntry("3", "Football is the most popular sport in Brazil"),
    ClaimEntry("4", "China and Russia are building a close alliance"),
]


def test_minilm_vectors_are_normalised_and_returned_in_input_order(minilm):
    texts = ["a much longer sentence about pipelines and gas exports to China", "short", "medium length text"]
    together = minilm.encode(texts)
    one_by_one = np.vstack([minilm.encode([t]) for t in texts])
    assert together.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(together, one_by_one, atol=1e-4)


def test_minilm_cosines_agree_with_sentence_transformers_directly(minilm):
    texts = ["Russia and China deepen their partnership.", "The weather in Paris is mild."]
    direct = minilm.model.encode(texts, normalize_embeddings=True)
    np.testing.assert_allclose(minilm.encode(texts), direct, atol=1e-4)


@pytest.mark.slow
def test_paragraph_about_sino_russian_alignment_gets_the_alliance_claims_not_football(minilm, corpus_paragraphs):
    paragraph = next(p for _, p in corpus_paragraphs if p.startswith("China evidently wants to keep Russia close"))
    suggester = ClaimSuggester(CLAIMS, minilm, threshold=0.45)
    suggester.load()
    found = suggester.predict([paragraph])[0]
    labels = [s.label for s in found]
    assert set(labels[:2]) == {"1", "4"}
    assert "3" not in labels
    assert all(s.score >= 0.45 for s in found)
    assert found == sorted(found, key=lambda s: -s.score)
    expected = float(minilm.encode([paragraph])[0] @ minilm.encode([CLAIMS[3].text])[0])
    assert next(s for s in found if s.label == "4").score == pytest.approx(expected, abs=1e-3)


def test_nothing_above_the_threshold_gives_no_suggestion(hashing):
    suggester = ClaimSuggester(CLAIMS, hashing, threshold=0.9)
    assert suggester.predict(["Completely unrelated words about cooking pasta"]) == [[]]


def test_threshold_outside_zero_to_one_is_refused(hashing):
    with pytest.raises(ValueError, match="between 0 and 1"):
        ClaimSuggester(CLAIMS, hashing, threshold=1.5)


def test_near_duplicate_claims_are_proposed_for_merging(minilm):
    proposals = propose_claim_merges(CLAIMS, minilm, threshold=0.85)
    assert [(p.keep, p.merge) for p in proposals] == [("1", "4")]
    assert proposals[0].score > 0.9


def test_claim_version_changes_with_the_registry_and_threshold(hashing):
    a = ClaimSuggester(CLAIMS, hashing, threshold=0.5).version
    assert a == ClaimSuggester(list(reversed(CLAIMS)), hashing, threshold=0.5).version
    assert a != ClaimSuggester(CLAIMS[:3], hashing, threshold=0.5).version
    assert a != ClaimSuggester(CLAIMS, hashing, threshold=0.6).version
