"""Parquet, one file per split, written in row groups as rows arrive (bounded memory).

The schema is fixed (it does not depend on the data), so every split and every version of a
project with the same options has the same columns, and `datasets.load_dataset("parquet", ...)`
can load the splits together.
"""

import contextlib

import pyarrow as pa
import pyarrow.parquet as pq

from .base import SPLITS, FileResult, RowWriter

BATCH_ROWS = 4096

STATEMENT = pa.struct(
    [
        ("actor_role", pa.string()),
        ("actor_id", pa.int64()),
        ("actor", pa.string()),
        ("actor_start", pa.int64()),
        ("actor_end", pa.int64()),
        ("actor_text", pa.string()),
        ("claim_id", pa.int64()),
        ("claim", pa.string()),
        ("stance", pa.string()),
        ("evidence_start", pa.int64()),
        ("evidence_end", pa.int64()),
    ]
)
ARTICLE = pa.struct(
    [
        ("id", pa.int64()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("published", pa.string()),
        ("source_url", pa.string()),
        ("source_name", pa.string()),
        ("language", pa.string()),
    ]
)
GOLD = pa.struct([("method", pa.string()), ("no_statement", pa.bool_()), ("unresolved", pa.int64())])
ANNOTATION = pa.struct([("annotator", pa.string()), ("no_statement", pa.bool_()), ("statements", pa.list_(STATEMENT))])
PREDICTION = pa.struct(
    [
        ("kind", pa.string()),
        ("model", pa.string()),
        ("model_version", pa.string()),
        ("score", pa.float64()),
        ("actor_id", pa.int64()),
        ("actor", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("surface", pa.string()),
        ("claim_id", pa.int64()),
        ("claim", pa.string()),
        ("stance", pa.string()),
    ]
)


def schema_for(options: dict) -> pa.Schema:
    fields = [
        ("id", pa.int64()),
        ("task_id", pa.int64()),
        ("split", pa.string()),
        ("text", pa.string()),
        ("position", pa.int64()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("article", ARTICLE),
        ("gold", GOLD),
        ("agreement", pa.float64()),
        ("n_annotators", pa.int64()),
        ("statements", pa.list_(STATEMENT)),
    ]
    if options.get("include_annotations"):
        fields.append(("annotations", pa.list_(ANNOTATION)))
    if options.get("include_predictions"):
        fields.append(("predictions", pa.list_(PREDICTION)))
    return pa.schema(fields)


class ParquetWriter(RowWriter):
    format = "parquet"

    def __init__(self, folder, options):
        super().__init__(folder, options)
        self.schema = schema_for(options)
        self._names = self.schema.names
        self._writers = {
            s: pq.ParquetWriter(self.folder / f"{s}.parquet", self.schema, compression="zstd") for s in SPLITS
        }
        self._buffers: dict[str, list[dict]] = {s: [] for s in SPLITS}
        self._rows = dict.fromkeys(SPLITS, 0)

    def write(self, row):
        buf = self._buffers[row["split"]]
        buf.append(row)
        if len(buf) >= BATCH_ROWS:
            self._flush(row["split"])

    def _flush(self, split):
        buf = self._buffers[split]
        if buf:
            names = self._names
            table = pa.Table.from_pylist([{k: r.get(k) for k in names} for r in buf], schema=self.schema)
            self._writers[split].write_table(table)
            self._rows[split] += len(buf)
            buf.clear()

    def close(self):
        for s in SPLITS:
            self._flush(s)
            self._writers[s].close()
        return [FileResult(f"{s}.parquet", self._rows[s], "paragraph") for s in SPLITS]

    def abort(self):
        for w in self._writers.values():
            with contextlib.suppress(Exception):  # already failing; the original error is what matters
                w.close()
