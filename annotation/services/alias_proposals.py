"""Aliases the project's labels teach: a span an annotator linked to an actor, when the registry
does not know that form yet, is proposed as an alias of that actor for the manager to approve.

Role phrases ("the Russian president", "his predecessor") are ordinary aliases once approved: the
actor tagger matches every alias case-insensitively, so an approved role alias is suggested from the
next pre-labelling job on. Proposals are computed from the labels (adjudicated gold statements, and
statements of submitted annotations), not stored; approving one writes an ActorAlias.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Actor, ActorAlias, Annotation, GoldStatement, Project, RegistryStatus, Statement
from .registry import normalize_text

MAX_ALIAS_LENGTH = 80
_LEADING = ("the ", "a ", "an ")


@dataclass(frozen=True)
class AliasProposal:
    actor_id: int
    actor_name: str
    alias: str  # the form as annotators wrote it most often
    normalized: str
    count: int  # labelled spans with this form
    example: str  # one paragraph it was labelled in


def _bare(normalized: str) -> str:
    for lead in _LEADING:
        if normalized.startswith(lead):
            return normalized[len(lead) :]
    return normalized


def _known_forms(project: Project) -> tuple[dict[int, set[str]], dict[str, set[int]]]:
    """Per actor, its name and aliases (normalized, also without a leading article); and per form,
    the approved actors that already answer to it."""
    forms: dict[int, set[str]] = defaultdict(set)
    owners: dict[str, set[int]] = defaultdict(set)
    actors = Actor.objects.filter(project=project).exclude(status=RegistryStatus.MERGED)
    for pk, name, status in actors.values_list("pk", "name", "status"):
        forms[pk].add(normalize_text(name))
        if status == RegistryStatus.APPROVED:
            owners[normalize_text(name)].add(pk)
    for actor_id, normalized, status in ActorAlias.objects.filter(actor__project=project).values_list(
        "actor_id", "normalized", "actor__status"
    ):
        forms[actor_id].add(normalized)
        if status == RegistryStatus.APPROVED:
            owners[normalized].add(actor_id)
    return {pk: fs | {_bare(f) for f in fs} for pk, fs in forms.items()}, owners


def _labelled_spans(project: Project):
    """(actor id, actor name, span text, paragraph text) for every labelled span with an actor."""
    fields = ("actor_id", "actor__name", "actor_start", "actor_end")
    gold = GoldStatement.objects.filter(
        adjudication__task__project=project, actor__isnull=False, actor_start__isnull=False
    ).values_list(*fields, "adjudication__task__paragraph__text")
    submitted = Statement.objects.filter(
        annotation__task__project=project,
        actor__isnull=False,
        annotation__status=Annotation.Status.SUBMITTED,
        actor_start__isnull=False,
    ).values_list(*fields, "annotation__task__paragraph__text")
    for rows in (gold, submitted):
        for actor_id, name, start, end, text in rows.iterator():
            if 0 <= start < end <= len(text):
                yield actor_id, name, text[start:end], text


def alias_proposals(*, project: Project, min_count: int = 1) -> list[AliasProposal]:
    """Forms annotators linked to an actor that are not yet its name or alias, most labelled first.
    Forms another approved actor already answers to are left out (approving them would make the
    tagger ambiguous)."""
    forms, owners = _known_forms(project)
    found: dict[tuple[int, str], dict] = {}
    for actor_id, name, span, text in _labelled_spans(project):
        span = " ".join(span.split())
        normalized = normalize_text(span)
        if not normalized or len(normalized) > MAX_ALIAS_LENGTH or not any(c.isalpha() for c in normalized):
            continue
        if normalized in forms.get(actor_id, set()) or _bare(normalized) in forms.get(actor_id, set()):
            continue
        if owners.get(normalized, set()) - {actor_id}:
            continue
        entry = found.setdefault(
            (actor_id, normalized), {"name": name, "surfaces": defaultdict(int), "count": 0, "example": text}
        )
        entry["surfaces"][span] += 1
        entry["count"] += 1
    out = [
        AliasProposal(
            actor_id=actor_id,
            actor_name=e["name"],
            normalized=normalized,
            count=e["count"],
            alias=max(sorted(e["surfaces"]), key=e["surfaces"].get),
            example=e["example"],
        )
        for (actor_id, normalized), e in found.items()
        if e["count"] >= min_count
    ]
    out.sort(key=lambda p: (-p.count, p.actor_name, p.normalized))
    return out


@transaction.atomic
def alias_proposal_approve(*, actor: Actor, alias: str) -> ActorAlias:
    """The manager approves a proposed form as an alias of `actor`. Refused (ValidationError) when it is
    blank, too long, the actor's own name, or the name or alias of another approved actor of the
    project; an alias the actor already has is returned as it is."""
    alias = " ".join((alias or "").split())
    normalized = normalize_text(alias)
    if not normalized:
        raise ValidationError({"alias": ["This field may not be blank."]})
    if len(normalized) > MAX_ALIAS_LENGTH:
        raise ValidationError({"alias": [f"An alias has at most {MAX_ALIAS_LENGTH} characters."]})
    if actor.status == RegistryStatus.MERGED:
        raise ValidationError({"actor": ["This actor was merged; add the alias to the actor it went into."]})
    _, owners = _known_forms(actor.project)
    others = owners.get(normalized, set()) - {actor.pk}
    if others:
        raise ValidationError({"alias": [f"'{alias}' already names another actor of this project."]})
    if normalized == normalize_text(actor.name):
        raise ValidationError({"alias": [f"'{alias}' is already this actor's name."]})
    existing = actor.aliases.filter(normalized=normalized).first()
    return existing or ActorAlias.objects.create(actor=actor, alias=alias, normalized=normalized)
