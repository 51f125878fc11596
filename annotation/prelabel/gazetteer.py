"""The starter gazetteer shipped with Standpoint (data/gazetteer.json), read and checked."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .base import ActorEntry

GAZETTEER_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.json"
ACTOR_TYPES = {"person", "state", "organisation", "group", "other"}


class GazetteerError(ValueError):
    pass


@dataclass(frozen=True)
class GazetteerActor:
    name: str
    type: str
    qid: str
    aliases: tuple[str, ...]
    role: str = ""


def read_gazetteer(path: Path | str = GAZETTEER_PATH) -> list[GazetteerActor]:
    """Parse and validate a gazetteer file; raises GazetteerError naming the bad entry."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GazetteerError(f"Cannot read gazetteer {path}: {exc}") from exc
    entries = data.get("actors") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise GazetteerError(f"{path}: expected an object with an 'actors' list")
    actors: list[GazetteerActor] = []
    seen: set[str] = set()
    for i, raw in enumerate(entries):
        name = (raw.get("name") or "").strip() if isinstance(raw, dict) else ""
        if not name:
            raise GazetteerError(f"{path}: entry {i} has no name")
        kind = raw.get("type", "other")
        if kind not in ACTOR_TYPES:
            raise GazetteerError(f"{path}: entry {i} ({name}) has unknown type {kind!r}")
        qid = raw.get("qid") or ""
        if qid and not (qid.startswith("Q") and qid[1:].isdigit()):
            raise GazetteerError(f"{path}: entry {i} ({name}) has a malformed Wikidata id {qid!r}")
        if name.lower() in seen:
            raise GazetteerError(f"{path}: {name} appears twice")
        seen.add(name.lower())
        aliases = tuple(a.strip() for a in raw.get("aliases", []) if a and a.strip())
        actors.append(GazetteerActor(name=name, type=kind, qid=qid, aliases=aliases, role=raw.get("role", "")))
    return actors


def gazetteer_actor_entries(path: Path | str = GAZETTEER_PATH) -> list[ActorEntry]:
    """The gazetteer as tagger input, keyed by name (a project keys by actor id instead)."""
    return [ActorEntry(key=a.name, name=a.name, aliases=a.aliases) for a in read_gazetteer(path)]
