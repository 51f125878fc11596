"""A differential test of the submit fast path (annotation.api.inputs.annotation_in) against AnnotationIn.

For any body, annotation_in either returns exactly what AnnotationIn validates to, or raises the
ValidationError AnnotationIn raises (the same detail) -- never another exception. The bodies come from
a seeded generator: a well-formed body with each field, at the top and in each statement, replaced by
wrong types, nested lists and dicts, huge ints (up to what orjson parses as an int, 2**64 - 1), NaN-ish
and padded strings, unicode, or removed, plus extra keys and non-object statements.
"""

import math
import random

import pytest
from rest_framework.exceptions import ValidationError

from annotation.api.inputs import AnnotationIn, annotation_in

BODIES = 4000

ODD_VALUES = [
    None,
    True,
    False,
    0,
    1,
    -1,
    7,
    2**31 - 1,
    2**31,
    2**63 - 1,
    2**63,
    2**64 - 1,
    -(2**63) - 1,
    10**30,
    0.0,
    1.0,
    1.5,
    -0.0,
    math.nan,
    math.inf,
    -math.inf,
    1e300,
    "",
    " ",
    "0",
    "1",
    " 1",
    "1 ",
    "1.0",
    "-1",
    "1e3",
    "abc",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "null",
    "true",
    "favor",
    " favor",
    "favor ",
    "FAVOR",
    "\x00",
    "fa\x00vor",
    "\ud800",
    "x\udfffy",
    "é" * 32,
    "é" * 33,
    "🙂",
    "x" * 4000,
    "x" * 4001,
    "\u200b",
    "\t\n",
    "mention",
    "author",
    "implied",
    "Mention",
    " author",
    [],
    [1],
    ["mention"],
    [[]],
    {},
    {"a": 1},
    {"0": {}},
    [{}],
    {"claim": 1},
]
STATEMENT_FIELDS = [
    "actor_role",
    "actor",
    "actor_start",
    "actor_end",
    "claim",
    "stance",
    "evidence_start",
    "evidence_end",
    "note",
    "from_prediction",
]
TOP_FIELDS = ["revision", "no_statement", "time_spent_ms", "statements"]


def _good_statement(rng: random.Random) -> dict:
    role = rng.choice(["mention", "author", "implied"])
    out = {"actor_role": role, "claim": rng.randint(1, 50), "stance": rng.choice(["favor", "against", "neutral"])}
    if role == "mention" or rng.random() < 0.3:
        out["actor"] = rng.randint(1, 50)
    if role == "mention":
        out.update(actor_start=0, actor_end=rng.randint(1, 40))
    if rng.random() < 0.4:
        out.update(evidence_start=0, evidence_end=rng.randint(1, 80))
    if rng.random() < 0.3:
        out["note"] = rng.choice(["", "checked", "ü" * 10])
    if rng.random() < 0.2:
        out["from_prediction"] = rng.randint(1, 9)
    if rng.random() < 0.2:
        del out["actor_role"]
    return out


def _mutate(rng: random.Random, obj: dict, fields: list[str]) -> None:
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        name = rng.choice(fields)
        roll = rng.random()
        if roll < 0.15:
            obj.pop(name, None)
        elif roll < 0.25:
            obj[rng.choice(["extra", "id", "annotation", "", "\x00", "claim_text"])] = rng.choice(ODD_VALUES)
        else:
            obj[name] = rng.choice(ODD_VALUES)


def _body(rng: random.Random) -> dict:
    statements = [_good_statement(rng) for _ in range(rng.choice([0, 1, 1, 2, 3, 5]))]
    body = {"revision": rng.choice([0, 0, 1, 12]), "statements": statements}
    if rng.random() < 0.5:
        body["no_statement"] = rng.choice([True, False])
    if rng.random() < 0.5:
        body["time_spent_ms"] = rng.choice([0, 1500, None])
    roll = rng.random()
    if roll < 0.45 and statements:
        _mutate(rng, rng.choice(statements), STATEMENT_FIELDS)
    elif roll < 0.6 and statements:
        statements[rng.randrange(len(statements))] = rng.choice(ODD_VALUES)
    elif roll < 0.65:
        body["statements"] = [_good_statement(rng) for _ in range(rng.choice([200, 201]))]
    elif roll < 0.9:
        _mutate(rng, body, TOP_FIELDS)
    # else: left well-formed
    return body


def _strict(value):
    """A comparable form that tells 1 from True and 1.0 (== alone does not), and dict from OrderedDict not."""
    if isinstance(value, dict):
        return ("dict", sorted((k, _strict(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", [_strict(v) for v in value])
    return (type(value).__name__, value)


@pytest.mark.parametrize("seed", range(4))
def test_fast_validator_declines_or_agrees_with_the_serializer(seed):
    rng = random.Random(seed)
    disagreements, fast_accepted, invalid = [], 0, 0
    for _ in range(BODIES // 4):
        body = _body(rng)
        reference = AnnotationIn(data=body)
        valid = reference.is_valid()
        try:
            got = annotation_in(body)
        except ValidationError as exc:
            invalid += 1
            if valid or exc.detail != reference.errors:
                disagreements.append((body, "raised", exc.detail, reference.errors if not valid else "valid"))
            continue
        except Exception as exc:  # noqa: BLE001 -- the point of the test: nothing else may escape
            disagreements.append((body, "crashed", repr(exc)))
            continue
        fast_accepted += 1
        if not valid or _strict(got) != _strict(reference.validated_data):
            disagreements.append((body, "accepted", got, reference.errors if not valid else reference.validated_data))
    assert not disagreements, f"{len(disagreements)} disagreements, first: {disagreements[:3]!r}"[:4000]
    # The generator reaches both sides: well-formed bodies and rejected ones.
    assert fast_accepted > BODIES // 40 and invalid > BODIES // 8


def test_the_fast_path_takes_every_well_formed_body():
    """Declining is always safe, but a well-formed body must not fall back (an omitted actor_role once
    did, its default being an enum member rather than a str): the fast path is the point."""
    from annotation.api.inputs import _annotation_fast

    rng = random.Random(99)
    for _ in range(500):
        body = {"revision": rng.randint(0, 40), "statements": [_good_statement(rng) for _ in range(rng.randint(0, 6))]}
        if rng.random() < 0.5:
            body["no_statement"] = rng.random() < 0.5
        fast, reference = _annotation_fast(body), AnnotationIn(data=body)
        assert fast is not None and reference.is_valid(), body
        assert _strict(fast) == _strict(reference.validated_data)
