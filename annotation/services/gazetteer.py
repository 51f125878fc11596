"""Loading a gazetteer (the shipped starter one by default) into a project's actor registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from annotation.prelabel.gazetteer import GAZETTEER_PATH, GazetteerError, read_gazetteer

from ..models import Actor, ActorAlias, Project, RegistryStatus


@dataclass
class GazetteerLoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    aliases_added: int = 0


def normalize_alias(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split())


@transaction.atomic
def gazetteer_load(*, project: Project, path: Path | str | None = None, user=None) -> GazetteerLoadResult:
    """Add the gazetteer's actors and aliases to the project; all or nothing.

    Existing actors (same name, case-insensitive) keep their name and type; they gain missing aliases
    and, when empty, the Wikidata id. Running it twice adds nothing the second time.
    """
    try:
        entries = read_gazetteer(path or GAZETTEER_PATH)
    except GazetteerError as exc:
        raise ValidationError({"gazetteer": [str(exc)]}) from exc
    existing = {a.name.lower(): a for a in Actor.objects.filter(project=project)}
    known_aliases = set(ActorAlias.objects.filter(actor__project=project).values_list("actor_id", "normalized"))
    result = GazetteerLoadResult()
    new_aliases = []
    for entry in entries:
        actor = existing.get(entry.name.lower())
        if actor is None:
            actor = Actor.objects.create(
                project=project,
                name=entry.name,
                type=entry.type,
                external_id=entry.qid,
                status=RegistryStatus.APPROVED,
                proposed_by=user if getattr(user, "pk", None) else None,
            )
            existing[entry.name.lower()] = actor
            result.created.append(entry.name)
        elif entry.qid and not actor.external_id:
            actor.external_id = entry.qid
            actor.save(update_fields=["external_id"])
            result.updated.append(actor.name)
        for alias in entry.aliases:
            key = (actor.pk, normalize_alias(alias))
            if key[1] and key[1] != actor.name.lower() and key not in known_aliases:
                known_aliases.add(key)
                new_aliases.append(ActorAlias(actor=actor, alias=alias, normalized=key[1]))
    ActorAlias.objects.bulk_create(new_aliases)
    result.aliases_added = len(new_aliases)
    return result
