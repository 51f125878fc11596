"""Plain-Python writers: export rows -> files. No Django, no database.

Every writer takes rows (dicts built by exports.services.export) one at a time, writes them
incrementally, and returns the files it wrote with their row counts on `close()`. Output is a pure
function of the rows and options: keys are sorted, order is the input order (the service streams
rows sorted by article and paragraph), nothing depends on time, hash seeds or dict order, so the
same data gives byte-identical files.
"""

from .base import SPLITS, FileResult, RowWriter

__all__ = ["FileResult", "RowWriter", "SPLITS", "FORMATS", "writer_for"]


# format -> (module, class). Imported on use: spaCy, pyarrow and networkx are heavy (hundreds of MB
# together), and a build only pays for the formats it writes.
_WRITERS = {
    "jsonl": ("jsonl_file", "JsonlWriter"),
    "csv": ("csv_file", "CsvWriter"),
    "parquet": ("parquet_file", "ParquetWriter"),
    "spacy": ("spacy_docbin", "DocBinWriter"),
    "label_studio": ("label_studio", "LabelStudioWriter"),
    "graphml": ("graphml", "GraphmlWriter"),
}
FORMATS = tuple(_WRITERS)


def writer_for(fmt: str, folder, options: dict) -> RowWriter:
    if fmt not in _WRITERS:
        raise ValueError(f"Unknown export format {fmt!r}; choose from {', '.join(FORMATS)}.")
    from importlib import import_module

    module, cls = _WRITERS[fmt]
    return getattr(import_module(f"{__name__}.{module}"), cls)(folder, options)
