"""The writer interface shared by every format."""

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class FileResult:
    name: str  # relative to the version folder, with forward slashes
    rows: int  # what one "row" is depends on the format (paragraph, statement, task, node+edge)
    unit: str


class RowWriter:
    """Base class: subclasses set `format` and implement `write` and `close`.

    `options` carries what the rows alone cannot tell: the registries (actors, claims, stance
    labels) for configs and graphs, and which optional parts (raw annotations, predictions) exist.
    """

    format = ""
    takes_rows_without_gold = False  # rows whose gold method is None (ties, no adjudication yet)

    def __init__(self, folder: Path, options: dict[str, Any]):
        self.folder = Path(folder)
        self.options = options

    def write(self, row: dict[str, Any]) -> None:
        raise NotImplementedError

    def close(self) -> list[FileResult]:
        raise NotImplementedError

    def abort(self) -> None:
        """Release open handles after a failure; the service deletes the temporary folder."""
        with contextlib.suppress(Exception):  # already failing; the original error is what matters
            self.close()
