"""Writes of the corpora app: ``corpus`` (get or create), ``imports`` (``corpus_import``), ``storage``
(what an import writes, per file and batch), ``kind_corrections`` (managers' changes of paragraph kinds)."""
