"""WSGI entry for benchmarks/workspace.py's gunicorn (--preload): import every URLconf and view
module once in the master, so forked workers do not each spend seconds importing on first request."""

from django.urls import get_resolver

from config.wsgi import application

get_resolver().url_patterns  # noqa: B018 (the attribute's evaluation is the point: it imports the views)

__all__ = ["application"]
