"""Actor and claim registries: propose -> approve / rename / merge.

A merge re-points every Statement, GoldStatement and Prediction from the source to the target in one
transaction, records an AnnotationRevision ("repoint") with before/after snapshots for each submitted
annotation it touched, and leaves the source as status "merged" with merged_into set (so an old id
still names the entry it went into).
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import (
    Actor,
    ActorAlias,
    Annotation,
    AnnotationRevision,
    Claim,
    GoldStatement,
    Prediction,
    Project,
    RegistryStatus,
    Role,
    Statement,
)
from .snapshots import annotation_snapshots

_SPACES = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Lower-cased, whitespace-collapsed: the registry's duplicate key."""
    return _SPACES.sub(" ", text).strip().lower()


def _clean_name(value: str, field: str) -> str:
    value = _SPACES.sub(" ", value or "").strip()
    if not value:
        raise ValidationError({field: ["This field may not be blank."]})
    return value


def _status_for(role: str | None) -> str:
    return RegistryStatus.APPROVED if role == Role.MANAGER else RegistryStatus.PROPOSED


# ---------------------------------------------------------------- actors


def _set_aliases(actor: Actor, aliases: Iterable[str]) -> None:
    wanted: dict[str, str] = {}
    for alias in aliases:
        alias = _SPACES.sub(" ", alias or "").strip()
        if alias and normalize_text(alias) != normalize_text(actor.name):
            wanted.setdefault(normalize_text(alias), alias)
    actor.aliases.exclude(normalized__in=wanted).delete()
    have = set(actor.aliases.values_list("normalized", flat=True))
    ActorAlias.objects.bulk_create(
        ActorAlias(actor=actor, alias=a, normalized=n) for n, a in wanted.items() if n not in have
    )


@transaction.atomic
def actor_create(
    *,
    project: Project,
    name: str,
    type: str = Actor.Type.OTHER,
    aliases: Iterable[str] = (),
    external_id: str = "",
    user,
    role: str | None,
) -> Actor:
    """A manager's new actor is approved at once; anyone else's is a proposal."""
    name = _clean_name(name, "name")
    if type not in Actor.Type.values:
        raise ValidationError({"type": [f"Unknown actor type {type!r}; use one of {', '.join(Actor.Type.values)}."]})
    existing = Actor.objects.filter(project=project, name__iexact=name).first()
    if existing is not None:
        raise ValidationError({"name": [f"An actor named {existing.name!r} already exists (id {existing.pk})."]})
    actor = Actor.objects.create(
        project=project,
        name=name,
        type=type,
        external_id=(external_id or "").strip(),
        status=_status_for(role),
        proposed_by=user,
    )
    _set_aliases(actor, aliases)
    return actor


@transaction.atomic
def actor_update(
    *,
    actor: Actor,
    name: str | None = None,
    type: str | None = None,
    aliases: Iterable[str] | None = None,
    external_id: str | None = None,
) -> Actor:
    """Rename or edit an actor. Renaming keeps the old name as an alias so searches still find it."""
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    if actor.status == RegistryStatus.MERGED:
        raise ValidationError({"non_field_errors": [f"This actor was merged into actor {actor.merged_into_id}."]})
    old_name = actor.name
    if name is not None:
        name = _clean_name(name, "name")
        clash = Actor.objects.filter(project_id=actor.project_id, name__iexact=name).exclude(pk=actor.pk).first()
        if clash:
            raise ValidationError({"name": [f"An actor named {clash.name!r} already exists (id {clash.pk})."]})
        actor.name = name
    if type is not None:
        if type not in Actor.Type.values:
            raise ValidationError({"type": [f"Unknown actor type {type!r}."]})
        actor.type = type
    if external_id is not None:
        actor.external_id = external_id.strip()
    actor.save()
    current = list(actor.aliases.values_list("alias", flat=True)) if aliases is None else list(aliases)
    if name is not None and normalize_text(old_name) != normalize_text(actor.name):
        current.append(old_name)
    _set_aliases(actor, current)
    return actor


def _approve(model, entry, kind: str):
    """Approve a proposed registry entry (idempotent); a merged one cannot be approved."""
    entry = model.objects.select_for_update().get(pk=entry.pk)
    if entry.status == RegistryStatus.MERGED:
        raise ValidationError({"non_field_errors": [f"This {kind} was merged into {kind} {entry.merged_into_id}."]})
    if entry.status != RegistryStatus.APPROVED:
        entry.status = RegistryStatus.APPROVED
        entry.save(update_fields=["status"])
    return entry


@transaction.atomic
def actor_approve(*, actor: Actor) -> Actor:
    return _approve(Actor, actor, "actor")


def _check_merge(source, target, kind: str) -> None:
    if target is None or target.project_id != source.project_id:
        raise ValidationError({"into": [f"No {kind} with that id in this project."]})
    if target.pk == source.pk:
        raise ValidationError({"into": [f"A {kind} cannot be merged into itself."]})
    if target.status == RegistryStatus.MERGED:
        raise ValidationError(
            {"into": [f"That {kind} was itself merged into {target.merged_into_id}; merge into the surviving one."]}
        )
    if source.status == RegistryStatus.MERGED:
        raise ValidationError({"non_field_errors": [f"This {kind} was already merged into {source.merged_into_id}."]})


def _record_repoints(annotation_ids: set[int], before: dict[int, dict], user) -> None:
    after = annotation_snapshots(annotation_ids)
    AnnotationRevision.objects.bulk_create(
        AnnotationRevision(
            annotation_id=aid,
            action=AnnotationRevision.Action.REPOINT,
            changed_by=user,
            before=before[aid],
            after=after[aid],
        )
        for aid in sorted(annotation_ids)
    )


def _merge(model, field: str, source, into_id: int, user, before_mark=None):
    """Merge registry entry `source` into `into_id` (Actor or Claim, `field` is the FK name on
    Statement, GoldStatement and Prediction); returns the target. Locks both rows in pk order,
    re-points every reference, records a `repoint` revision on affected submitted annotations.
    `before_mark(source, target)` runs after re-pointing, before `source` is marked merged."""
    locked = {o.pk: o for o in model.objects.select_for_update().filter(pk__in=[source.pk, into_id]).order_by("pk")}
    source, target = locked[source.pk], locked.get(into_id)
    _check_merge(source, target, field)
    affected = set(
        Annotation.objects.filter(**{f"statements__{field}": source}, status=Annotation.Status.SUBMITTED).values_list(
            "pk", flat=True
        )
    )
    before = annotation_snapshots(affected)
    for referencing in (Statement, GoldStatement, Prediction):
        referencing.objects.filter(**{field: source}).update(**{field: target})
    model.objects.filter(merged_into=source).update(merged_into=target)
    if before_mark is not None:
        before_mark(source, target)
    source.status = RegistryStatus.MERGED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into"])
    _record_repoints(affected, before, user)
    return target


def _move_aliases(source: Actor, target: Actor) -> None:
    aliases = list(source.aliases.values_list("alias", flat=True)) + [source.name]
    source.aliases.all().delete()
    _set_aliases(target, list(target.aliases.values_list("alias", flat=True)) + aliases)


@transaction.atomic
def actor_merge(*, source: Actor, into_id: int, user) -> Actor:
    """Merge `source` into actor `into_id`, its name and aliases becoming the target's aliases."""
    return _merge(Actor, "actor", source, into_id, user, before_mark=_move_aliases)


# ---------------------------------------------------------------- claims


@transaction.atomic
def claim_create(
    *, project: Project, text: str, category_code: str = "", description: str = "", user, role: str | None
) -> Claim:
    text = _clean_name(text, "text")
    normalized = normalize_text(text)
    existing = Claim.objects.filter(project=project, normalized=normalized).first()
    if existing is not None:
        raise ValidationError({"text": [f"This claim already exists (id {existing.pk}): {existing.text!r}."]})
    return Claim.objects.create(
        project=project,
        text=text,
        normalized=normalized,
        category_code=(category_code or "").strip(),
        description=description or "",
        status=_status_for(role),
        proposed_by=user,
    )


@transaction.atomic
def claim_update(
    *, claim: Claim, text: str | None = None, category_code: str | None = None, description: str | None = None
) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status == RegistryStatus.MERGED:
        raise ValidationError({"non_field_errors": [f"This claim was merged into claim {claim.merged_into_id}."]})
    if text is not None:
        text = _clean_name(text, "text")
        normalized = normalize_text(text)
        clash = Claim.objects.filter(project_id=claim.project_id, normalized=normalized).exclude(pk=claim.pk).first()
        if clash:
            raise ValidationError({"text": [f"This claim already exists (id {clash.pk}): {clash.text!r}."]})
        claim.text, claim.normalized = text, normalized
    if category_code is not None:
        claim.category_code = category_code.strip()
    if description is not None:
        claim.description = description
    claim.save()
    return claim


@transaction.atomic
def claim_approve(*, claim: Claim) -> Claim:
    return _approve(Claim, claim, "claim")


@transaction.atomic
def claim_merge(*, source: Claim, into_id: int, user) -> Claim:
    """Merge `source` into claim `into_id`; returns the target."""
    return _merge(Claim, "claim", source, into_id, user)
