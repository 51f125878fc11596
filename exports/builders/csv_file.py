"""CSV: one row per gold statement, one file per split. Paragraphs without a statement give no row."""

import csv

from .base import SPLITS, FileResult, RowWriter

COLUMNS = [
    "split",
    "paragraph_id",
    "task_id",
    "article_id",
    "article_title",
    "published",
    "paragraph_position",
    "statement_index",
    "actor_role",
    "actor_id",
    "actor",
    "actor_start",
    "actor_end",
    "actor_text",
    "claim_id",
    "claim",
    "stance",
    "evidence_start",
    "evidence_end",
    "gold_method",
    "agreement",
    "text",
]


def statement_rows(row: dict):
    article = row["article"]
    for i, s in enumerate(row["statements"]):
        yield {
            "split": row["split"],
            "paragraph_id": row["id"],
            "task_id": row["task_id"],
            "article_id": article["id"],
            "article_title": article["title"],
            "published": article["published"],
            "paragraph_position": row["position"],
            "statement_index": i,
            "actor_role": s["actor_role"],
            "actor_id": s["actor_id"],
            "actor": s["actor"],
            "actor_start": s["actor_start"],
            "actor_end": s["actor_end"],
            "actor_text": s["actor_text"],
            "claim_id": s["claim_id"],
            "claim": s["claim"],
            "stance": s["stance"],
            "evidence_start": s["evidence_start"],
            "evidence_end": s["evidence_end"],
            "gold_method": row["gold"]["method"],
            "agreement": row["agreement"],
            "text": row["text"],
        }


class CsvWriter(RowWriter):
    format = "csv"

    def __init__(self, folder, options):
        super().__init__(folder, options)
        # newline="" and an explicit "\n" terminator: the same bytes on every platform.
        self._files = {}
        for s in SPLITS:  # open from write() to close() (or abort()): no with block can hold them
            path = self.folder / f"{s}.csv"
            self._files[s] = open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)  # noqa: SIM115
        self._writers = {s: csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n") for s, f in self._files.items()}
        for w in self._writers.values():
            w.writeheader()
        self._rows = dict.fromkeys(SPLITS, 0)

    def write(self, row):
        writer = self._writers[row["split"]]
        for out in statement_rows(row):
            writer.writerow({k: "" if v is None else v for k, v in out.items()})
            self._rows[row["split"]] += 1

    def close(self):
        for f in self._files.values():
            f.close()
        return [FileResult(f"{s}.csv", self._rows[s], "statement") for s in SPLITS]
