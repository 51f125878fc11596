"""Which splits of a version are empty, and why: checked before a build (the page and the API warn;
building is still allowed) and recorded by the build in the manifest, from which the dataset card
names the empty splits and leaves them out of its `load_dataset` snippet.

Splits are grouped by article, so a split gets no rows when its ratio is 0, when there are fewer
articles than splits with a positive ratio (two articles at 80/10/10 leave one split empty), or
when its articles' paragraphs are all left out (no gold decision, below the agreement threshold).
"""

from annotation.models import Project
from exports.splits import SPLIT_NAMES, assign_splits

from .params import normalise_params
from .stream import RowFilters, article_label_counts


def row_filters(project: Project, params: dict) -> RowFilters:
    """The rows a version with these (canonical) parameters reads."""
    return RowFilters(
        project_id=project.pk,
        article_ids=params["article_ids"],
        published_from=params["published_from"],
        published_to=params["published_to"],
        adjudicated_only=params["gold_strategy"] == "adjudicated",
    )


def _ratios(params: dict) -> str:
    return "/".join(f"{100 * r:.3g}%" for r in params["split_ratios"])


def empty_split_reasons(
    *, params: dict, n_articles: int, articles: dict[str, int], paragraphs: dict[str, int] | None = None
) -> dict[str, str]:
    """Split name -> why it is empty, for each split without articles (or, after a build, without
    paragraphs). `articles`/`paragraphs` map split name -> count."""
    reasons = {}
    for name, ratio in zip(SPLIT_NAMES, params["split_ratios"], strict=True):
        if ratio == 0:
            reasons[name] = "its ratio is 0"
        elif n_articles == 0:
            reasons[name] = "no article with a submitted or adjudicated paragraph matches the export's filters"
        elif not articles.get(name):
            reasons[name] = (
                f"splits are grouped by article and the {n_articles} "
                f"article{'s' if n_articles != 1 else ''} all went to the other splits "
                f"(ratios {_ratios(params)})"
            )
        elif paragraphs is not None and not paragraphs.get(name):
            reasons[name] = (
                f"the paragraphs of its {articles[name]} article{'s' if articles[name] != 1 else ''} "
                "were all left out (no gold decision, or below the agreement threshold)"
            )
    return reasons


def split_check(*, project: Project, params: dict | None) -> dict:
    """Before building: how many articles each split would get, and which would be empty and why.
    Raises ValidationError for bad parameters, like `dataset_version_create`."""
    clean = normalise_params(params)
    label_counts, _units = article_label_counts(row_filters(project, clean))
    split_of = assign_splits(label_counts, ratios=clean["split_ratios"], seed=clean["seed"])
    articles = dict.fromkeys(SPLIT_NAMES, 0)
    for name in split_of.values():
        articles[name] += 1
    empty = empty_split_reasons(params=clean, n_articles=len(split_of), articles=articles)
    return {
        "articles": len(split_of),
        "split_articles": articles,
        "empty_splits": empty,
        "warnings": [f"The {name} split will be empty: {why}." for name, why in empty.items()],
    }
