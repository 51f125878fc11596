"""Comparing two complete versions of a project's dataset, read back from the storage."""

import orjson
from django.core.exceptions import ValidationError

from exports.builders import SPLITS
from exports.models import DatasetVersion

from .files import version_file_open


def _gold_index(version: DatasetVersion) -> dict[int, frozenset]:
    index = {}
    for split in SPLITS:
        with version_file_open(version, f"{split}.jsonl") as f:
            for line in f:
                row = orjson.loads(line)
                index[row["id"]] = frozenset(
                    (s["actor_role"], s["actor_id"], s["actor"], s["claim_id"], s["claim"], s["stance"])
                    for s in row["statements"]
                )
    return index


def diff_versions(*, old: DatasetVersion, new: DatasetVersion, limit: int = 50) -> dict:
    """What changed from `old` to `new`: paragraphs added / removed, and paragraphs whose gold
    changed, split into relabelled statements (same actor and claim, another stance) and statements
    added / removed. Examples are capped at `limit` per kind; counts are complete."""
    if old.project_id != new.project_id:
        raise ValidationError({"other": ["Both versions must belong to the same project."]})
    a, b = _gold_index(old), _gold_index(new)
    added = sorted(set(b) - set(a))
    removed = sorted(set(a) - set(b))
    relabelled, st_added, st_removed, changed = [], [], [], 0
    for pid in sorted(set(a) & set(b)):
        if a[pid] == b[pid]:
            continue
        changed += 1
        old_by_pair = {(s[0], s[1], s[3]): s for s in a[pid]}
        new_by_pair = {(s[0], s[1], s[3]): s for s in b[pid]}
        for pair in sorted(set(old_by_pair) | set(new_by_pair), key=str):
            o, n = old_by_pair.get(pair), new_by_pair.get(pair)
            if o and n and o[5] != n[5]:
                relabelled.append({"paragraph_id": pid, "actor": o[2] or o[0], "claim": o[4], "from": o[5], "to": n[5]})
            elif n and not o:
                st_added.append({"paragraph_id": pid, "actor": n[2] or n[0], "claim": n[4], "stance": n[5]})
            elif o and not n:
                st_removed.append({"paragraph_id": pid, "actor": o[2] or o[0], "claim": o[4], "stance": o[5]})
    return {
        "old": {"id": old.pk, "number": old.number},
        "new": {"id": new.pk, "number": new.number},
        "counts": {
            "paragraphs_added": len(added),
            "paragraphs_removed": len(removed),
            "paragraphs_changed": changed,
            "statements_relabelled": len(relabelled),
            "statements_added": len(st_added),
            "statements_removed": len(st_removed),
        },
        "paragraphs_added": added[:limit],
        "paragraphs_removed": removed[:limit],
        "relabelled": relabelled[:limit],
        "statements_added": st_added[:limit],
        "statements_removed": st_removed[:limit],
    }
