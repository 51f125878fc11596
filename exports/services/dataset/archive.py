"""Downloading a version: each file under its name in the manifest, or the whole version as one
zip streamed from the `datasets` storage (built as it is sent, never whole in memory or on disk)."""

import zipfile
from collections.abc import Iterator
from functools import partial
from posixpath import basename

from django.http import Http404
from django.utils.text import slugify

from exports.models import DatasetVersion

from .files import dataset_storage, version_file_name, version_file_open

CHUNK = 1 << 16


def download_name(name: str) -> str:
    """The file name a browser saves a version's file under: its manifest name (`train.jsonl`);
    for a file in a folder (`spacy/train-000.spacy`) its last part, as a download has no folders."""
    return basename(name)


def archive_folder(version: DatasetVersion) -> str:
    """`<project slug>-v<number>`: the zip's name and its top folder (no colons or spaces)."""
    return f"{slugify(version.project.name) or f'project-{version.project_id}'}-v{version.number}"


def version_file_names(version: DatasetVersion) -> list[str]:
    """Every file of a complete version, by its manifest name (checked like a single download)."""
    version_file_name(version, "manifest.json")  # refuses a version that is not complete
    names = [*sorted(version.manifest.get("files", {})), "manifest.json", "README.md"]
    for name in names:
        version_file_name(version, name)
    return names


class _Pipe:
    """A write-only, unseekable file: zipfile writes into it, the generator hands the bytes on."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self):
        pass

    def take(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


def version_zip_stream(version: DatasetVersion) -> Iterator[bytes]:
    """The zip of a complete version, file by file from the storage (stored, not compressed: the
    parquet and spaCy files are compressed already). Names are checked before the first byte."""
    names = version_file_names(version)
    storage = dataset_storage()
    for name in names:
        if not storage.exists(version_file_name(version, name)):
            raise Http404(f"{name} of version {version.number} is missing from the dataset storage.")
    top = archive_folder(version)

    def chunks():
        pipe = _Pipe()
        with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name in names:
                info = zipfile.ZipInfo(f"{top}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
                with version_file_open(version, name) as src, zf.open(info, "w", force_zip64=True) as dst:
                    for block in iter(partial(src.read, CHUNK), b""):
                        dst.write(block)
                        yield pipe.take()
                yield pipe.take()
        yield pipe.take()

    return (b for b in chunks() if b)
