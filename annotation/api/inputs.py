"""Request bodies for saving and submitting annotations, and a fast path for reading them.

AnnotationIn / StatementIn are the contract (drf-spectacular documents them, and they produce DRF's
field-level 400s). annotation_in() reads a well-formed body without building DRF fields, which cost
more CPU than the rest of a submit; any value that is not plainly valid (a string for a number, a
padded string, a missing field...) goes through AnnotationIn, so errors and coercions are DRF's own.
"""

import re

from rest_framework import serializers

from ..models import Statement

# The database columns' ranges: an id is a bigint, an offset or a revision a (positive) integer.
ID_MAX = 2**63 - 1
INT_MAX = 2**31 - 1


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def _offset() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=INT_MAX, allow_null=True, required=False, default=None)


class StatementListIn(serializers.ListSerializer):
    """Errors as the list CONTRACT.md documents, one entry per statement in input order ({} when fine).

    DRF 3.18's ListSerializer reports {index: errors}; the API's statement errors are a list everywhere
    (the services raise the same list for errors they find against the paragraph and registries).
    """

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail
            if isinstance(detail, dict) and detail and all(isinstance(k, int) for k in detail):
                raise serializers.ValidationError([detail.get(i, {}) for i in range(len(data))]) from None
            raise


class StatementIn(serializers.Serializer):
    actor_role = serializers.ChoiceField(choices=Statement.ActorRole.choices, default=Statement.ActorRole.MENTION.value)
    actor = _id(allow_null=True, required=False, default=None)
    actor_start = _offset()
    actor_end = _offset()
    claim = _id()
    stance = serializers.CharField(max_length=32)
    evidence_start = _offset()
    evidence_end = _offset()
    note = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")
    from_prediction = _id(allow_null=True, required=False, default=None)

    class Meta:
        list_serializer_class = StatementListIn


class AnnotationIn(serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=0, max_value=INT_MAX, help_text="The revision you loaded; a stale one gets 409."
    )
    no_statement = serializers.BooleanField(default=False)
    time_spent_ms = serializers.IntegerField(
        min_value=0, max_value=ID_MAX, required=False, allow_null=True, default=None
    )
    statements = StatementIn(many=True, max_length=200)


_ROLES = frozenset(Statement.ActorRole.values)
_OPTIONAL_INTS = ("actor", "from_prediction")
_OPTIONAL_OFFSETS = ("actor_start", "actor_end", "evidence_start", "evidence_end")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _is_int(value, minimum: int, maximum: int) -> bool:
    return type(value) is int and minimum <= value <= maximum


def _is_text(value, max_length: int, *, allow_blank: bool) -> bool:
    """What CharField accepts unchanged: no padding (it trims), no NUL, no lone surrogate, within length."""
    return (
        type(value) is str
        and len(value) <= max_length
        and value == value.strip()
        and "\x00" not in value
        and (allow_blank or bool(value))
        and (value.isascii() or _SURROGATE.search(value) is None)
    )


def _statement_fast(raw) -> dict | None:
    if type(raw) is not dict:
        return None
    role = raw.get("actor_role", Statement.ActorRole.MENTION.value)  # a plain str, as AnnotationIn defaults it
    if type(role) is not str or role not in _ROLES:  # a list or dict is not hashable: check the type first
        return None
    out = {"actor_role": role}
    for name in _OPTIONAL_INTS:
        value = raw.get(name)
        if value is not None and not _is_int(value, 1, ID_MAX):
            return None
        out[name] = value
    for name in _OPTIONAL_OFFSETS:
        value = raw.get(name)
        if value is not None and not _is_int(value, 0, INT_MAX):
            return None
        out[name] = value
    claim, stance, note = raw.get("claim"), raw.get("stance"), raw.get("note", "")
    if (
        not _is_int(claim, 1, ID_MAX)
        or not _is_text(stance, 32, allow_blank=False)
        or not _is_text(note, 4000, allow_blank=True)
    ):
        return None
    out.update(claim=claim, stance=stance, note=note)
    return out


def _annotation_fast(data: dict) -> dict | None:
    revision, no_statement = data.get("revision"), data.get("no_statement", False)
    time_spent, statements = data.get("time_spent_ms"), data.get("statements")
    if not _is_int(revision, 0, INT_MAX) or type(no_statement) is not bool:
        return None
    if time_spent is not None and not _is_int(time_spent, 0, ID_MAX):
        return None
    if type(statements) is not list or len(statements) > 200:
        return None
    clean = [_statement_fast(s) for s in statements]
    if any(c is None for c in clean):
        return None
    return {"revision": revision, "no_statement": no_statement, "time_spent_ms": time_spent, "statements": clean}


def annotation_in(data: dict) -> dict:
    """AnnotationIn's validated data for a request body; raises DRF's ValidationError like it."""
    fast = _annotation_fast(data)
    if fast is not None:
        return fast
    serializer = AnnotationIn(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
