"""Plain-Python writers: export rows -> files. No Django, no database.

Every writer takes rows (dicts built by exports.services.export) one at a time, writes them
incrementally, and returns the files it wrote with their row counts on `close()`. Output is a pure
function of the rows and options: keys are sorted, order is the input order (the service streams
rows sorted by article and paragraph), nothing depends on time, hash seeds or dict order, so the
same data gives byte-identical files.
"""

from .base import FileResult, RowWriter, SPLITS

__all__ = ["FileResult", "RowWriter", "SPLITS", "FORMATS", "writer_for"]


def _registry() -> dict[str, type]:
    # Imported lazily: spaCy, pyarrow and networkx are heavy, and a build only pays for what it writes.
    from .csv_file import CsvWriter
    from .graphml import GraphmlWriter
    from .jsonl_file import JsonlWriter
    from .label_studio import LabelStudioWriter
    from .parquet_file import ParquetWriter
    from .spacy_docbin import DocBinWriter

    return {w.format: w for w in (JsonlWriter, CsvWriter, ParquetWriter, DocBinWriter, LabelStudioWriter,
                                  GraphmlWriter)}


FORMATS = ("jsonl", "csv", "parquet", "spacy", "label_studio", "graphml")


def writer_for(fmt: str, folder, options: dict) -> RowWriter:
    try:
        cls = _registry()[fmt]
    except KeyError:
        raise ValueError(f"Unknown export format {fmt!r}; choose from {', '.join(FORMATS)}.") from None
    return cls(folder, options)
