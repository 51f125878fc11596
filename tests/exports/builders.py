"""Small helpers that build submitted annotations for agreement and gold tests."""

import datetime as dt

from annotation.models import Annotation, StanceLabel, Statement
from tests.factories import AnnotationFactory, ArticleFactory, ParagraphFactory, TaskFactory

WHEN = dt.datetime(2026, 10, 5, 12, tzinfo=dt.UTC)


def task_in(project, article=None):
    article = article or ArticleFactory()
    return TaskFactory(project=project, paragraph=ParagraphFactory(article=article))


def submit(task, annotator, statements=(), when=WHEN):
    """statements: (actor or None, claim, stance value[, (start, end)])."""
    annotation = AnnotationFactory(
        task=task,
        annotator=annotator,
        status=Annotation.Status.SUBMITTED,
        submitted_at=when,
        no_statement=not statements,
    )
    for i, item in enumerate(statements):
        actor, claim, stance = item[:3]
        span = item[3] if len(item) > 3 else ((0, 7) if actor is not None else (None, None))
        Statement.objects.create(
            annotation=annotation,
            position=i,
            actor=actor,
            actor_role="mention" if actor is not None else "author",
            actor_start=span[0],
            actor_end=span[1],
            claim=claim,
            stance=StanceLabel.objects.get(project=task.project, value=stance),
        )
    return annotation
