"""Train / dev / test assignment of articles: grouped (an article lives in one split), stratified
by stance as far as the grouping allows, deterministic for a seed. Plain Python, no database.

Greedy balanced assignment (as in iterative stratification): articles are shuffled with the
seed, then taken largest first; each goes to the split that is furthest below its target,
measured over the article's own labels (stance counts, plus a "none" count for paragraphs
without a statement) and its size. Ties go to the earlier split. The shuffle only orders
articles of equal size, so a different seed gives a different but equally balanced split.
"""

import random
from collections.abc import Mapping

SPLIT_NAMES = ("train", "dev", "test")


def normalise_ratios(ratios) -> tuple[float, float, float]:
    values = tuple(float(r) for r in ratios)
    if len(values) != 3 or any(v < 0 for v in values) or sum(values) <= 0:
        raise ValueError(f"Split ratios must be three non-negative numbers with a positive sum, got {ratios!r}.")
    total = sum(values)
    return tuple(v / total for v in values)  # type: ignore[return-value]


def assign_splits(
    articles: Mapping[int, Mapping[str, int]], *, ratios=(0.8, 0.1, 0.1), seed: int = 0
) -> dict[int, str]:
    """Map article id -> split name.

    `articles` maps an article id to its label counts, e.g. {"favor": 3, "against": 1, "none": 5}.
    An article whose counts are all zero still counts as size 1.
    """
    ratios = normalise_ratios(ratios)
    labels = sorted({label for counts in articles.values() for label in counts})
    totals = {label: sum(c.get(label, 0) for c in articles.values()) for label in labels}
    sizes = {aid: max(1, sum(c.values())) for aid, c in articles.items()}
    grand = sum(sizes.values())

    order = sorted(articles)
    random.Random(seed).shuffle(order)
    rank = {aid: i for i, aid in enumerate(order)}
    order.sort(key=lambda aid: (-sizes[aid], rank[aid]))

    have_label = [dict.fromkeys(labels, 0) for _ in SPLIT_NAMES]
    have_size = [0] * len(SPLIT_NAMES)
    out: dict[int, str] = {}
    for aid in order:
        counts = articles[aid]
        best, best_score = 0, None
        for s, ratio in enumerate(ratios):
            if ratio == 0:
                continue
            # How far below target the split is, relative to its target, on this article's labels.
            need = 0.0
            for label, n in counts.items():
                if n:
                    want = ratio * totals[label]
                    need += n * (want - have_label[s][label]) / want
            want_size = ratio * grand
            need += sizes[aid] * (want_size - have_size[s]) / want_size
            if best_score is None or need > best_score + 1e-12:
                best, best_score = s, need
        out[aid] = SPLIT_NAMES[best]
        have_size[best] += sizes[aid]
        for label, n in counts.items():
            have_label[best][label] += n
    return out


def label_distribution(split_of: Mapping[int, str], articles: Mapping[int, Mapping[str, int]]) -> dict:
    """Per split: label -> count, for the manifest."""
    dist = {s: {} for s in SPLIT_NAMES}
    for aid, counts in articles.items():
        d = dist[split_of[aid]]
        for label, n in counts.items():
            d[label] = d.get(label, 0) + n
    return {s: dict(sorted(d.items())) for s, d in dist.items()}
