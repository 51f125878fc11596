"""The public face of dataset exports (the modules that do the work are in `dataset/`; see its
docstring). Views, the API, commands, admin and tasks import from here."""

from annotation.pseudonyms import annotator_pseudonym

from .dataset.archive import archive_folder, download_name, version_zip_stream
from .dataset.build import dataset_version_build
from .dataset.code_version import EXPORT_CODE_VERSION, EXPORT_SCHEMA_VERSION, code_version
from .dataset.diff import diff_versions
from .dataset.files import dataset_storage, version_file_name, version_file_open, version_prefix
from .dataset.lifecycle import (
    can_cancel,
    can_retry,
    dataset_builds_reap,
    dataset_version_cancel,
    dataset_version_create,
    dataset_version_retry,
    is_stale,
    lease_retry_in,
)
from .dataset.params import DEFAULT_PARAMS, GOLD_STRATEGIES, normalise_params
from .dataset.rows import paragraph_agreement
from .dataset.split_check import split_check

__all__ = [
    "archive_folder",
    "download_name",
    "split_check",
    "version_zip_stream",
    "DEFAULT_PARAMS",
    "EXPORT_CODE_VERSION",
    "EXPORT_SCHEMA_VERSION",
    "GOLD_STRATEGIES",
    "annotator_pseudonym",
    "can_cancel",
    "can_retry",
    "code_version",
    "dataset_builds_reap",
    "dataset_storage",
    "dataset_version_build",
    "dataset_version_cancel",
    "dataset_version_create",
    "dataset_version_retry",
    "diff_versions",
    "is_stale",
    "lease_retry_in",
    "normalise_params",
    "paragraph_agreement",
    "version_file_name",
    "version_file_open",
    "version_prefix",
]
