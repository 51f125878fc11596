"""Learning from managers' kind corrections: retrain the kind model for this installation.

``kind_model_retrain`` (service: writes a ``KindModelVersion``) trains on the labelled corpus the
shipped model learned from plus every article a manager corrected (each of its paragraphs
labelled with its current kind: the ones set by hand and the detected ones the manager left as
they were), corrected articles weighing ``CORRECTED_WEIGHT`` times more. The new version becomes
the active one; future imports whose source (``kind_model.source_key``: site or file pattern) is
one the corrections came from use it (``import_model_choice``, a selector).
"""

from collections import defaultdict
from pathlib import Path

from django.db import transaction

from .kind_model import ModelChoice, from_text, source_key
from .models import Article, KindModelVersion, Paragraph

CORRECTED_WEIGHT = 5.0


def corrected_articles():
    """(LabelledArticle, source key, corrections) for every article with a paragraph set by hand."""
    from .kind_training import LabelledArticle

    manual = defaultdict(int)
    for article_id in Paragraph.objects.filter(kind_source=Paragraph.KindSource.MANUAL).values_list(
        "article_id", flat=True
    ):
        manual[article_id] += 1
    out = []
    for article in Article.objects.filter(pk__in=list(manual)).order_by("pk"):
        rows = list(article.paragraphs.order_by("position").values_list("text", "kind", "language"))
        labelled = LabelledArticle(
            name=f"article {article.pk}",
            texts=[r[0] for r in rows],
            kinds=[r[1] for r in rows],
            languages=[(r[2], bool(article.language) and r[2] != article.language) for r in rows],
        )
        out.append((labelled, source_key(source_name=article.source_name, url=article.source_url), manual[article.pk]))
    return out


def kind_model_retrain(*, user, seed: int = 14, shared_dir: Path | None = None, base_articles=None) -> KindModelVersion:
    """Train and activate a new adapted model; ValueError (with the reason) when there is nothing to learn.

    ``base_articles`` replaces the default labelled corpus (tests use a smaller one).
    """
    from .kind_training import default_training_set, train

    corrected = corrected_articles()
    if not corrected:
        raise ValueError("No kind corrections yet: correct some paragraphs' kinds on an article page first.")
    if base_articles is None:
        base_articles, info = default_training_set(shared_dir)
    else:
        info = {"trained_on": [a.name for a in base_articles]}
    articles = list(base_articles) + [a for a, _, _ in corrected]
    weights = [1.0] * len(base_articles) + [CORRECTED_WEIGHT] * len(corrected)
    corrections = sum(n for _, _, n in corrected)
    sources = sorted({key for _, key, _ in corrected})
    model = train(
        articles,
        seed=seed,
        weights=weights,
        info={**info, "adapted": True, "corrections": corrections, "corrected_articles": len(corrected)},
    )
    with transaction.atomic():
        KindModelVersion.objects.select_for_update().filter(active=True).update(active=False)
        return KindModelVersion.objects.create(
            created_by=user,
            model_json=model.to_json(),
            corrections=corrections,
            articles=len(corrected),
            sources=sources,
            active=True,
        )


def corrections_summary() -> dict:
    """What a retrain would learn from now: {"corrections": paragraphs set by hand, "articles": their articles}."""
    manual = Paragraph.objects.filter(kind_source=Paragraph.KindSource.MANUAL)
    return {"corrections": manual.count(), "articles": manual.values("article_id").distinct().count()}


def active_kind_model() -> KindModelVersion | None:
    return KindModelVersion.objects.filter(active=True).first()


def import_model_choice() -> ModelChoice:
    """What an import passes to ``preparation.prepare_file``: the adapted model for its sources."""
    version = KindModelVersion.objects.filter(active=True).only("model_json", "sources").first()
    if version is None:
        return ModelChoice.default()
    from_text(version.model_json)  # fail here, not in a worker, if it cannot be read
    return ModelChoice(adapted_json=version.model_json, sources=frozenset(version.sources))
