"""The article-grouped evaluation, on six hand-made paragraphs whose figures are counted by hand."""

import pytest

from annotation.prelabel.base import ActorEntry, ClaimEntry
from annotation.prelabel.embeddings import HashingEmbedder
from annotation.prelabel.evaluation import LabelledParagraph, LabelledStatement, NotEnoughToEvaluate, evaluate_prelabels

REGISTRY = [ActorEntry(key="ru", name="Russia", aliases=("Moscow",)), ActorEntry(key="cn", name="China")]
NAMES = {"ru": "Russia", "cn": "China", "wy": "Wang Yi"}
CLAIMS = [
    ClaimEntry("k1", "the pipeline deal is good"),
    ClaimEntry("k2", "sanctions should be lifted"),
    ClaimEntry("k3", "the summit was a success"),
    ClaimEntry("k4", "gas is a weapon"),
]


def mention(actor, start, end, claim, stance):
    return LabelledStatement(role="mention", actor=actor, start=start, end=end, claim=claim, stance=stance)


def author(claim, stance):
    return LabelledStatement(role="author", actor=None, start=None, end=None, claim=claim, stance=stance)


PARAGRAPHS = [
    LabelledParagraph("a", "Russia said the pipeline deal is good.", (mention("ru", 0, 6, "k1", "favor"),)),
    LabelledParagraph("a", "We think sanctions should be lifted.", (author("k2", "favor"),)),
    LabelledParagraph(
        "b", "Moscow rejects the claim that sanctions should be lifted.", (mention("ru", 0, 6, "k2", "against"),)
    ),
    LabelledParagraph("b", "Wang Yi told reporters the pipeline deal is good.", (mention("wy", 0, 7, "k1", "favor"),)),
    # "It" is China: a holder in the registry that no suggestion can find
    LabelledParagraph(
        "c",
        "It said the pipeline deal is good, and Russia agreed.",
        (mention("cn", 0, 2, "k1", "favor"), mention("ru", 39, 45, "k1", "favor")),
    ),
    LabelledParagraph("c", "Nothing happened.", ()),
]


@pytest.fixture(scope="module")
def report():
    return evaluate_prelabels(
        PARAGRAPHS, registry=REGISTRY, actor_names=NAMES, claims=CLAIMS, embedder=HashingEmbedder()
    )


def test_actor_figures_count_registry_new_and_author_holders(report):
    actors = report["actors"]
    assert report["folds"] == "leave-one-article-out (3 articles)" and report["statements"] == 6
    assert (actors["registry_holders"], actors["registry_recall"]) == (4, 0.75)  # all but "It"
    assert (actors["new_holders"], actors["new_actor_recall"]) == (1, 1.0)  # "Wang Yi told"
    assert (actors["spans_suggested"], actors["span_precision_exact"]) == (4, 1.0)
    # the only author statement is in article a, and articles b and c teach no author voice: it is
    # missed, and wherever article a's voice was learned (folds b and c) any author suggestion is wrong
    assert (actors["author_statements"], actors["author_recall"], actors["author_precision"]) == (1, 0.0, 0.0)
    assert actors["author_baseline"]["precision"] == round(1 / 6, 4)


def test_claims_are_ranked_from_the_other_articles_and_beside_the_codebook_alone(report):
    claims = report["claims"]
    assert claims["top3_recall"] == 1.0 and claims["baseline"]["top3_recall"] == 1.0
    assert claims["top1_recall"] >= claims["baseline"]["top1_recall"] - 1 / 6


def test_stance_is_scored_against_the_training_articles_majority(report):
    stance = report["stance"]
    # every fold's training articles say mostly "favor"; one statement of six is "against"
    assert stance["baseline"]["accuracy"] == round(5 / 6, 4)
    assert stance["model"]["n"] == 6
    held_out_b = next(s for s in report["stance_selection"] if s["held_out"] == "b")
    assert held_out_b["chosen"] is None and held_out_b["reason"] == "fewer than two stance labels"
    # held out b, nothing is served: at most the four statements of a and c get a stance suggestion
    assert stance["served"] <= round(4 / 6, 4)
    assert report["coverage"]["all_suggested"] <= stance["served"]


def test_one_article_cannot_be_evaluated(hashing):
    with pytest.raises(NotEnoughToEvaluate, match="at least two articles; this project has 2 statements in 1"):
        evaluate_prelabels(PARAGRAPHS[:2], registry=REGISTRY, actor_names=NAMES, claims=CLAIMS, embedder=hashing)
