"""One batch of a Label Studio import: its counters, and when an imported annotation is unchanged.

Shared by both write paths of label_studio_write (the bulk one in label_studio_bulk and the
one-annotation-at-a-time fallback).
"""

from ..models import Annotation
from .label_studio_report import Refused

SUBMITTED = Annotation.Status.SUBMITTED
_SNAP_KEYS = (
    "actor_role",
    "actor",
    "actor_start",
    "actor_end",
    "claim",
    "stance",
    "evidence_start",
    "evidence_end",
    "note",
)


def _snapshot(statements: list[dict]) -> list[dict]:
    return [
        {
            "actor_role": s["actor_role"],
            "actor": s["actor_id"],
            "actor_start": s["actor_start"],
            "actor_end": s["actor_end"],
            "claim": s["claim_id"],
            "stance": s["stance"],
            "evidence_start": s["evidence_start"],
            "evidence_end": s["evidence_end"],
            "note": s["note"],
            "from_prediction": None,
        }
        for s in statements
    ]


def _same(old: list[dict], new: list[dict]) -> bool:
    """Same statements, order aside (Label Studio does not keep ours); which suggestion a statement was
    accepted from does not travel through Label Studio, so it does not count as a change."""

    def key(s):
        return tuple(str(s[k]) for k in _SNAP_KEYS)

    return sorted(map(key, old)) == sorted(map(key, new))


class _Batch:
    """Counters of one batch, added to the report only once its transaction has committed."""

    def __init__(self):
        self.annotations = self.unchanged = self.statements = self.over_k = 0
        self.predictions = self.prediction_sets = 0
        self.refused: list = []


def _over_k(p, k, batch):
    batch.over_k += 1
    batch.refused.append(
        Refused(
            p.where,
            "completed_by",
            f"this paragraph already has its {k} submitted annotations; this one was not imported",
        )
    )
