"""Same data + same parameters -> byte-identical files; the manifest tells the truth."""

import hashlib
import json

import pytest

from exports.services.export import annotator_pseudonym
from tests.exports.conftest import folder_of

pytestmark = pytest.mark.django_db


def _files(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_of_the_same_data_are_byte_identical(annotated, build, export_root):
    params = {"include_annotations": True, "include_predictions": True, "seed": 7}
    first, second = build(**params), build(**params)
    a, b = _files(folder_of(first, export_root)), _files(folder_of(second, export_root))
    assert set(a) == set(b) and len(a) > 10
    data_files = [name for name in a if name not in ("manifest.json", "README.md")]
    assert all(a[name] == b[name] for name in data_files), [n for n in data_files if a[n] != b[n]]
    ma, mb = json.loads(a["manifest.json"]), json.loads(b["manifest.json"])
    assert ma.pop("version") == 1 and mb.pop("version") == 2
    assert ma == mb


def test_another_seed_changes_the_split_but_not_the_rows(annotated, build, export_root):
    a, b = build(seed=1), build(seed=2)
    rows = lambda v: sorted(
        json.loads(line)["id"]
        for s in ("train", "dev", "test")  # noqa: E731
        for line in (folder_of(v, export_root) / f"{s}.jsonl").read_text().splitlines()
    )
    assert rows(a) == rows(b)


def test_manifest_hashes_and_row_counts_match_the_files(annotated, build, export_root):
    version = build(include_annotations=True)
    folder = folder_of(version, export_root)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest == version.manifest
    assert hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest() == version.sha256
    for name, info in manifest["files"].items():
        data = (folder / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == info["sha256"] and len(data) == info["bytes"]
    for split in ("train", "dev", "test"):
        lines = (folder / f"{split}.jsonl").read_bytes().count(b"\n")
        assert manifest["files"][f"{split}.jsonl"]["rows"] == lines == manifest["splits"][split]["paragraphs"]
    assert manifest["params"]["include_annotations"] is True
    assert manifest["guidelines_version"] == version.project.guidelines_version
    assert "agreement" in manifest and manifest["code_version"]
    assert sum(sum(v.values()) for v in manifest["label_distribution"].values()) > 0
    card = (folder / "README.md").read_text()
    assert card.startswith(f"# {version.project.name}: dataset version 1")
    assert "Krippendorff's alpha, stance" in card and "Grouped by article" in card and "Known limits" in card


def test_annotators_appear_only_under_stable_pseudonyms(annotated, build, export_root):
    version = build(include_annotations=True, include_predictions=True)
    blob = b"".join(p.read_bytes() for p in folder_of(version, export_root).rglob("*") if p.is_file())
    for user in annotated["annotators"]:
        assert user.username.encode() not in blob and user.email.encode() not in blob
        assert annotator_pseudonym(version.project_id, user.pk).encode() in blob
    assert annotator_pseudonym(1, 2) == annotator_pseudonym(1, 2) != annotator_pseudonym(1, 3)
