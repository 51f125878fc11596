import pytest

from exports.services.export import dataset_version_build, dataset_version_create
from tests.exports.export_data import build_project
from tests.exports.storage_support import point_exports_at
from tests.processes import celery_worker, purge_broker


@pytest.fixture
def export_root(settings, tmp_path):
    return point_exports_at(settings, tmp_path / "exports")


@pytest.fixture
def export_worker(tmp_path, worker_logs, settings):
    """A real Celery worker on the `exports` queue, sharing this process's export folder."""
    point_exports_at(settings, tmp_path / "exports")
    purge_broker("exports")
    worker = celery_worker(
        worker_logs, "exports", {"STANDPOINT_EXPORT_DIR": str(settings.EXPORT_ROOT)}, name="export-worker"
    )
    yield worker
    worker.stop()


@pytest.fixture
def annotated(project):
    return build_project(project)


@pytest.fixture
def build(project, export_root):
    def _build(**params):
        version = dataset_version_create(project=project, params=params, enqueue=False)
        return dataset_version_build(version_id=version.pk)

    return _build


def folder_of(version, export_root):
    return export_root / version.folder
