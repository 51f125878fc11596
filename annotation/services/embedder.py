"""Which sentence embedder the pre-labelling pipeline uses (settings.STANDPOINT_PRELABEL_EMBEDDER)."""

from django.conf import settings


def embedder_key() -> str:
    return getattr(settings, "STANDPOINT_PRELABEL_EMBEDDER", "minilm")
