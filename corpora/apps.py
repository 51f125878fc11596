import logging

from django.apps import AppConfig
from django.conf import settings

log = logging.getLogger("standpoint")


class CorporaConfig(AppConfig):
    name = "corpora"
    verbose_name = "Corpora"

    def ready(self) -> None:
        if getattr(settings, "CELERY_IN_PROCESS", False):
            log.warning(
                "CELERY_BROKER_URL is not set: Celery tasks run in-process (eagerly). "
                "Set CELERY_BROKER_URL=redis://... and start a worker for background jobs."
            )
