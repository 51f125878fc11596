"""Request bodies for saving and submitting annotations, and a fast path for reading them.

AnnotationIn / StatementIn are the contract (drf-spectacular documents them, and they produce DRF's
field-level 400s). annotation_in() reads a well-formed body without building DRF fields, which cost
more CPU than the rest of a submit; any value that is not plainly valid (a string for a number, a
padded string, a missing field...) goes through AnnotationIn, so errors and coercions are DRF's own.
"""

from rest_framework import serializers

from ..models import Statement

class StatementIn(serializers.Serializer):
    actor_role = serializers.ChoiceField(choices=Statement.ActorRole.choices, default=Statement.ActorRole.MENTION)
    actor = serializers.IntegerField(allow_null=True, required=False, default=None)
    actor_start = serializers.IntegerField(min_value=0, allow_null=True, required=False, default=None)
    actor_end = serializers.IntegerField(min_value=0, allow_null=True, required=False, default=None)
    claim = serializers.IntegerField()
    stance = serializers.CharField(max_length=32)
    evidence_start = serializers.IntegerField(min_value=0, allow_null=True, required=False, default=None)
    evidence_end = serializers.IntegerField(min_value=0, allow_null=True, required=False, default=None)
    note = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")
    from_prediction = serializers.IntegerField(allow_null=True, required=False, default=None)


class AnnotationIn(serializers.Serializer):
    revision = serializers.IntegerField(min_value=0, help_text="The revision you loaded; a stale one gets 409.")
    no_statement = serializers.BooleanField(default=False)
    time_spent_ms = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    statements = StatementIn(many=True, max_length=200)


_ROLES = frozenset(Statement.ActorRole.values)
_OPTIONAL_INTS = ("actor", "from_prediction")
_OPTIONAL_OFFSETS = ("actor_start", "actor_end", "evidence_start", "evidence_end")


def _is_int(value, *, minimum: int | None = None) -> bool:
    return type(value) is int and (minimum is None or value >= minimum)


def _is_text(value, max_length: int, *, allow_blank: bool) -> bool:
    return (type(value) is str and len(value) <= max_length and value == value.strip() and "\x00" not in value
            and (allow_blank or bool(value)))


def _statement_fast(raw) -> dict | None:
    if type(raw) is not dict:
        return None
    out = {"actor_role": raw.get("actor_role", Statement.ActorRole.MENTION)}
    if out["actor_role"] not in _ROLES:
        return None
    for name in _OPTIONAL_INTS:
        value = raw.get(name)
        if value is not None and not _is_int(value):
            return None
        out[name] = value
    for name in _OPTIONAL_OFFSETS:
        value = raw.get(name)
        if value is not None and not _is_int(value, minimum=0):
            return None
        out[name] = value
    claim, stance, note = raw.get("claim"), raw.get("stance"), raw.get("note", "")
    if not _is_int(claim) or not _is_text(stance, 32, allow_blank=False) or not _is_text(note, 4000, allow_blank=True):
        return None
    out.update(claim=claim, stance=stance, note=note)
    return out


def _annotation_fast(data: dict) -> dict | None:
    revision, no_statement = data.get("revision"), data.get("no_statement", False)
    time_spent, statements = data.get("time_spent_ms"), data.get("statements")
    if not _is_int(revision, minimum=0) or type(no_statement) is not bool:
        return None
    if time_spent is not None and not _is_int(time_spent, minimum=0):
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
