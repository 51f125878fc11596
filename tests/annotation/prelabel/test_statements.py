"""Whole-statement scores: the claim's score leads, the actor's weak probability is flattened."""

from annotation.prelabel.statements import statement_score


def top5(actors, claims):
    pairs = [(statement_score(a_score, c_score), a, c) for a, a_score in actors for c, c_score in claims]
    return [(a, c) for _, a, c in sorted(pairs, reverse=True)[:5]]


def test_a_weaker_actor_with_the_best_claim_gets_a_place_among_the_five():
    actors = [("first", 0.9), ("second", 0.3)]
    claims = [("c1", 0.6), ("c2", 0.55), ("c3", 0.5), ("c4", 0.45), ("c5", 0.4)]
    chosen = top5(actors, claims)
    assert ("second", "c1") in chosen and ("first", "c5") not in chosen
    # a plain product would have given the first actor all five places
    product = sorted(((a_s * c_s, a, c) for a, a_s in actors for c, c_s in claims), reverse=True)[:5]
    assert {a for _, a, _ in product} == {"first"}


def test_the_same_actor_ranks_its_claims_by_the_claim_score_and_negatives_count_as_zero():
    assert statement_score(0.5, 0.7) > statement_score(0.5, 0.6) > statement_score(0.5, -0.2) == 0.0
    assert statement_score(0.8, 0.6) > statement_score(0.4, 0.6) > statement_score(-1.0, 0.6) == 0.0
