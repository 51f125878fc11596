"""The optional local Hugging Face stance model, on tiny BERT models this test builds itself."""

import json

import numpy as np
import pytest

from annotation.prelabel.base import ActorEntry, ClaimEntry, ModelUnavailable
from annotation.prelabel.embeddings import HashingEmbedder
from annotation.prelabel.pipeline import PipelineConfig, PrelabelPipeline
from annotation.prelabel.transformer import TransformerStance, resolve_model_dir

WORDS = [
    "russia",
    "china",
    "supports",
    "opposes",
    "the",
    "claim",
    "that",
    "deal",
    "is",
    "good",
    "pipeline",
    ":",
    ".",
    "neutral",
    "on",
    "it",
    "unclear",
    "what",
    "thinks",
    "of",
    "and",
    "agree",
    "gas",
]
STANCES = ["favor", "against", "neutral", "unclear"]


def build_tiny_model(directory, id2label):
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    directory.mkdir(parents=True)
    vocab = directory / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=5 + len(WORDS),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=128,
        num_labels=len(id2label),
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    BertForSequenceClassification(config).save_pretrained(directory)
    BertTokenizer(vocab_file=str(vocab), do_lower_case=True).save_pretrained(directory)
    return directory


@pytest.fixture
def model_root(tmp_path):
    return tmp_path / "models"


def test_fine_tuned_classifier_gives_a_distribution_over_the_projects_stance_labels(model_root):
    build_tiny_model(model_root / "tiny-stance", {0: "favor", 1: "against", 2: "neutral"})
    model = TransformerStance("tiny-stance", allowed_root=model_root, stance_labels=STANCES, device="cpu")
    assert model.mode == "classifier"
    labels, probs = model.predict_pairs(
        ["Russia supports the pipeline deal.", "China opposes it."],
        ["Russia", "China"],
        ["the deal is good", "the deal is good"],
    )
    assert labels == ["favor", "against", "neutral"]
    assert probs.shape == (2, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    # the same input gives the same answer (eval mode, no dropout)
    np.testing.assert_allclose(
        model.predict_pairs(["China opposes it."], ["China"], ["the deal is good"])[1], probs[1:], atol=1e-5
    )


def test_zero_shot_nli_model_scores_one_hypothesis_per_stance_label(model_root):
    build_tiny_model(model_root / "tiny-nli", {0: "entailment", 1: "neutral", 2: "contradiction"})
    model = TransformerStance(model_root / "tiny-nli", allowed_root=model_root, stance_labels=STANCES)
    assert model.mode == "nli"
    labels, probs = model.predict_pairs(["Russia supports the pipeline deal."], ["Russia"], ["the deal is good"])
    assert labels == STANCES
    assert probs.shape == (1, 4)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_the_pipeline_uses_the_transformer_for_stance_when_configured(model_root):
    build_tiny_model(model_root / "tiny-stance", {0: "favor", 1: "against", 2: "neutral"})
    config = PipelineConfig(
        actors=(ActorEntry("1", "Russia"),),
        claims=(ClaimEntry("5", "the pipeline deal is good"),),
        claim_threshold=0.1,
        transformer_dir="tiny-stance",
        transformer_root=str(model_root),
    )
    result = PrelabelPipeline(config, HashingEmbedder()).run(["Russia supports the pipeline deal is good."])[0]
    stance = [s for s in result.suggestions if s.kind == "stance"]
    assert len(stance) == 1
    assert stance[0].model_name == "stance-transformer" and stance[0].label in {"favor", "against", "neutral"}
    assert (stance[0].actor, stance[0].claim) == ("1", "5")
    assert 0.0 <= result.uncertainty <= 1.0


def test_a_directory_outside_the_model_root_is_refused(tmp_path, model_root):
    build_tiny_model(tmp_path / "elsewhere", {0: "favor", 1: "against"})
    model_root.mkdir()
    with pytest.raises(ModelUnavailable, match="outside the allowed model directory"):
        resolve_model_dir(tmp_path / "elsewhere", model_root)
    with pytest.raises(ModelUnavailable, match="outside"):
        resolve_model_dir("../elsewhere", model_root)


def test_a_directory_without_a_model_or_with_foreign_labels_is_refused(model_root):
    (model_root / "empty").mkdir(parents=True)
    with pytest.raises(ModelUnavailable, match="no config.json"):
        TransformerStance("empty", allowed_root=model_root, stance_labels=STANCES)
    build_tiny_model(model_root / "sentiment", {0: "positive", 1: "negative"})
    with pytest.raises(ModelUnavailable, match="include none of the project's stance labels"):
        TransformerStance("sentiment", allowed_root=model_root, stance_labels=STANCES)


def test_a_broken_model_directory_fails_with_a_clear_error(model_root):
    directory = model_root / "broken"
    directory.mkdir(parents=True)
    (directory / "config.json").write_text(json.dumps({"model_type": "bert", "id2label": {"0": "favor"}}))
    model = TransformerStance("broken", allowed_root=model_root, stance_labels=STANCES)
    with pytest.raises(ModelUnavailable, match="Cannot load the model"):
        model.load()
