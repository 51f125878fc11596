"""Stance classifier: refuses below the minimum, learns a separable toy task, stores CV quality."""

import numpy as np
import pytest

from annotation.prelabel.stance import NotEnoughLabels, StanceClassifier, pair_text, train_stance, uncertainty

ACTORS = ["Russia", "China", "India", "the US", "NATO", "Brazil"]
CLAIMS = ["the pipeline deal is good", "sanctions should be lifted", "the summit was a success"]


def toy_rows(n_per_label=12):
    rows = []
    for i in range(n_per_label):
        actor, claim = ACTORS[i % len(ACTORS)], CLAIMS[i % len(CLAIMS)]
        rows.append(
            (f"{actor} strongly supports and welcomes the idea that {claim}, praising it.", actor, claim, "favor")
        )
        rows.append(
            (f"{actor} firmly rejects and condemns the idea that {claim}, calling it wrong.", actor, claim, "against")
        )
    return rows


def embed_rows(embedder, rows):
    return (
        embedder.encode([r[0] for r in rows]),
        embedder.encode([pair_text(r[1], r[2]) for r in rows]),
        [r[3] for r in rows],
    )


def test_below_the_minimum_it_says_so_and_trains_nothing(hashing):
    p, q, y = embed_rows(hashing, toy_rows(3))
    with pytest.raises(NotEnoughLabels, match="6 stance labels so far; .* at least 30"):
        train_stance(p, q, y, min_labels=30)


def test_a_single_stance_label_is_not_enough(hashing):
    rows = [r for r in toy_rows(10) if r[3] == "favor"]
    p, q, y = embed_rows(hashing, rows)
    with pytest.raises(NotEnoughLabels, match="at least two stance labels"):
        train_stance(p, q, y, min_labels=5)


def test_separable_labels_are_learned_with_cross_validated_quality(hashing):
    p, q, y = embed_rows(hashing, toy_rows(12))
    trained = train_stance(p, q, y, min_labels=10)
    assert trained.n_labels == 24
    assert trained.labels == ["against", "favor"]
    assert trained.cv_accuracy == 1.0
    assert trained.per_label_f1 == {"against": 1.0, "favor": 1.0}
    assert trained.params["cv_folds"] == 5 and trained.params["label_counts"] == {"against": 12, "favor": 12}

    model = StanceClassifier(trained.artifact, version="v1")
    test_rows = [
        (
            "Iran strongly supports and welcomes the idea that the summit was a success.",
            "Iran",
            "the summit was a success",
            "favor",
        ),
        (
            "Iran firmly rejects and condemns the idea that sanctions should be lifted.",
            "Iran",
            "sanctions should be lifted",
            "against",
        ),
    ]
    tp, tq, ty = embed_rows(hashing, test_rows)
    probs = model.predict_proba(tp, tq)
    assert [model.labels[i] for i in probs.argmax(axis=1)] == ty
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


def test_per_label_f1_matches_sklearn_on_noisy_labels(hashing):
    rows = toy_rows(10)
    # flip four labels so the cross-validated scores are imperfect
    noisy = [
        (a, b, c, ("against" if d == "favor" else "favor") if i in (0, 5, 11, 16) else d)
        for i, (a, b, c, d) in enumerate(rows)
    ]
    p, q, y = embed_rows(hashing, noisy)
    trained = train_stance(p, q, y, min_labels=10, seed=3)
    assert 0.5 <= trained.cv_accuracy < 1.0
    assert trained.params["macro_f1"] == pytest.approx(np.mean(list(trained.per_label_f1.values())), abs=1e-3)
    # recompute accuracy and F1 by hand from the stored out-of-fold confusion matrix (rows: truth)
    cm = np.array(trained.params["cv_confusion"])
    assert cm.sum() == 20
    assert trained.cv_accuracy == pytest.approx(np.trace(cm) / cm.sum(), abs=1e-4)
    for i, label in enumerate(trained.labels):
        precision, recall = cm[i, i] / cm[:, i].sum(), cm[i, i] / cm[i, :].sum()
        assert trained.per_label_f1[label] == pytest.approx(2 * precision * recall / (precision + recall), abs=1e-4)


def test_uncertainty_is_zero_when_sure_and_one_when_uniform():
    probs = np.array([[1.0, 0.0], [0.5, 0.5], [0.7, 0.3]])
    np.testing.assert_allclose(uncertainty(probs), [0.0, 1.0, 0.6])
    np.testing.assert_allclose(uncertainty(np.array([[0.7, 0.2, 0.1]])), [0.45])
