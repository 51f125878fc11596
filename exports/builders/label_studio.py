"""Label Studio JSON in a dataset export: `label_studio.json` and `label_studio_config.xml`.

The format itself (config, regions, the inverse) lives in `annotation.label_studio_format`, shared
with the importer.
"""

import orjson

from annotation.label_studio_format import label_config, task_for_row, validate_config

from .base import FileResult, RowWriter


class LabelStudioWriter(RowWriter):
    """`label_studio.json` (a JSON array written one task at a time) and `label_studio_config.xml`."""

    format = "label_studio"
    takes_rows_without_gold = True  # the hand-off to Label Studio carries every annotation, tied ones too

    def __init__(self, folder, options):
        super().__init__(folder, options)
        self.config = label_config(actors=options["actors"], claims=options["claims"], stances=options["stances"])
        validate_config(self.config)
        (self.folder / "label_studio_config.xml").write_text(self.config, encoding="utf-8")
        self._f = open(self.folder / "label_studio.json", "wb", buffering=1 << 20)  # noqa: SIM115 (closed by close())
        self._f.write(b"[")
        self._rows = 0
        self._ids = iter(range(1, 1 << 62))

    def write(self, row):
        self._f.write(b"\n" if self._rows == 0 else b",\n")
        self._f.write(orjson.dumps(task_for_row(row, annotation_ids=self._ids), option=orjson.OPT_SORT_KEYS))
        self._rows += 1

    def close(self):
        if not self._f.closed:
            self._f.write(b"\n]\n")
            self._f.close()
        return [FileResult("label_studio.json", self._rows, "task"), FileResult("label_studio_config.xml", 1, "config")]
