"""Every export format loads with its own library and says the same thing as the JSONL."""

import csv
import io
import json

import networkx as nx
import pandas as pd
import pytest
import spacy
from spacy.tokens import DocBin

from annotation.label_studio_format import validate_config
from tests.exports.conftest import folder_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(annotated, build):
    v = build(include_annotations=True, include_predictions=True)
    assert v.status == "complete", v.error
    return v


def _jsonl(folder):
    return [json.loads(line) for split in ("train", "dev", "test") for line in open(folder / f"{split}.jsonl")]


def test_jsonl_has_one_paragraph_per_line_with_offsets_that_point_at_the_actor(version, export_root):
    rows = _jsonl(folder_of(version, export_root))
    assert len(rows) == 12
    for row in rows:
        assert set(row) >= {"id", "text", "article", "statements", "split", "gold", "annotations", "predictions"}
        for s in row["statements"]:
            if s["actor_start"] is not None:
                assert row["text"][s["actor_start"] : s["actor_end"]] == s["actor_text"] == s["actor"]
    adjudicated = [r for r in rows if r["gold"]["method"] == "adjudicated"]
    assert [s["stance"] for s in adjudicated[0]["statements"]] == ["against"]


def test_csv_has_one_row_per_gold_statement(version, export_root):
    folder = folder_of(version, export_root)
    rows = [
        r
        for split in ("train", "dev", "test")
        for r in csv.DictReader(io.StringIO((folder / f"{split}.csv").read_bytes().decode(), newline=""))
    ]
    assert len(rows) == sum(len(r["statements"]) for r in _jsonl(folder)) == version.manifest["counts"]["statements"]
    assert {r["stance"] for r in rows} <= {"favor", "against", "neutral", "unclear"}


def test_parquet_loads_with_pandas_and_hugging_face_datasets(version, export_root):
    import datasets

    folder = folder_of(version, export_root)
    frame = pd.read_parquet(folder / "train.parquet")
    assert len(frame) == version.manifest["splits"]["train"]["paragraphs"]
    ds = datasets.load_dataset(
        "parquet",
        data_files={s: str(folder / f"{s}.parquet") for s in ("train", "dev", "test")},
        cache_dir=str(export_root / "hf-cache"),
    )
    assert ds["train"].num_rows + ds["dev"].num_rows + ds["test"].num_rows == 12
    first = ds["train"][0]
    assert first["statements"][0]["stance"] in {"favor", "against", "neutral", "unclear"}
    assert first["annotations"][0]["annotator"].startswith("annotator-")


def test_spacy_docbin_has_actor_entities_and_statement_spans(version, export_root):
    folder = folder_of(version, export_root)
    nlp = spacy.blank("xx")
    docs = [
        d
        for s in ("train", "dev", "test")
        for d in DocBin().from_disk(folder / f"spacy/{s}-000.spacy").get_docs(nlp.vocab)
    ]
    assert len(docs) == 12
    with_actor = [d for d in docs if d.ents]
    assert with_actor and all(e.label_ == "ACTOR" and e.kb_id_ == e.text for d in with_actor for e in d.ents)
    stmt_spans = [sp for d in docs for sp in d.spans["statements"]]
    assert {sp.label_ for sp in stmt_spans} <= {"favor", "against", "neutral", "unclear"}
    assert all(sp.id_ in {"Sanctions work", "The pipeline deal is good"} for sp in stmt_spans)
    assert all(d.user_data["statements"] is not None and "meta" in d.user_data for d in docs)


def test_graphml_reads_back_with_networkx_with_signed_weighted_edges(version, export_root):
    g = nx.read_graphml(folder_of(version, export_root) / "discourse_network.graphml")
    kinds = nx.get_node_attributes(g, "kind")
    assert set(kinds.values()) == {"actor", "claim"}
    edge = g.edges[f"actor:{_actor_id(g, 'China')}", f"claim:{_claim_id(g, 'The pipeline deal is good')}"]
    assert edge["sign"] == -1 and edge["against"] == edge["weight"] > 0
    assert all(-1 <= d["polarity"] <= 1 for _, _, d in g.edges(data=True))


def _actor_id(g, name):
    return next(d["registry_id"] for n, d in g.nodes(data=True) if d["kind"] == "actor" and d["label"] == name)


def _claim_id(g, text):
    return next(d["registry_id"] for n, d in g.nodes(data=True) if d["kind"] == "claim" and d["label"] == text)


def test_label_studio_config_validates_and_every_task_annotation_fits_it(version, export_root):
    from label_studio_sdk.label_interface import LabelInterface

    folder = folder_of(version, export_root)
    config = (folder / "label_studio_config.xml").read_text()
    validate_config(config)
    interface = LabelInterface(config)
    tasks = json.loads((folder / "label_studio.json").read_text())
    assert len(tasks) == 12
    for task in tasks:
        assert task["annotations"] and "predictions" in task
        for ann in task["annotations"] + task["predictions"]:
            errors = interface.validate_prediction(ann, return_errors=True)
            assert errors == [], (task["id"], errors)


def test_a_broken_config_is_refused_by_the_sdk_validator():
    with pytest.raises(Exception, match='toName="missing" not found'):  # the SDK's (private) validation error
        validate_config(
            '<View><Text name="text" value="$text"/><Choices name="c" toName="missing">'
            '<Choice value="a"/></Choices></View>'
        )
