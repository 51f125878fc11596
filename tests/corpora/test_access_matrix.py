"""Corpora are walled off between projects: two managers of two projects over every corpus, article
and paragraph endpoint and page (taken from the URL patterns, so a new one cannot be forgotten).

P's manager may read P's corpora, corpora shared with them and corpora they own; Q's corpus answers
404 to every method, exactly like an id that does not exist. A corpus used by P and Q is readable by
both managers but changed only by someone who manages both. A superuser sees everything.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from annotation.models import Task
from annotation.services.projects import tasks_sync
from corpora import api_urls
from corpora import urls as page_urls
from corpora.import_jobs import import_job_run
from corpora.models import Article, Corpus, ImportJob, Paragraph
from tests.factories import ArticleFactory, MembershipFactory, ParagraphFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Q-SECRET"  # in every name and text of Q's corpus: never in a response to P's manager
MISSING = 10**9


def _corpus(name: str, *, owner, projects=(), articles: int = 2, paragraphs: int = 3) -> Corpus:
    corpus = Corpus.objects.create(name=name, owner=owner, created_by=owner)
    for i in range(articles):
        article = ArticleFactory(corpus=corpus, title=f"{name} article {i}", text=f"{name} text {i}.")
        for j in range(paragraphs):
            ParagraphFactory(article=article, position=j)
    for project in projects:
        project.corpora.add(corpus)
    ImportJob.objects.create(corpus=corpus, status=ImportJob.Status.FAILED, error=f"{name}: the worker stopped")
    return corpus


@pytest.fixture
def walls(db):
    p, q = ProjectFactory(name="Project P"), ProjectFactory(name="Project Q")
    manager_p = MembershipFactory(project=p, user=UserFactory(username="manager_p", is_staff=True), role="manager").user
    manager_q = MembershipFactory(project=q, user=UserFactory(username="manager_q", is_staff=True), role="manager").user
    manager_pq = UserFactory(username="manager_pq", is_staff=True)
    for project in (p, q):
        MembershipFactory(project=project, user=manager_pq, role="manager")
    corpora = {
        "own": _corpus("P corpus", owner=manager_p, projects=[p]),
        "foreign": _corpus(f"{SECRET} corpus", owner=manager_q, projects=[q]),
        "both": _corpus("Shared by P and Q", owner=manager_q, projects=[p, q]),
        "shared": _corpus("Lent to P", owner=manager_q),
    }
    corpora["shared"].shared_with.add(manager_p)
    for project in (p, q):
        tasks_sync(project=project)
    return {
        "p": p,
        "q": q,
        "manager_p": manager_p,
        "manager_q": manager_q,
        "manager_pq": manager_pq,
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
        **corpora,
    }


def _ids(corpus: Corpus) -> dict:
    article = corpus.articles.order_by("id").first()
    return {
        "corpus_id": corpus.pk,
        "article_id": article.pk,
        "paragraph_id": article.paragraphs.first().pk,
        "job_id": corpus.import_jobs.get().pk,
    }


def _patterns():
    for module, namespace in ((api_urls, "corpora-api"), (page_urls, "corpora")):
        for pattern in module.urlpatterns:
            yield f"{namespace}:{pattern.name}", pattern


def _methods(name: str, pattern) -> list[str]:
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is not None:
        return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)]
    return ["get"] + (["post"] if name in PAGE_POSTS else [])


def _upload():
    return {"file": [SimpleUploadedFile("new.txt", b"A brand new article about pipelines.\n\nIt has two paragraphs.")]}


PAGE_POSTS = {"corpora:list", "corpora:upload", "corpora:import", "corpora:kind-model-retrain"}
# What each writing method sends, and what it answers on a corpus its caller may change.
WRITES = {
    ("corpora-api:corpus-list", "post"): (lambda: {"name": "A new corpus"}, "json", 201),
    ("corpora-api:corpus-upload", "post"): (_upload, "multipart", 202),
    ("corpora-api:import-job-retry", "post"): (dict, "json", 202),
    ("corpora-api:article-mark-comments", "post"): (lambda: {"from_position": 1}, "json", 200),
    ("corpora-api:article-mark-comments-undo", "post"): (
        lambda: {"paragraphs": [{"id": 1, "kind": "body", "kind_source": "auto", "kind_reason": ""}]},
        "json",
        200,
    ),
    ("corpora-api:paragraph-detail", "patch"): (lambda: {"kind": "noise"}, "json", 200),
    ("corpora-api:paragraph-merge", "post"): (lambda: {}, "json", 200),
    ("corpora-api:paragraph-split", "post"): (lambda: {"at": 3}, "json", 200),
    ("corpora:kind-model-retrain", "post"): (lambda: {}, None, 302),
    ("corpora:list", "post"): (lambda: {"name": "A new corpus"}, None, 302),
    ("corpora:upload", "post"): (lambda: {"new_name": "", **_upload()}, None, 302),
    ("corpora:import", "post"): (dict, None, 302),
}
ID_PATTERNS = [(n, p) for n, p in _patterns() if p.pattern.converters]
PLAIN_PATTERNS = [(n, p) for n, p in _patterns() if not p.pattern.converters]


def _client(user, name: str):
    if name.startswith("corpora-api:"):
        client = APIClient()
        client.force_authenticate(user=user)
    else:
        client = Client()
        client.force_login(user)
    return client


def _call(client, name, method, url, *, ids=None):
    if method == "get":
        return client.get(url)
    if (name, method) not in WRITES:
        pytest.fail(f"{name} {method.upper()} is new: add it to WRITES (payload and expected status)")
    payload, fmt, _ = WRITES[(name, method)]
    data = payload()
    if name == "corpora:upload" and ids:
        data["corpus"] = str(ids["corpus_id"])
    if name == "corpora-api:article-mark-comments-undo" and ids:
        data["paragraphs"][0]["id"] = ids["paragraph_id"]  # a paragraph of that article
    if fmt:
        return getattr(client, method)(url, data, format=fmt)
    return getattr(client, method)(url, data)


def _url(pattern_name, pattern, ids):
    return reverse(pattern_name, kwargs={k: ids[k] for k in pattern.pattern.converters})


def _snapshot(corpus: Corpus):
    paragraphs = Paragraph.objects.filter(article__corpus=corpus)
    return (
        Article.objects.filter(corpus=corpus).count(),
        sorted(paragraphs.values_list("id", "kind", "kind_source")),
        Paragraph.history.filter(article__corpus=corpus).count(),
        Task.objects.count(),
    )


def test_every_corpus_endpoint_and_page_is_probed():
    probed = {(n, m) for n, p in _patterns() for m in _methods(n, p) if m != "get"}
    assert probed == set(WRITES), "a corpus endpoint's write method is missing from WRITES (or WRITES is stale)"
    assert ID_PATTERNS and PLAIN_PATTERNS


@pytest.mark.parametrize("name", [n for n, p in _patterns() if n.startswith("corpora:")])
def test_page_methods_are_known(walls, name):
    """Pages are plain functions: a page that starts taking POST must be listed in PAGE_POSTS."""
    pattern = dict(_patterns())[name]
    response = _client(walls["manager_p"], name).post(_url(name, pattern, _ids(walls["own"])), {})
    assert (response.status_code != 405) == (name in PAGE_POSTS)


@pytest.mark.parametrize("name, pattern", ID_PATTERNS, ids=[n for n, _ in ID_PATTERNS])
def test_a_foreign_id_is_a_404_like_a_missing_one_and_changes_nothing(walls, name, pattern):
    client = _client(walls["manager_p"], name)
    before = _snapshot(walls["foreign"])
    for method in _methods(name, pattern):
        foreign = _call(client, name, method, _url(name, pattern, _ids(walls["foreign"])), ids=_ids(walls["foreign"]))
        missing = _call(client, name, method, _url(name, pattern, dict.fromkeys(_ids(walls["own"]), MISSING)))
        assert foreign.status_code == missing.status_code == 404, f"{method.upper()} {name}: {foreign.status_code}"
        assert SECRET.encode() not in foreign.content
        if name.startswith("corpora-api:"):
            assert foreign.json() == missing.json()  # nothing tells a foreign id from a missing one
    assert _snapshot(walls["foreign"]) == before


@pytest.mark.parametrize(
    "who, corpus",
    [
        ("manager_p", "own"),
        ("manager_p", "shared"),
        ("manager_q", "foreign"),
        ("superuser", "foreign"),
        ("manager_pq", "both"),
    ],
)
@pytest.mark.parametrize("name, pattern", ID_PATTERNS, ids=[n for n, _ in ID_PATTERNS])
def test_a_readable_corpus_answers_every_method(walls, name, pattern, who, corpus):
    client = _client(walls[who], name)
    ids = _ids(walls[corpus])
    for method in _methods(name, pattern):
        response = _call(client, name, method, _url(name, pattern, ids), ids=ids)
        want = 200 if method == "get" else WRITES[(name, method)][2]
        assert response.status_code == want, f"{who} {method.upper()} {name}: {response.content[:300]!r}"
        if who == "manager_p":
            assert SECRET.encode() not in response.content


@pytest.mark.parametrize("name, pattern", PLAIN_PATTERNS, ids=[n for n, _ in PLAIN_PATTERNS])
def test_lists_and_pages_never_show_a_foreign_corpus(walls, name, pattern):
    foreign = walls["foreign"]
    client = _client(walls["manager_p"], name)
    for query in ("", f"?corpus={foreign.pk}", f"?article={foreign.articles.first().pk}"):
        response = client.get(reverse(name) + query)
        assert response.status_code == 200
        assert SECRET.encode() not in response.content, f"{name}{query} shows Q's corpus"
    everything = _client(walls["superuser"], name).get(reverse(name))
    assert SECRET.encode() in everything.content  # a superuser sees all


@pytest.mark.parametrize("name, pattern", PLAIN_PATTERNS, ids=[n for n, _ in PLAIN_PATTERNS])
def test_writes_without_an_id_work_on_what_the_manager_may_change(walls, name, pattern):
    client = _client(walls["manager_p"], name)
    for method in _methods(name, pattern):
        if method != "get":
            response = _call(client, name, method, reverse(name), ids=_ids(walls["own"]))
            assert response.status_code == WRITES[(name, method)][2], response.content[:300]
            assert SECRET.encode() not in response.content
    if name == "corpora:upload":
        job = ImportJob.objects.get(status=ImportJob.Status.PENDING)  # its task is enqueued on commit
        import_job_run(job_id=job.pk)
        assert job.corpus == walls["own"] and walls["own"].articles.count() == 3  # the upload went into P's corpus


def test_the_corpus_list_is_exactly_what_the_manager_may_read(walls):
    names = {c["name"] for c in _client(walls["manager_p"], "corpora-api:").get("/api/corpora/").json()["results"]}
    assert names == {"P corpus", "Shared by P and Q", "Lent to P"}
    paragraphs = _client(walls["manager_p"], "corpora-api:").get("/api/paragraphs/?page_size=100").json()
    assert paragraphs["count"] == 18  # 3 readable corpora x 2 articles x 3 paragraphs
    assert _client(walls["superuser"], "corpora-api:").get("/api/corpora/").json()["count"] == 4


def test_a_change_to_a_corpus_of_two_projects_needs_a_manager_of_both(walls):
    paragraph = Paragraph.objects.filter(article__corpus=walls["both"]).first()
    url = f"/api/paragraphs/{paragraph.pk}/"
    refused = _client(walls["manager_p"], "corpora-api:").patch(url, {"kind": "noise"}, format="json")
    assert refused.status_code == 403 and "Project Q" in refused.json()["detail"]
    article_url = f"/api/articles/{paragraph.article_id}/mark-comments/"
    tasks_before = Task.objects.filter(project=walls["q"]).count()
    assert (
        _client(walls["manager_p"], "corpora-api:").post(article_url, {"from_position": 0}, format="json").status_code
        == 403
    )
    paragraph.refresh_from_db()
    assert paragraph.kind_source == "auto"
    assert tasks_sync(project=walls["q"]).removed == 0
    assert Task.objects.filter(project=walls["q"]).count() == tasks_before
    done = _client(walls["manager_pq"], "corpora-api:").patch(url, {"kind": "noise"}, format="json")
    assert done.status_code == 200 and done.json()["kind"] == "noise"
    assert [(p["name"], p["managed"]) for p in done.json()["affects_projects"]] == [
        ("Project P", True),
        ("Project Q", True),
    ]
    marked = _client(walls["manager_pq"], "corpora-api:").post(article_url, {"from_position": 0}, format="json")
    assert [p["name"] for p in marked.json()["affects_projects"]] == ["Project P", "Project Q"]
    detail = _client(walls["manager_p"], "corpora-api:").get(f"/api/corpora/{walls['both'].pk}/").json()
    assert detail["can_change"] is False and [p["name"] for p in detail["projects"]] == ["Project P", "Project Q"]


def test_an_upload_into_a_corpus_of_two_projects_needs_a_manager_of_both(walls):
    url = f"/api/corpora/{walls['both'].pk}/upload/"
    assert _client(walls["manager_p"], "corpora-api:").post(url, _upload(), format="multipart").status_code == 403
    assert walls["both"].articles.count() == 2


def test_the_article_page_says_which_projects_a_change_affects(walls):
    article = walls["both"].articles.first()
    url = reverse("corpora:article", args=[article.pk])
    read_only = _client(walls["manager_p"], "corpora:").get(url).content.decode()
    assert "Project P</span>, <span" in read_only and "Project Q</span> (not managed by you)" in read_only
    assert "Read only for you" in read_only
    both = _client(walls["manager_pq"], "corpora:").get(url).content.decode()
    assert "Project Q</span>." in both and "Read only for you" not in both


def test_pages_cannot_plant_an_article_in_a_foreign_corpus(walls):
    client = _client(walls["manager_p"], "corpora:")
    foreign = walls["foreign"]
    by_id = client.post(reverse("corpora:upload"), {"corpus": str(foreign.pk), **_upload()})
    by_name = client.post(reverse("corpora:upload"), {"new_name": foreign.name, **_upload()})
    create = client.post(reverse("corpora:list"), {"name": foreign.name}, follow=True)
    assert by_id.status_code == by_name.status_code == create.status_code == 200
    assert "Choose a corpus" in by_id.content.decode()
    assert "exists already" in by_name.content.decode() and "exists already" in create.content.decode()
    assert foreign.articles.count() == 2


def test_a_new_corpus_belongs_to_its_creator(walls):
    response = _client(walls["manager_p"], "corpora-api:").post("/api/corpora/", {"name": "Mine"}, format="json")
    corpus = Corpus.objects.get(pk=response.json()["id"])
    assert corpus.owner == walls["manager_p"]
    assert _client(walls["manager_q"], "corpora-api:").get(f"/api/corpora/{corpus.pk}/").status_code == 404


@pytest.mark.parametrize("method, url", [("post", "/api/projects/"), ("patch", "/api/projects/{p}/")])
def test_a_project_attaches_only_corpora_its_manager_may_read(walls, method, url):
    client = _client(walls["manager_p"], "corpora-api:")
    url = url.format(p=walls["p"].pk)
    foreign = getattr(client, method)(url, {"name": "P2", "corpora": [walls["foreign"].pk]}, format="json")
    missing = getattr(client, method)(url, {"name": "P2", "corpora": [MISSING]}, format="json")
    assert foreign.status_code == missing.status_code == 400
    assert str(foreign.json()["corpora"]).replace(str(walls["foreign"].pk), "?") == str(
        missing.json()["corpora"]
    ).replace(str(MISSING), "?")
    assert not walls["foreign"].projects.exclude(pk=walls["q"].pk).exists()
    ok = getattr(client, method)(url, {"name": "P2", "corpora": [walls["own"].pk, walls["shared"].pk]}, format="json")
    assert ok.status_code in (200, 201) and sorted(ok.json()["corpora"]) == sorted(
        [walls["own"].pk, walls["shared"].pk]
    )


def test_the_dashboard_offers_only_readable_corpora(walls):
    html = _client(walls["manager_p"], "corpora:").get(reverse("annotation:project", args=[walls["p"].pk])).content
    assert b"P corpus" in html and b"Lent to P" in html and b"Shared by P and Q" in html
    assert SECRET.encode() not in html


def test_the_upload_page_refuses_a_corpus_the_user_reads_but_may_not_change(walls):
    """corpora.access raises Django's PermissionDenied; the page shows its message (no 500) and
    imports nothing. (Shared by P and Q: P's manager reads it but does not manage Q.)"""
    corpus = walls["both"]
    before = _snapshot(corpus)
    client = _client(walls["manager_p"], "corpora:upload")
    response = client.post(reverse("corpora:upload"), {"new_name": "", "corpus": str(corpus.pk), **_upload()})
    assert response.status_code == 200
    assert "only someone who manages every project using it may change it" in response.content.decode()
    assert _snapshot(corpus) == before
