"""annotation.shapes is the one home of the statement, annotation and snapshot field lists: every
input, output and stored form holds exactly its keys, in its order."""

from annotation import shapes
from annotation.api.inputs import AnnotationIn, StatementIn, _statement_fast
from annotation.api.serializers import AnnotationOut, StatementOut
from annotation.models import Annotation, GoldStatement, Statement


def test_the_api_serializers_hold_the_shapes_keys_in_order():
    assert tuple(StatementIn().fields) == shapes.STATEMENT_FIELDS
    assert tuple(StatementOut().fields) == shapes.STATEMENT_OUT_KEYS
    assert tuple(AnnotationOut().fields) == shapes.ANNOTATION_OUT_KEYS
    assert set(AnnotationIn().fields) - {"statements"} < {*shapes.ANNOTATION_STATE, "revision"}


def test_the_fast_validator_returns_every_statement_field_and_nothing_else():
    minimal = _statement_fast({"claim": 1, "stance": "favor"})
    assert sorted(minimal) == sorted(shapes.STATEMENT_FIELDS)
    assert minimal == {
        **dict.fromkeys(shapes.STATEMENT_FIELDS),
        "actor_role": "mention",
        "claim": 1,
        "stance": "favor",
        "note": "",
    }


def test_the_models_hold_every_field_of_their_shape():
    for model, fields in (
        (Statement, shapes.STATEMENT_FIELDS),
        (GoldStatement, shapes.GOLD_FIELDS),
        (Annotation, [k for k in shapes.ANNOTATION_OUT_KEYS if k != "statements"]),
    ):
        names = {f.name for f in model._meta.get_fields()}
        assert set(fields) <= names, (model, set(fields) - names)
    placement = len(shapes.PLACEMENT_FIELDS)
    assert shapes.GOLD_FIELDS[:placement] == shapes.PLACEMENT_FIELDS
    assert shapes.STATEMENT_FIELDS[:placement] == shapes.PLACEMENT_FIELDS


def test_statement_out_places_each_label_after_its_id():
    fields = {name: f"<{name}>" for name in shapes.STATEMENT_FIELDS}
    out = shapes.statement_out(
        fields, id=1, annotation=2, position=3, labels={"actor_name": "China", "claim_text": "A claim"}
    )
    assert tuple(out) == shapes.STATEMENT_OUT_KEYS
    assert (out["id"], out["actor_name"], out["claim_text"], out["stance"]) == (1, "China", "A claim", "<stance>")
