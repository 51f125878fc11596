"""Grouped, stratified, seeded splits (no database)."""

import random

import pytest

from exports.splits import assign_splits, label_distribution


def _articles(n=300, seed=1):
    rng = random.Random(seed)
    return {
        i: {"favor": rng.randint(0, 5), "against": rng.randint(0, 10 if i % 3 == 0 else 2), "none": rng.randint(0, 6)}
        for i in range(n)
    }


def test_every_article_lands_in_exactly_one_split():
    articles = _articles()
    split_of = assign_splits(articles, seed=3)
    assert set(split_of) == set(articles) and set(split_of.values()) == {"train", "dev", "test"}


def test_the_same_seed_gives_the_same_split_and_another_seed_another():
    articles = _articles()
    assert assign_splits(articles, seed=5) == assign_splits(dict(reversed(articles.items())), seed=5)
    assert assign_splits(articles, seed=5) != assign_splits(articles, seed=6)


def test_split_sizes_follow_the_ratios_and_stance_shares_match_across_splits():
    articles = _articles()
    dist = label_distribution(assign_splits(articles, ratios=(0.7, 0.15, 0.15), seed=0), articles)
    total = sum(sum(d.values()) for d in dist.values())
    sizes = {s: sum(d.values()) / total for s, d in dist.items()}
    assert sizes["train"] == pytest.approx(0.7, abs=0.02) and sizes["dev"] == pytest.approx(0.15, abs=0.02)
    shares = {s: d["against"] / sum(d.values()) for s, d in dist.items()}
    assert max(shares.values()) - min(shares.values()) < 0.02


def test_stratification_beats_a_random_grouped_split():
    articles = _articles(seed=9)
    ours = label_distribution(assign_splits(articles, seed=0), articles)
    rng = random.Random(0)
    naive = {a: rng.choices(["train", "dev", "test"], weights=[8, 1, 1])[0] for a in articles}
    theirs = label_distribution(naive, articles)

    def spread(dist):
        shares = [d.get("against", 0) / max(1, sum(d.values())) for d in dist.values()]
        return max(shares) - min(shares)

    assert spread(ours) < spread(theirs)


def test_bad_ratios_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="Split ratios"):
        assign_splits({1: {"favor": 1}}, ratios=(1, -1, 0))
