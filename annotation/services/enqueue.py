"""How services start background work without importing the task modules that import them.

Task modules (`annotation/tasks.py`, `exports/tasks.py`) import services at the top; services never
import tasks. They enqueue by the task's registered name instead: the Celery app (config/celery.py)
imports every app's `tasks` module on first use, in web processes and workers alike, and with no
broker (the demo) `delay` runs the task in-process as before.
"""

from functools import partial

from celery import current_app
from django.db import transaction


def _task(name: str):
    if name not in current_app.tasks:  # the app imports the apps' task modules on first need
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def enqueue(task_name: str, *args, countdown: float | None = None) -> None:
    """Send the task now (to run `countdown` seconds from now, if given)."""
    _task(task_name).apply_async(args=args, countdown=countdown)


def enqueue_on_commit(task_name: str, *args) -> None:
    """Send the task once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(_task(task_name).delay, *args))
