"""A real Celery worker whose work takes a known time, so a test can kill it in the middle.

    python -m tests.fault_worker worker -Q exports ...   (the arguments of `celery -A config`)

FAULT_ROW_DELAY_S slows each row of a dataset build, FAULT_BATCH_DELAY_S each pre-labelling
batch. Everything else is the production code: the patch wraps two functions in the main
process before the pool forks, so every child inherits it. Test-only; never imported by the apps.
"""

import os
import sys
import time


def _slowed(func, delay: float):
    def slow(*args, **kwargs):
        time.sleep(delay)
        return func(*args, **kwargs)

    return slow


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    if os.environ.get("FAULT_ROW_DELAY_S"):
        import exports.services.dataset.build as build

        build.shape_row = _slowed(build.shape_row, float(os.environ["FAULT_ROW_DELAY_S"]))
    if os.environ.get("FAULT_BATCH_DELAY_S"):
        import spacy

        from annotation.prelabel.pipeline import PrelabelPipeline

        PrelabelPipeline.run = _slowed(PrelabelPipeline.run, float(os.environ["FAULT_BATCH_DELAY_S"]))
        spacy.blank("en")  # load spaCy's language data once, before the pool forks (seconds per child otherwise)
    from celery.bin.celery import main as celery_main

    sys.argv = ["celery", "-A", "config", *sys.argv[1:]]
    celery_main()


if __name__ == "__main__":
    main()
