import pytest

from exports.services.export import dataset_version_build, dataset_version_create
from tests.exports.export_data import build_project


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


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
