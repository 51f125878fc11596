"""Data for the browser tests: a project with one article split into paragraphs and a task for each."""

import hashlib
from dataclasses import dataclass

from annotation.models import Actor, Claim, Project, Task
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    MembershipFactory,
    ParagraphFactory,
    ProjectFactory,
    TaskFactory,
    UserFactory,
)


@dataclass
class Scene:
    project: Project
    annotator: object
    manager: object
    china: Actor
    claim: Claim
    tasks: list[Task]
    texts: list[str]


def build_scene(
    *,
    paragraphs: list[str],
    task_positions: list[int] | None = None,
    title: str = "Pipeline talks",
    guidelines: str = "Mark **who** takes a stance on **what**.",
) -> Scene:
    """One article whose paragraphs are `paragraphs`; tasks for `task_positions` (default: all), in order."""
    project = ProjectFactory(guidelines=guidelines)
    annotator = MembershipFactory(project=project, user=UserFactory(username="ann"), role="annotator").user
    manager = MembershipFactory(project=project, user=UserFactory(username="boss", is_staff=True), role="manager").user
    china = ActorFactory(project=project, name="China", type="state")
    ActorAliasFactory(actor=china, alias="Beijing", normalized="beijing")
    ActorFactory(project=project, name="European Union", type="organisation")
    claim = ClaimFactory(project=project, text="The pipeline deal is good")
    ClaimFactory(project=project, text="Sanctions against Russia work")

    separator = "\n\n"
    full = separator.join(paragraphs)
    article = ArticleFactory(
        title=title, author="A. Reporter", text=full, content_hash=hashlib.sha256(full.encode()).hexdigest()
    )
    rows, start = [], 0
    for position, text in enumerate(paragraphs):
        rows.append(ParagraphFactory(article=article, position=position, text=text, start=start, end=start + len(text)))
        start += len(text) + len(separator)
    positions = task_positions if task_positions is not None else list(range(len(paragraphs)))
    tasks = [TaskFactory(project=project, paragraph=rows[p], order=i) for i, p in enumerate(positions)]
    return Scene(
        project=project, annotator=annotator, manager=manager, china=china, claim=claim, tasks=tasks, texts=paragraphs
    )
