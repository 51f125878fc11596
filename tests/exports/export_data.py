"""A small annotated project for the export tests: 6 articles, 2 paragraphs each, 3 annotators,
one adjudicated paragraph, one tie, pre-labels."""

import hashlib

from annotation.models import Adjudication, Annotation, GoldStatement, Prediction, PredictionSet, Statement
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    MembershipFactory,
    ParagraphFactory,
    TaskFactory,
    UserFactory,
)

TEXTS = [
    "Russia said the pipeline deal is good. China disagreed with Russia on the deal.",
    "The EU argued sanctions work, while Russia rejected sanctions outright.",
]


def build_project(project, *, n_articles=6, annotators=None):
    actors = {n: ActorFactory(project=project, name=n) for n in ("China", "EU", "Russia")}
    claims = {
        t: ClaimFactory(project=project, text=t, normalized=t.lower())
        for t in ("Sanctions work", "The pipeline deal is good")
    }
    stance = {s.value: s for s in project.stance_labels.all()}
    annotators = annotators or [
        MembershipFactory(
            project=project, user=UserFactory(username=f"alice{i}", email=f"alice{i}@example.org"), role="annotator"
        ).user
        for i in range(3)
    ]
    tasks = []
    order = 0
    for a in range(n_articles):
        text = "\n\n".join(TEXTS)
        article = ArticleFactory(
            title=f"Story {a}",
            text=text + f" #{a}",
            content_hash=hashlib.sha256(f"{a}{text}".encode()).hexdigest(),
            published=f"2024-0{1 + a % 9}-1{a % 9}",
        )
        project.corpora.add(article.corpus)
        offset = 0
        for pos, ptext in enumerate(TEXTS):
            par = ParagraphFactory(article=article, position=pos, text=ptext, start=offset, end=offset + len(ptext))
            offset += len(ptext) + 2
            order += 1
            tasks.append(TaskFactory(project=project, paragraph=par, order=order))
    for i, task in enumerate(tasks):
        text = task.paragraph.text
        for j, user in enumerate(annotators):
            ann = Annotation.objects.create(task=task, annotator=user, status="submitted")
            if "Russia said" in text:
                # everyone: Russia favors the pipeline; 2 of 3: China against it; one tie in task 2
                st = "favor" if not (i == 2 and j == 0) else "against"
                Statement.objects.create(
                    annotation=ann,
                    position=0,
                    actor_role="mention",
                    actor=actors["Russia"],
                    actor_start=0,
                    actor_end=6,
                    claim=claims["The pipeline deal is good"],
                    stance=stance[st],
                    evidence_start=0,
                    evidence_end=38,
                )
                if j < 2:
                    s = text.index("China")
                    Statement.objects.create(
                        annotation=ann,
                        position=1,
                        actor_role="mention",
                        actor=actors["China"],
                        actor_start=s,
                        actor_end=s + 5,
                        claim=claims["The pipeline deal is good"],
                        stance=stance["against"],
                    )
            else:
                s = text.index("EU")
                Statement.objects.create(
                    annotation=ann,
                    position=0,
                    actor_role="mention",
                    actor=actors["EU"],
                    actor_start=s,
                    actor_end=s + 2,
                    claim=claims["Sanctions work"],
                    stance=stance["favor" if i % 4 else "neutral"],
                )
                Statement.objects.create(
                    annotation=ann,
                    position=1,
                    actor_role="author",
                    claim=claims["Sanctions work"],
                    stance=stance["unclear"],
                    note="the author hedges",
                )
    # one adjudicated paragraph: gold says Russia is against
    adj = Adjudication.objects.create(task=tasks[0], reason="checked")
    GoldStatement.objects.create(
        adjudication=adj,
        position=0,
        actor_role="mention",
        actor=actors["Russia"],
        actor_start=0,
        actor_end=6,
        claim=claims["The pipeline deal is good"],
        stance=stance["against"],
    )
    ps = PredictionSet.objects.create(task=tasks[1], model_name="keywords", model_version="1")
    Prediction.objects.create(
        prediction_set=ps,
        task=tasks[1],
        kind="actor",
        model_name="keywords",
        model_version="1",
        score=0.9,
        actor=actors["EU"],
        start=4,
        end=6,
        surface="EU",
    )
    return {"actors": actors, "claims": claims, "tasks": tasks, "annotators": annotators, "stance": stance}
