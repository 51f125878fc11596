"""JSON lines: one paragraph per line, one file per split (`train.jsonl`, `dev.jsonl`, `test.jsonl`)."""

import orjson

from .base import SPLITS, FileResult, RowWriter

_OPTS = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


def dumps_line(row: dict) -> bytes:
    """The exact bytes of one line: sorted keys, compact separators, UTF-8, a trailing newline."""
    return orjson.dumps(row, option=_OPTS)


class JsonlWriter(RowWriter):
    format = "jsonl"

    def __init__(self, folder, options):
        super().__init__(folder, options)
        # open from write() to close() (or abort()): no with block can hold them
        self._files = {s: open(self.folder / f"{s}.jsonl", "wb", buffering=1 << 20) for s in SPLITS}  # noqa: SIM115
        self._rows = dict.fromkeys(SPLITS, 0)

    def write(self, row):
        self._files[row["split"]].write(dumps_line(row))
        self._rows[row["split"]] += 1

    def close(self):
        for f in self._files.values():
            f.close()
        return [FileResult(f"{s}.jsonl", self._rows[s], "paragraph") for s in SPLITS]
