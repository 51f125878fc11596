"""Stance model selection: article-grouped folds, the baseline always scored, a model served only
when it beats the baseline, a threshold chosen for precision."""

import numpy as np

from annotation.prelabel.direction import split_sentences
from annotation.prelabel.stance import pair_text
from annotation.prelabel.stance_select import (
    choose_threshold,
    grouped_folds,
    predict_with,
    reliability,
    select_stance_model,
    stance_inputs,
)

ACTORS = ["Russia", "China", "India", "Brazil"]
CLAIMS = ["the pipeline deal is good", "sanctions should be lifted", "the summit was a success"]


def inputs(embedder, rows):
    """rows: (article, paragraph, actor, claim, stance)."""
    texts = [r[1] for r in rows]
    sentences = [split_sentences(t) for t in texts]
    sentence_vectors = [embedder.encode([t[s:e] for s, e in spans]) for t, spans in zip(texts, sentences, strict=True)]
    return stance_inputs(
        paragraphs=texts,
        paragraph_vectors=embedder.encode(texts),
        sentences=sentences,
        sentence_vectors=sentence_vectors,
        rows=list(range(len(rows))),
        claim_vectors=embedder.encode([r[3] for r in rows]),
        pair_vectors=embedder.encode([pair_text(r[2], r[3]) for r in rows]),
        labels=[r[4] for r in rows],
        groups=[r[0] for r in rows],
    )


def separable(n_articles=3, per_article=8):
    rows = []
    for a in range(n_articles):
        for i in range(per_article):
            actor, claim = ACTORS[(a + i) % 4], CLAIMS[i % 3]
            if i % 2:
                rows.append(
                    (f"art{a}", f"{actor} strongly supports and welcomes the idea that {claim}.", actor, claim, "favor")
                )
            else:
                rows.append(
                    (f"art{a}", f"{actor} firmly rejects and condemns the idea that {claim}.", actor, claim, "against")
                )
    return rows


def test_folds_never_split_an_article():
    groups = ["a", "a", "b", "c", "c", "b"]
    folds, how = grouped_folds(groups, groups)
    assert how == "leave-one-article-out (3 articles)"
    for train, test in folds:
        assert {groups[i] for i in train}.isdisjoint({groups[i] for i in test})
    assert sorted(i for _, test in folds for i in test) == list(range(6))


def test_more_than_five_articles_use_five_grouped_folds():
    groups = [f"g{i % 7}" for i in range(21)]
    folds, how = grouped_folds(groups, groups)
    assert len(folds) == 5 and how.startswith("5 article-grouped folds")
    for train, test in folds:
        assert {groups[i] for i in train}.isdisjoint({groups[i] for i in test})


def test_a_model_that_learns_the_direction_is_served_with_its_figures_beside_the_baseline(hashing):
    selection = select_stance_model(inputs(hashing, separable()))
    assert selection.chosen is not None
    assert selection.cv == "leave-one-article-out (3 articles)"
    base, chosen = selection.figures["majority"], selection.figures[selection.chosen]
    assert base["accuracy"] == 0.5 and base["macro_f1"] == round((2 / 3 + 0) / 2, 4)
    assert chosen["accuracy"] > base["accuracy"] and chosen["macro_f1"] > base["macro_f1"]
    assert "beats the majority baseline" in selection.reason
    x = inputs(
        hashing,
        [
            (
                "new",
                "Iran firmly rejects and condemns the idea that the summit was a success.",
                "Iran",
                "the summit was a success",
                "against",
            )
        ],
    )
    probs = predict_with(selection.chosen, selection.model, x, selection.classes)
    assert selection.classes[int(probs.argmax())] == "against"
    assert selection.calibration["bins"] and 0 <= selection.calibration["ece"] <= 1


def test_when_no_model_beats_the_majority_it_serves_nothing_and_says_why(hashing):
    # the text says nothing about the label: 4 of 5 rows are "favor" whatever the paragraph
    rows = [
        (
            f"art{i % 3}",
            "The ministers met in the capital on Tuesday.",
            "Russia",
            CLAIMS[0],
            "against" if i % 5 == 0 else "favor",
        )
        for i in range(30)
    ]
    selection = select_stance_model(inputs(hashing, rows))
    assert selection.chosen is None and selection.model is None
    assert selection.reason.startswith("No stance suggestions: no model beats the majority baseline (accuracy 0.8")
    assert set(selection.figures) == {"majority", "logreg-embeddings", "logreg-direction", "logreg-direction-only"}


def test_the_threshold_is_the_lowest_confidence_that_reaches_the_target_precision():
    classes = ["against", "favor"]
    # confidences 0.9, 0.8, 0.7, 0.6 (right, right, wrong, wrong): precision >= 0.75 from 0.7 upwards
    probs = np.array([[0.1, 0.9], [0.2, 0.8], [0.3, 0.7], [0.4, 0.6]])
    truth = ["favor", "favor", "against", "against"]
    found = choose_threshold(truth, probs, classes, target=0.6)
    assert found == {"threshold": 0.7, "precision": round(2 / 3, 4), "coverage": 0.75, "reached": True}
    assert choose_threshold(truth, probs, classes, target=0.95)["threshold"] == 0.8
    # five bins of width 0.2: [0.8, 1] holds 0.9 and 0.8 (both right), [0.6, 0.8) holds 0.7 and 0.6 (both wrong)
    # ECE = 0.5 * |0.85 - 1| + 0.5 * |0.65 - 0| = 0.4
    calibration = reliability(truth, probs, classes)
    assert calibration["ece"] == 0.4
    assert [(b["n"], b["accuracy"]) for b in calibration["bins"]] == [(2, 0.0), (2, 1.0)]
