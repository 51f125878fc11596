"""factory_boy factories, one per model. Use .build() where no database is needed."""

import hashlib

import factory
from django.contrib.auth import get_user_model

from annotation.models import (
    Actor,
    ActorAlias,
    Annotation,
    Assignment,
    Claim,
    Project,
    ProjectMembership,
    StanceLabel,
    Statement,
    Task,
)
from annotation.models.project import DEFAULT_STANCE_LABELS
from corpora.models import Article, Corpus, Paragraph


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw")


class CorpusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Corpus

    name = factory.Sequence(lambda n: f"corpus-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    corpus = factory.SubFactory(CorpusFactory)
    title = factory.Sequence(lambda n: f"Article {n}")
    text = factory.Sequence(lambda n: f"Beijing said on day {n} that the pipeline deal is good for Russia.")
    content_hash = factory.LazyAttribute(lambda a: hashlib.sha256(a.text.encode()).hexdigest())
    language = "en"


class ParagraphFactory(factory.django.DjangoModelFactory):
    """A paragraph covering its whole article's text (offsets stay true)."""

    class Meta:
        model = Paragraph

    article = factory.SubFactory(ArticleFactory)
    position = 0
    kind = Paragraph.Kind.BODY
    text = factory.LazyAttribute(lambda p: p.article.text)
    start = 0
    end = factory.LazyAttribute(lambda p: len(p.article.text))
    text_hash = factory.LazyAttribute(lambda p: hashlib.sha256(p.text.encode()).hexdigest())
    language = "en"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"project-{n}")
    guidelines = "Label **who** says **what**, and whether they are for or against it."

    @factory.post_generation
    def stance_labels(obj, create, extracted, **kwargs):
        if create and not obj.stance_labels.exists():
            StanceLabel.objects.bulk_create(
                StanceLabel(project=obj, value=v, name=n, key=k, order=i)
                for i, (v, n, k) in enumerate(DEFAULT_STANCE_LABELS)
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMembership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = "annotator"


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Actor {n}")
    type = Actor.Type.STATE


class ActorAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorAlias

    actor = factory.SubFactory(ActorFactory)
    alias = factory.Sequence(lambda n: f"alias {n}")
    normalized = factory.LazyAttribute(lambda a: a.alias.lower())


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    project = factory.SubFactory(ProjectFactory)
    text = factory.Sequence(lambda n: f"Claim number {n} is true")
    normalized = factory.LazyAttribute(lambda c: " ".join(c.text.lower().split()))


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    paragraph = factory.SubFactory(ParagraphFactory)
    order = factory.Sequence(lambda n: n)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    annotator = factory.SubFactory(UserFactory)
    leased_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").timezone.utc)
    expires_at = factory.LazyAttribute(lambda a: a.leased_at + __import__("datetime").timedelta(minutes=30))


class AnnotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Annotation

    task = factory.SubFactory(TaskFactory)
    annotator = factory.SubFactory(UserFactory)


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    annotation = factory.SubFactory(AnnotationFactory)
    actor_role = Statement.ActorRole.AUTHOR
    claim = factory.SubFactory(ClaimFactory, project=factory.SelfAttribute("..annotation.task.project"))
    stance = factory.LazyAttribute(lambda s: s.annotation.task.project.stance_labels.first())
