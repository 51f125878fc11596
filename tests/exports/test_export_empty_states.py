"""Exports for any project state: empty splits warned about before building (page and API) and named
in the dataset card, whose loading code names only splits with rows and runs with `datasets`; and
projects with no articles, actors, claims, statements or stance labels still build every format."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.urls import reverse

from annotation.label_studio_format import validate_config
from annotation.models import Annotation, Statement, Task
from corpora.models import Article
from exports.builders import FORMATS
from exports.models import DatasetVersion
from exports.services.export import split_check
from tests.exports.conftest import folder_of
from tests.exports.export_data import build_project
from tests.factories import ArticleFactory, MembershipFactory, ParagraphFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_articles(project):
    project.name = "Demo: great-power relations"
    project.save(update_fields=["name"])
    return build_project(project, n_articles=2)


def _loading_snippet(card: str) -> str:
    found = re.findall(r"`(datasets\.load_dataset\(.*?\))`", card)
    assert len(found) == 1, card
    return found[0]


def test_split_check_warns_that_two_articles_leave_a_split_empty(project, two_articles):
    check = split_check(project=project, params=None)
    assert check["articles"] == 2
    assert sorted(check["split_articles"].values()) == [0, 1, 1]
    ((empty, why),) = check["empty_splits"].items()
    assert "grouped by article" in why and "2 articles" in why
    assert check["warnings"] == [f"The {empty} split will be empty: {why}."]
    # a ratio of 0 is a different reason; a tiny positive ratio still gets no article of two
    zero = split_check(project=project, params={"split_ratios": [1, 1, 0]})
    assert zero["empty_splits"] == {"test": "its ratio is 0"}
    tiny = split_check(project=project, params={"split_ratios": [1, 1, 0.0001]})
    assert tiny["empty_splits"].keys() == {"test"} and "grouped by article" in tiny["empty_splits"]["test"]
    assert split_check(project=project, params={"split_ratios": [1, 1, 0], "article_ids": [-1]})["empty_splits"] == {
        "train": "no article with a submitted or adjudicated paragraph matches the export's filters",
        "dev": "no article with a submitted or adjudicated paragraph matches the export's filters",
        "test": "its ratio is 0",
    }


def test_the_cards_own_snippet_loads_with_datasets_and_names_no_empty_split(
    project, two_articles, build, export_root, tmp_path
):
    pytest.importorskip("datasets")
    version = build()
    assert version.status == DatasetVersion.Status.COMPLETE, version.error
    empty = version.manifest["empty_splits"]
    assert len(empty) == 1
    name = next(iter(empty))
    card = (folder_of(version, export_root) / "README.md").read_text()
    assert f"**{name} is empty**: " in card and "grouped by article" in card
    snippet = _loading_snippet(card)
    assert f"{name}.parquet" not in snippet
    named = set(re.findall(r"\w+\.parquet", snippet))
    assert named == {"train.parquet", "dev.parquet", "test.parquet"} - {f"{name}.parquet"}
    code = f"import datasets, json\nds = {snippet}\nprint(json.dumps({{k: v.num_rows for k, v in ds.items()}}))"
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder_of(version, export_root),
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    rows = json.loads(out.stdout.strip().splitlines()[-1])
    hf = {"train": "train", "dev": "validation", "test": "test"}
    expected = {hf[s]: v["paragraphs"] for s, v in version.manifest["splits"].items() if s not in empty}
    assert rows == expected and all(expected.values())


def test_the_api_and_the_page_warn_before_building_and_still_build(project, two_articles, client, export_root):
    manager = MembershipFactory(project=project, user=UserFactory(username="boss"), role="manager").user
    client.force_login(manager)
    url = reverse("exports-api:dataset-split-check", args=[project.pk])
    check = client.post(url, {"split_ratios": [0.8, 0.1, 0.1]}, content_type="application/json")
    assert check.status_code == 200 and len(check.json()["empty_splits"]) == 1
    bad = client.post(url, {"split_ratios": [0, 0, 0]}, content_type="application/json")
    assert bad.status_code == 400
    created = client.post(
        reverse("exports-api:dataset-version-list", args=[project.pk]), {}, content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["warnings"] == check.json()["warnings"]

    page = client.get(reverse("exports:list", args=[project.pk]))
    assert check.json()["warnings"][0] in page.content.decode()
    form = {
        "formats": ["jsonl"],
        "gold_strategy": "majority",
        "train": "0.8",
        "dev": "0.1",
        "test": "0.1",
        "seed": "13",
    }
    checked = client.post(reverse("exports:list", args=[project.pk]), {**form, "check": "1"})
    assert checked.status_code == 200 and check.json()["warnings"][0] in checked.content.decode()
    assert DatasetVersion.objects.filter(project=project).count() == 1  # checking builds nothing
    built = client.post(reverse("exports:list", args=[project.pk]), form, follow=True)
    assert DatasetVersion.objects.filter(project=project).count() == 2
    assert f"Version 2: {check.json()['warnings'][0]}" in built.content.decode()


def _assert_builds_every_format(build, export_root):
    version = build(formats=list(FORMATS), include_annotations=True, include_predictions=True)
    assert version.status == DatasetVersion.Status.COMPLETE, version.error
    folder = folder_of(version, export_root)
    for name in version.manifest["files"]:
        assert (folder / name).is_file(), name
    validate_config((folder / "label_studio_config.xml").read_text())
    card = (folder / "README.md").read_text()
    assert "load_dataset" not in card or version.row_count
    return version


def test_a_project_with_nothing_in_it_builds_every_format(project, build, export_root):
    version = _assert_builds_every_format(build, export_root)
    assert version.row_count == 0
    assert version.manifest["empty_splits"] == dict.fromkeys(
        ("train", "dev", "test"), "no article with a submitted or adjudicated paragraph matches the export's filters"
    )
    assert "No split has rows" in (folder_of(version, export_root) / "README.md").read_text()


def test_a_project_with_articles_but_no_actors_claims_or_statements_builds(project, build, export_root):
    for i in range(3):
        article = ArticleFactory(title=f"Bare {i}", text="Nothing to see here.")
        project.corpora.add(article.corpus)
        TaskFactory(
            project=project,
            paragraph=ParagraphFactory(article=article, position=0, text="Nothing to see here.", start=0, end=20),
        )
    assert not project.actors.exists() and not project.claims.exists()
    version = _assert_builds_every_format(build, export_root)
    assert version.manifest["registries"]["actors"] == 0


def test_a_project_with_annotations_but_no_statements_or_stance_labels_builds(project, build, export_root):
    data = build_project(project, n_articles=3)
    Statement.objects.filter(annotation__task__project=project).delete()
    assert Annotation.objects.filter(task__project=project).exists()
    version = _assert_builds_every_format(build, export_root)
    assert version.manifest["counts"]["statements"] <= 1  # the one adjudicated gold statement at most
    assert Task.objects.filter(project=project).count() == len(data["tasks"])


def test_a_project_with_no_stance_labels_builds(project, build, export_root):
    project.stance_labels.all().delete()
    article = ArticleFactory(title="One", text="Plain text.")
    project.corpora.add(article.corpus)
    TaskFactory(
        project=project, paragraph=ParagraphFactory(article=article, position=0, text="Plain text.", start=0, end=11)
    )
    assert Article.objects.count() == 1
    _assert_builds_every_format(build, export_root)
