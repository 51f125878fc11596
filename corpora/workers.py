"""Entry points of import worker processes (see ``services.corpus_import(workers=...)``).

Workers are spawned, so they start as fresh interpreters: this module must not import models
before ``setup()`` has run ``django.setup()``. Workers only read and classify; they never touch
the database.
"""


def setup() -> None:
    import django

    django.setup()


def prepare_file(source, max_bytes: int):
    from corpora.services import prepare_file

    return prepare_file(source, max_bytes)
