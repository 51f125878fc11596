"""WSGI entry for benchmarks/workspace.py's gunicorn (--preload): import every URLconf and view
module once in the master, so forked workers do not each spend seconds importing on first request."""

from django.urls import get_resolver

from config.wsgi import application

get_resolver().url_patterns

__all__ = ["application"]
