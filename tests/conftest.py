"""Shared fixtures: personas in one project, and API clients logged in as each of them."""

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.browser_support import browser, new_page, page  # noqa: F401  (one Chromium for every browser test)
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
ARTIFACTS = REPO_ROOT / "test-artifacts"


@pytest.fixture
def shared_corpus_dir() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.fail(f"The shared corpus is missing at {SHARED_CORPUS}")
    return SHARED_CORPUS


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def worker_logs(artifacts_dir) -> Path:
    """test-artifacts/workers/: the logs of the Celery processes a test starts (tests.processes)."""
    path = artifacts_dir / "workers"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def project(db):
    return ProjectFactory()


@pytest.fixture
def manager(project):
    return MembershipFactory(project=project, user=UserFactory(username="manager", is_staff=True), role="manager").user


@pytest.fixture
def annotator(project):
    return MembershipFactory(project=project, user=UserFactory(username="annotator"), role="annotator").user


@pytest.fixture
def second_annotator(project):
    return MembershipFactory(project=project, user=UserFactory(username="annotator2"), role="annotator").user


@pytest.fixture
def ml_engineer(project):
    return MembershipFactory(project=project, user=UserFactory(username="mleng"), role="ml_engineer").user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def api_client():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client
