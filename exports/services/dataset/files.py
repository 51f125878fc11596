"""Where a version's files live: built in a local scratch folder, then published to the
`datasets` storage (django.core.files.storage.storages["datasets"]), from which downloads stream.

With the default FileSystemStorage (location STANDPOINT_EXPORT_DIR) publishing is one rename of
the scratch folder into place, atomic on one file system. With any other storage (S3 through
django-storages, for workers and web on several hosts) each file is uploaded; until the version
is marked complete nobody reads them, and an interrupted upload is removed by the next attempt.

Storage names: `project-<id>/v<number>/<file>`; the scratch folder is
`<STANDPOINT_EXPORT_DIR>/.build/project-<id>/.tmp-v<number>-<random>` on the building host.
"""

import errno
import hashlib
import os
import shutil
import uuid
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.http import Http404

from exports.models import DatasetVersion


def dataset_storage():
    return storages["datasets"]


def version_prefix(version: DatasetVersion) -> str:
    return f"project-{version.project_id}/v{version.number:04d}"


def scratch_parent(project_id: int) -> Path:
    return Path(settings.EXPORT_ROOT) / ".build" / f"project-{project_id}"


def scratch_folder(version: DatasetVersion) -> Path:
    folder = scratch_parent(version.project_id) / f".tmp-v{version.number:04d}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    return folder


def scratch_leftovers(project_id: int, number: int | None = None) -> list[Path]:
    """Scratch folders of one version (or of every version of the project) on this host."""
    parent = scratch_parent(project_id)
    pattern = f".tmp-v{number:04d}-*" if number is not None else ".tmp-v*"
    return sorted(parent.glob(pattern)) if parent.is_dir() else []


def scratch_remove(project_id: int, number: int) -> int:
    found = scratch_leftovers(project_id, number)
    for folder in found:
        shutil.rmtree(folder, ignore_errors=True)
    return len(found)


def _storage_walk(storage, prefix: str):
    try:
        dirs, names = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in names:
        yield f"{prefix}/{name}"
    for d in dirs:
        yield from _storage_walk(storage, f"{prefix}/{d}")


def published_remove(version: DatasetVersion) -> None:
    """Delete whatever an unfinished attempt left under the version's name in the storage."""
    storage, prefix = dataset_storage(), version_prefix(version)
    if isinstance(storage, FileSystemStorage):
        shutil.rmtree(storage.path(prefix), ignore_errors=True)
        return
    for name in list(_storage_walk(storage, prefix)):
        storage.delete(name)


def publish(version: DatasetVersion, folder: Path) -> str:
    """Move the finished scratch folder into the storage under the version's prefix; returns it."""
    storage, prefix = dataset_storage(), version_prefix(version)
    published_remove(version)
    if isinstance(storage, FileSystemStorage):
        target = Path(storage.path(prefix))
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(folder, target)  # the folder appears whole or not at all
            return prefix
        except OSError as exc:
            if exc.errno != errno.EXDEV:  # another file system: copy file by file below
                raise
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = f"{prefix}/{path.relative_to(folder).as_posix()}"
        with open(path, "rb") as f:
            saved = storage.save(name, File(f, name=path.name))
        if saved != name:  # the storage renamed it: a leftover we could not remove
            raise FileExistsError(f"The storage already holds {name}.")
    shutil.rmtree(folder, ignore_errors=True)
    return prefix


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(partial(f.read, 1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def version_file_name(version: DatasetVersion, name: str) -> str:
    """The storage name of one file of a complete version; refuses names outside its manifest."""
    if version.status != DatasetVersion.Status.COMPLETE or not version.manifest:
        raise ValidationError({"version": ["This version is not complete."]})
    allowed = set(version.manifest.get("files", {})) | {"manifest.json", "README.md"}
    if name not in allowed:
        raise ValidationError({"file": [f"No file {name!r} in this version."]})
    return f"{version.folder}/{name}"


def version_file_open(version: DatasetVersion, name: str):
    """An open binary file of a complete version, read from the storage (stream it: FileResponse).
    A file the storage no longer has (deleted by hand, another host's disk) is a 404, not a 500."""
    stored = version_file_name(version, name)
    try:
        return dataset_storage().open(stored, "rb")
    except FileNotFoundError:
        raise Http404(f"{name} of version {version.number} is missing from the dataset storage.") from None
