"""What every pre-labelling model takes and returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


class ModelUnavailable(RuntimeError):
    """A model could not be loaded (missing files, bad directory). Not transient: no retry."""


@dataclass(frozen=True)
class Suggestion:
    """One suggestion for one paragraph. Offsets are character offsets into the paragraph text.

    kind: "actor" | "actor_candidate" | "claim" | "stance" | "statement"
    label: the actor key (actor), the claim key (claim), the stance value (stance; statement, or ""
           for a statement without a stance), or the candidate's name (actor_candidate)
    actor/claim: set on stance and statement suggestions
    """

    kind: str
    label: str
    score: float
    start: int | None = None
    end: int | None = None
    surface: str = ""
    actor: str | None = None  # stance, statement: the actor key
    claim: str | None = None  # stance, statement: the claim key
    model_name: str = ""
    model_version: str = ""


@dataclass(frozen=True)
class ActorEntry:
    key: str  # the registry id, as a string
    name: str
    aliases: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ClaimEntry:
    key: str
    text: str


@runtime_checkable
class Prelabeler(Protocol):
    name: str
    version: str  # stored on every Prediction

    def load(self) -> None: ...

    def predict(self, texts: Sequence[str]) -> list[list[Suggestion]]: ...
