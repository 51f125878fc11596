"""A project whose every user-writable text is an attack, and the list of pages that show it.

Used by the browser test that opens every page as every role (tests/test_xss_every_page.py) and by
the test of the Content-Security-Policy header (tests/test_csp_header.py). The page list comes from
the URLconfs: a named page that is neither visited nor exempt (with a reason) fails the tests.
"""

import hashlib
from dataclasses import dataclass, field

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from annotation.models import (
    Adjudication,
    Annotation,
    ApiToken,
    GoldStatement,
    LabelStudioLink,
    Prediction,
    PredictionSet,
    PrelabelEvaluation,
    PrelabelJob,
    Statement,
)
from annotation.services.people import invitation_create
from annotation.services.tokens import api_token_create
from corpora.models import ImportJob
from exports.services.export import dataset_version_build, dataset_version_create
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ArticleFactory,
    ClaimFactory,
    CorpusFactory,
    MembershipFactory,
    ParagraphFactory,
    ProjectFactory,
    TaskFactory,
    UserFactory,
)

MARKER_ATTRIBUTE = "data-xss"  # every payload's element carries it: finding one in the DOM means markup got through
JS_URL = "javascript:window.__xss='url'//"


def hostile(label: str) -> str:
    """The four payload shapes of the issue in one string (under 150 characters for a short label)."""
    return (
        f"{label}<img src=x data-xss onerror=alert(1)><script data-xss>window.__xss=1</script>"
        f"\"><svg data-xss onload=window.__xss=2>'"
    )


SHORT = "<img src=x data-xss onerror=alert(1)>"  # for fields of 64 characters


@dataclass
class Scene:
    project: object
    manager: object
    annotators: list
    ml_engineer: object
    superuser: object
    article: object
    corpus: object
    tasks: list
    versions: list = field(default_factory=list)
    import_jobs: list = field(default_factory=list)
    invitation_token: str = ""


def _paragraph_text(label: str) -> str:
    return "Beijing said " + hostile(label)


def build_hostile_scene() -> Scene:
    """Needs committed data (transactional_db): dataset builds read through their own connection.
    Point dataset exports at a fresh folder first (tests.exports.storage_support)."""
    guidelines = (
        f"# {hostile('guidelines')}\n\n{hostile('guidelines-html')}\n\n[a link]({JS_URL}) "
        f"<a href=\"{JS_URL}\">raw link</a>"
    )
    project = ProjectFactory(name=hostile("project"), description=hostile("description"), guidelines=guidelines)
    label = project.stance_labels.get(value="unclear")
    label.name = SHORT
    label.save()
    manager = MembershipFactory(project=project, role="manager", user=UserFactory(username="boss", is_staff=True)).user
    annotators = [
        MembershipFactory(project=project, role="annotator", user=UserFactory(username=hostile(f"u{i}"))).user
        for i in (1, 2)
    ]
    ml_engineer = MembershipFactory(project=project, role="ml_engineer", user=UserFactory(username="mleng")).user
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)

    actor = ActorFactory(project=project, name=hostile("actor"))
    ActorAliasFactory(actor=actor, alias=hostile("alias"), normalized=hostile("alias").lower())
    claim = ClaimFactory(
        project=project,
        text=hostile("claim"),
        normalized=hostile("claim").lower(),
        description=hostile("claim-description"),
    )
    other_claim = ClaimFactory(project=project, text=hostile("claim2"), normalized=hostile("claim2").lower())

    corpus = CorpusFactory(name=hostile("corpus"), description=hostile("corpus-description"))
    project.corpora.add(corpus)
    texts = [_paragraph_text(f"paragraph{i}") for i in range(3)]
    full = "\n\n".join(texts)
    article = ArticleFactory(
        corpus=corpus,
        title=hostile("title"),
        author=hostile("author"),
        source_url=JS_URL,
        text=full,
        content_hash=hashlib.sha256(full.encode()).hexdigest(),
        published="2026-01-02",
    )
    tasks, start = [], 0
    for position, text in enumerate(texts):
        paragraph = ParagraphFactory(article=article, position=position, text=text, start=start, end=start + len(text))
        start += len(text) + 2
        tasks.append(TaskFactory(project=project, paragraph=paragraph, order=position))

    stance = {s.value: s for s in project.stance_labels.all()}
    # Tasks 0 and 1: both annotators submitted; they disagree on task 0, which has a gold.
    for t, task in enumerate(tasks[:2]):
        for i, user in enumerate(annotators):
            annotation = Annotation.objects.create(task=task, annotator=user, status=Annotation.Status.SUBMITTED)
            Statement.objects.create(
                annotation=annotation,
                position=0,
                actor_role="mention",
                actor=actor,
                actor_start=0,
                actor_end=7,
                claim=claim if t or not i else other_claim,
                stance=stance["favor" if t or not i else "unclear"],
                note=hostile("note"),
            )
    adjudication = Adjudication.objects.create(task=tasks[0], adjudicator=manager, reason=hostile("reason"))
    GoldStatement.objects.create(
        adjudication=adjudication,
        position=0,
        actor_role="mention",
        actor=actor,
        actor_start=0,
        actor_end=7,
        claim=claim,
        stance=stance["unclear"],
        reason=hostile("gold-reason"),
    )
    # Task 2 is open: the annotators' workspace shows it with hostile pre-labels.
    job = PrelabelJob.objects.create(project=project, status=PrelabelJob.Status.FAILED, error=hostile("job-error"))
    prediction_set = PredictionSet.objects.create(task=tasks[2], model_name="gazetteer", model_version="1", job=job)
    for kind, extra in (
        ("actor", {"actor": actor, "start": 0, "end": 7, "surface": "Beijing"}),
        ("actor_candidate", {"start": 0, "end": 7, "surface": hostile("candidate")}),
        ("claim", {"claim": claim, "surface": hostile("claim-surface")}),
    ):
        Prediction.objects.create(
            prediction_set=prediction_set,
            task=tasks[2],
            kind=kind,
            model_name="gazetteer",
            model_version="1",
            score=0.9,
            **extra,
        )

    # Upload imports: a failed one (error, retry button) and a complete one whose report names hostile files.
    name, reason = hostile("upload") + ".txt", hostile("reason")
    files = [{"name": name, "status": "failed", "reason": reason, "articles": 0, "duplicates": 0, "paragraphs": 0}]
    report = {
        "corpus": {"id": corpus.pk, "name": corpus.name},
        "imported": 0,
        "skipped": 0,
        "failed": 1,
        "articles": 0,
        "paragraphs": 0,
        "seconds": 0.1,
        "files": files,
    }
    import_jobs = [
        ImportJob.objects.create(
            corpus=corpus,
            status=ImportJob.Status.FAILED,
            error=hostile("import-error"),
            files=[{"name": name, "path": "imports/none", "size": 1}],
            results=files,
            current=hostile("current"),
            encoding=SHORT[:32],
        ),
        ImportJob.objects.create(
            corpus=corpus,
            status=ImportJob.Status.COMPLETE,
            results=files,
            report=report,
            files=[{"name": name, "path": "imports/gone", "size": 1}],
        ),
        ImportJob.objects.create(
            corpus=corpus,
            status=ImportJob.Status.RUNNING,
            files_total=3,
            current=hostile("current"),
            files=[{"name": name, "path": "x", "size": 1}],
        ),
    ]
    # an evaluation run whose report carries the article title (data) and a failed one with its error
    PrelabelEvaluation.objects.create(
        project=project,
        status=PrelabelEvaluation.Status.COMPLETE,
        created_by=manager,
        report={
            "statements": 2,
            "paragraphs": 2,
            "folds": "leave-one-article-out",
            "stance_selection": [
                {
                    "held_out": str(article.pk),
                    "title": hostile("fold-title"),
                    "chosen": None,
                    "reason": hostile("fold-reason"),
                    "claim_weights": {hostile("w"): 0.1},
                }
            ],
        },
    )
    PrelabelEvaluation.objects.create(
        project=project, status=PrelabelEvaluation.Status.FAILED, error=hostile("evaluation-error")
    )
    api_token_create(user=manager, name=hostile("token-name"))  # on the account and revoke pages
    LabelStudioLink.objects.create(annotation=annotation, ls_project_id=1, ls_annotation_id=1)  # its admin form
    _, invitation_token = invitation_create(
        project=project, created_by=manager, role="annotator", email="invitee@example.org"
    )  # the People and sign-up pages
    scene = Scene(
        project=project,
        manager=manager,
        annotators=annotators,
        ml_engineer=ml_engineer,
        superuser=superuser,
        article=article,
        corpus=corpus,
        tasks=tasks,
        import_jobs=import_jobs,
        invitation_token=invitation_token,
    )
    for seed in (1, 2):
        version = dataset_version_create(
            project=project,
            params={"seed": seed, "formats": ["jsonl", "csv"], "include_annotations": True},
            user=manager,
            enqueue=False,
        )
        scene.versions.append(dataset_version_build(version_id=version.pk))
    assert [v.status for v in scene.versions] == ["complete", "complete"], [v.error for v in scene.versions]
    return scene


# Named URL patterns that are not pages to open, each with the reason.
EXEMPT = {
    "logout": "POST only; the form that posts to it is on every page",
    "exports:download": "a file download (attachment), never rendered; the dataset card is shown on exports:detail",
    "exports:zip": "a zip download (attachment) of the stored files, never rendered",
    "schema": "the OpenAPI schema as YAML, not HTML",
    "exports:agreement-refresh": "POST only (managers); its button is on exports:agreement",
    "exports:action": "POST only (cancel / retry a dataset version); its buttons are on exports:list and "
    "exports:detail",
    "annotation:token-create": "POST only; it renders the account page (annotation:account) with the new key",
    "annotation:invitation-create": "POST only; it renders annotation:people with the new link",
    "annotation:invitation-revoke": "POST only; its buttons are on annotation:people",
    "annotation:user-create": "POST only (superusers); its form is on annotation:people",
    "annotation:member-reactivate": "POST only; its buttons are on annotation:people",
    "annotation:workspace-previous": "POST only; its button is on annotation:workspace",
    "annotation:my-annotation-open": "POST only; its buttons are on annotation:my-annotations",
    "annotation:task-bulk": "POST only (managers); its confirm page lists task ids only, its buttons are on "
    "annotation:task-browser",
}
# HTML pages under api/ (the rest of api/ is the JSON API, opened as the browsable API below).
API_PAGES = {"api-docs", "api-redoc"}


def named_page_patterns() -> set[str]:
    """Every named URL pattern outside the JSON API and the admin (both covered separately)."""

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(
                    p.url_patterns, prefix + str(p.pattern), namespace + (f"{p.namespace}:" if p.namespace else "")
                )
            elif isinstance(p, URLPattern) and p.name:
                yield prefix + str(p.pattern), namespace + p.name

    names = set()
    for route, name in walk(get_resolver().url_patterns):
        if name.startswith("admin:") or (route.startswith("api/") and name not in API_PAGES | set(EXEMPT)):
            continue
        names.add(name)
    return names


def page_urls(scene: Scene) -> dict[str, str]:
    """One URL for each named page, showing the scene's data."""
    project, task, old, new = scene.project.pk, scene.tasks[0].pk, scene.versions[0].pk, scene.versions[1].pk
    return {
        "login": reverse("login"),
        "annotation:home": reverse("annotation:home"),
        "annotation:project": reverse("annotation:project", args=[project]),
        "annotation:workspace": reverse("annotation:workspace", args=[project]),
        "annotation:registry-actors": reverse("annotation:registry-actors", args=[project]),
        "annotation:registry-claims": reverse("annotation:registry-claims", args=[project]),
        "annotation:prelabel": reverse("annotation:prelabel", args=[project]),
        "annotation:prelabel-jobs": reverse("annotation:prelabel-jobs", args=[project]),
        "annotation:prelabel-evaluation": reverse("annotation:prelabel-evaluation", args=[project]),
        "annotation:adjudication-list": reverse("annotation:adjudication-list", args=[project]),
        "annotation:adjudicate": reverse("annotation:adjudicate", args=[task]),
        "annotation:task-browser": reverse("annotation:task-browser", args=[project]),
        "annotation:task-detail": reverse("annotation:task-detail", args=[task]),
        # a search whose hit is highlighted in the excerpt (<mark> around escaped text); the annotator's own
        # list for them, and theirs (read-only) for the manager and the ML engineer
        "annotation:my-annotations": reverse("annotation:my-annotations", args=[project])
        + f"?q=script&annotator={scene.annotators[0].pk}",
        "corpora:list": reverse("corpora:list"),
        "corpora:upload": reverse("corpora:upload"),
        "corpora:detail": reverse("corpora:detail", args=[scene.corpus.pk]),
        "corpora:article": reverse("corpora:article", args=[scene.article.pk]),
        "corpora:kind-model-retrain": reverse("corpora:kind-model-retrain", args=[scene.corpus.pk]),
        "corpora:import": reverse("corpora:import", args=[scene.import_jobs[0].pk]),
        "exports:list": reverse("exports:list", args=[project]),
        "exports:compare": reverse("exports:compare", args=[project]) + f"?old={old}&new={new}",
        "exports:detail": reverse("exports:detail", args=[new]),
        "exports:agreement": reverse("exports:agreement", args=[project]),
        "annotation:account": reverse("annotation:account"),
        "annotation:token-revoke": reverse(
            "annotation:token-revoke", args=[ApiToken.objects.filter(user=scene.manager).first().pk]
        ),
        "annotation:people": reverse("annotation:people", args=[project]),
        "annotation:member-deactivate": reverse("annotation:member-deactivate", args=[project, scene.annotators[0].pk]),
        "annotation:signup": reverse("annotation:signup", args=[scene.invitation_token]),
        "api-docs": reverse("api-docs"),
        "api-redoc": reverse("api-redoc"),
    }


def browsable_api_urls(scene: Scene) -> list[str]:
    """The DRF browsable API renders the same data as HTML: a few of its pages."""
    project = scene.project.pk
    return [
        f"/api/projects/{project}/",
        f"/api/projects/{project}/claims/",
        f"/api/projects/{project}/actors/",
        f"/api/articles/{scene.article.pk}/",
        f"/api/tasks/{scene.tasks[0].pk}/adjudication/",
        f"/api/projects/{project}/task-browser/",
    ]


def admin_urls() -> list[str]:
    """The admin index, and every registered model's list and first object's change form."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
    return urls


def unvisited(urls: dict[str, str]) -> set[str]:
    """Named pages neither in `urls` nor exempt: a new page must be added to one of them."""
    return named_page_patterns() - set(urls) - set(EXEMPT)
