"""Training and scoring the learned kind model (no Django; scikit-learn is imported only here).

``labelled_dir(path)`` reads a folder of ``NAME.txt`` + gold ``NAME.json`` (the layout of
``corpora/testdata/kinds``); ``train(articles, seed=...)`` fits the two stages of
``corpora.kind_model`` (stage 2 on out-of-fold stage-1 probabilities, grouped by article, so the
smoothing pass learns from honest neighbours' scores); ``scores(...)`` gives body F1 and non-body
recall, the figures the issue sets targets on. Deterministic for a seed.
"""

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import kinds as rules
from .kind_features import KINDS, article_features
from .kind_model import KindModel, Linear, kinds_with_reasons, neighbour_features
from .languages import article_language, paragraph_languages
from .readers import read_source
from .splitting import split_paragraphs

FOLDS = 5
C = 0.3  # chosen by leave-one-layout-out on the development part (README)


@dataclass
class LabelledArticle:
    name: str
    texts: list[str]
    kinds: list[str]
    title: str = ""
    author: str = ""
    headings: frozenset = frozenset()
    languages: list[tuple[str, bool]] | None = None

    def __post_init__(self):
        if len(self.texts) != len(self.kinds):
            raise ValueError(f"{self.name}: {len(self.texts)} paragraphs but {len(self.kinds)} labels")
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"{self.name}: unknown kinds {sorted(unknown)}")
        if self.languages is None:
            self.languages = paragraph_languages(self.texts, article_language("\n\n".join(self.texts)))

    def decisions(self) -> list[rules.Decision]:
        return rules.detect_kinds(self.texts, title=self.title, author=self.author, headings=self.headings)


def labelled_dir(path: Path) -> list[LabelledArticle]:
    """Every ``*.txt`` with its gold ``*.json`` in ``path``, read the way an import reads it."""
    articles = []
    for gold_path in sorted(Path(path).glob("*.json")):
        text_path = gold_path.with_suffix(".txt")
        document = read_source(text_path.name, text_path.read_bytes())[0]
        texts = [s.text for s in split_paragraphs(document.text)]
        gold = json.loads(gold_path.read_text(encoding="utf-8"))["paragraphs"]
        if [" ".join(g["text"].split()) for g in gold] != [" ".join(t.split()) for t in texts]:
            raise ValueError(f"{gold_path.name}: its paragraphs are not those the splitter finds in {text_path.name}")
        articles.append(
            LabelledArticle(
                name=text_path.name,
                texts=texts,
                kinds=[g["kind"] for g in gold],
                title=document.title,
                author=document.author,
                headings=document.headings,
            )
        )
    return articles


def _matrix(article: LabelledArticle) -> np.ndarray:
    return np.asarray(article_features(article.texts, article.decisions(), article.languages), dtype=np.float64)


def _fit(x: np.ndarray, y: np.ndarray, weights: np.ndarray, seed: int, c: float = 1.0) -> Linear:
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    with threadpool_limits(1):  # BLAS threads on a small problem fight each other: 0.04 s instead of 10 s
        fitted = LogisticRegression(C=c, max_iter=5000, random_state=seed).fit(
            (x - mean) / scale, y, sample_weight=weights
        )
    coef = np.zeros((len(KINDS), x.shape[1]))
    intercept = np.full(len(KINDS), -30.0)  # a kind never seen in training is never predicted
    for row, label in enumerate(fitted.classes_):
        coef[label], intercept[label] = fitted.coef_[row], fitted.intercept_[row]
    if len(fitted.classes_) == 2:  # binary problems come back as one row: class 1 against class 0
        coef[fitted.classes_[0]], intercept[fitted.classes_[0]] = -fitted.coef_[0] / 2, -fitted.intercept_[0] / 2
        coef[fitted.classes_[1]], intercept[fitted.classes_[1]] = fitted.coef_[0] / 2, fitted.intercept_[0] / 2
    return Linear(mean=mean, scale=scale, coef=coef, intercept=intercept)


def train(
    articles: Sequence[LabelledArticle],
    *,
    seed: int = 14,
    weights: Sequence[float] | None = None,
    info: dict | None = None,
    c: float = C,
) -> KindModel:
    """Fit both stages on ``articles`` (each may carry a weight: corrected articles count more)."""
    if len(articles) < FOLDS:
        raise ValueError(f"Training needs at least {FOLDS} labelled articles, got {len(articles)}.")
    order = list(range(len(articles)))
    random.Random(seed).shuffle(order)
    matrices = [_matrix(articles[i]) for i in order]
    labels = [np.asarray([KINDS.index(k) for k in articles[i].kinds]) for i in order]
    article_weight = [1.0 if weights is None else float(weights[i]) for i in order]
    x, y = np.vstack(matrices), np.concatenate(labels)
    w = np.concatenate([np.full(len(m), wt) for m, wt in zip(matrices, article_weight, strict=False)])
    stage1 = _fit(x, y, w, seed, c)
    out_of_fold: list[np.ndarray | None] = [None] * len(matrices)
    for fold in range(FOLDS):
        held = [i for i in range(len(matrices)) if i % FOLDS == fold]
        kept = [i for i in range(len(matrices)) if i % FOLDS != fold]
        model = _fit(
            np.vstack([matrices[i] for i in kept]),
            np.concatenate([labels[i] for i in kept]),
            np.concatenate([np.full(len(matrices[i]), article_weight[i]) for i in kept]),
            seed,
            c,
        )
        for i in held:
            out_of_fold[i] = model.proba(matrices[i])
    x2 = np.vstack([np.hstack([m, neighbour_features(p)]) for m, p in zip(matrices, out_of_fold, strict=False)])
    stage2 = _fit(x2, y, w, seed, c)
    return KindModel(
        stage1=stage1,
        stage2=stage2,
        info={"seed": seed, "articles": len(articles), "paragraphs": int(len(y)), "C": c, **(info or {})},
    )


@dataclass(frozen=True)
class Scores:
    body_f1: float
    nonbody_recall: float
    body_precision: float
    body_recall: float
    paragraphs: int
    nonbody: int
    kind_accuracy: float

    def as_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def predicted_kinds(model: KindModel | None, article: LabelledArticle) -> list[str]:
    """What an import stores: the model's (or, with None, the rules') kinds, then the language rule."""
    decisions = kinds_with_reasons(
        model,
        article.texts,
        title=article.title,
        author=article.author,
        headings=article.headings,
        languages=article.languages,
    )
    return [
        rules.FOOTER if differs and d.kind == rules.BODY else d.kind
        for d, (_, differs) in zip(decisions, article.languages, strict=False)
    ]


def scores(model: KindModel | None, articles: Sequence[LabelledArticle]) -> Scores:
    tp = fp = fn = nonbody = nonbody_found = same = total = 0
    for article in articles:
        for got, want in zip(predicted_kinds(model, article), article.kinds, strict=False):
            is_body, should = got == rules.BODY, want == rules.BODY
            tp += is_body and should
            fp += is_body and not should
            fn += should and not is_body
            nonbody += not should
            nonbody_found += not should and not is_body
            same += got == want
            total += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return Scores(
        body_f1=2 * tp / (2 * tp + fp + fn) if tp else 0.0,
        nonbody_recall=nonbody_found / nonbody if nonbody else 1.0,
        body_precision=precision,
        body_recall=recall,
        paragraphs=total,
        nonbody=nonbody,
        kind_accuracy=same / total if total else 0.0,
    )


def rules_labelled(paths: Sequence[Path]) -> list[LabelledArticle]:
    """Articles labelled by what the rules (and the language rule) decide: for the shared corpus,
    whose every file has per-paragraph checks pinning those decisions (tests/corpora)."""
    articles = []
    for path in paths:
        document = read_source(path.name, path.read_bytes())[0]
        texts = [s.text for s in split_paragraphs(document.text)]
        article = LabelledArticle(
            name=path.name,
            texts=texts,
            kinds=[rules.BODY] * len(texts),
            title=document.title,
            author=document.author,
            headings=document.headings,
        )
        article.kinds = predicted_kinds(None, article)
        articles.append(article)
    return articles


TESTDATA = Path(__file__).resolve().parent / "testdata" / "kinds"


def default_training_set(shared_dir: Path | None) -> tuple[list[LabelledArticle], dict]:
    """The development part of corpora/testdata/kinds, plus the shared corpus when it is there."""
    articles = labelled_dir(TESTDATA / "dev")
    shared = sorted(shared_dir.glob("*.txt")) if shared_dir and shared_dir.is_dir() else []
    articles += rules_labelled(shared)
    return articles, {"trained_on": ["corpora/testdata/kinds/dev"] + [f"shared/corpus/{p.name}" for p in shared]}
