"""spaCy DocBin: one Doc per paragraph, sharded per split (`spacy/train-000.spacy`, ...).

- `doc.ents`: canonical actors mentioned in the text (label `ACTOR`, `kb_id_` the actor's name);
  overlapping mentions are reduced with `spacy.util.filter_spans`, all of them stay in
  `doc.spans["actors"]`.
- `doc.spans["statements"]`: one span per statement that has a text anchor (the actor mention,
  else the evidence), with the statement's attributes: `label_` the stance, `kb_id_` the actor,
  `id_` the claim text.
- `doc.user_data["statements"]`: every statement with all its fields (author / implied actors
  too), and `doc.user_data["meta"]` the paragraph and article ids and split.
Spans are snapped outward to token boundaries (`alignment_mode="expand"`).
"""

import spacy
from spacy.tokens import DocBin
from spacy.util import filter_spans

from .base import SPLITS, FileResult, RowWriter

SHARD_DOCS = 10_000


def doc_for_row(nlp, row: dict):
    doc = nlp.make_doc(row["text"])
    actors, statements = [], []
    for s in row["statements"]:
        anchor = None
        if s["actor_start"] is not None:
            span = doc.char_span(
                s["actor_start"], s["actor_end"], label="ACTOR", kb_id=s["actor"] or "", alignment_mode="expand"
            )
            if span is not None:
                actors.append(span)
                anchor = (s["actor_start"], s["actor_end"])
        if anchor is None and s["evidence_start"] is not None:
            anchor = (s["evidence_start"], s["evidence_end"])
        if anchor is not None:
            span = doc.char_span(
                anchor[0],
                anchor[1],
                label=s["stance"],
                kb_id=s["actor"] or s["actor_role"],
                span_id=s["claim"],
                alignment_mode="expand",
            )
            if span is not None:
                statements.append(span)
    doc.ents = filter_spans(actors)
    doc.spans["actors"] = actors
    doc.spans["statements"] = statements
    doc.user_data["statements"] = [dict(sorted(s.items())) for s in row["statements"]]
    doc.user_data["meta"] = {
        "paragraph_id": row["id"],
        "task_id": row["task_id"],
        "article_id": row["article"]["id"],
        "split": row["split"],
        "gold_method": row["gold"]["method"],
    }
    return doc


class DocBinWriter(RowWriter):
    format = "spacy"

    def __init__(self, folder, options):
        super().__init__(folder, options)
        self.nlp = spacy.blank(options.get("spacy_lang") or "xx")
        (self.folder / "spacy").mkdir(exist_ok=True)
        self._bins = {s: DocBin(store_user_data=True) for s in SPLITS}
        self._in_bin = dict.fromkeys(SPLITS, 0)
        self._shard = dict.fromkeys(SPLITS, 0)
        self._results: list[FileResult] = []

    def write(self, row):
        split = row["split"]
        self._bins[split].add(doc_for_row(self.nlp, row))
        self._in_bin[split] += 1
        if self._in_bin[split] >= SHARD_DOCS:
            self._flush(split)

    def _flush(self, split):
        name = f"spacy/{split}-{self._shard[split]:03d}.spacy"
        self._bins[split].to_disk(self.folder / name)
        self._results.append(FileResult(name, self._in_bin[split], "paragraph"))
        self._shard[split] += 1
        self._bins[split] = DocBin(store_user_data=True)
        self._in_bin[split] = 0

    def close(self):
        for s in SPLITS:
            if self._in_bin[s] or self._shard[s] == 0:  # an empty split still gets its (empty) first shard
                self._flush(s)
        return sorted(self._results, key=lambda r: r.name)
