"""Entry points of import worker processes (see ``services.imports.corpus_import(workers=...)``).

Workers are spawned, so they start as fresh interpreters: this module must not import models
before ``setup()`` has run ``django.setup()``, hence the import inside ``prepare_file`` (of the
database-free ``preparation`` module; nothing here imports ``services``). Workers only read and classify;
they never touch the database.
"""


def setup() -> None:
    import django

    django.setup()


def prepare_file(source, max_bytes: int, encoding: str | None = None, model=None):
    from corpora.preparation import prepare_file

    return prepare_file(source, max_bytes, encoding, model)
