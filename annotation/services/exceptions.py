"""Errors that services raise and the API maps to status codes (see annotation.api.errors)."""

from django.core.exceptions import ValidationError


class ConflictError(Exception):
    """409: a stale revision, or a task that already has its k submissions. Nothing was written."""

    def __init__(self, message: str, **extra):
        super().__init__(message)
        self.detail = {"detail": message, **extra}


class StatementsInvalid(ValidationError):
    """400 with DRF's nested shape: {"statements": [{}, {"actor_start": ["..."]}]}."""

    def __init__(self, api_detail: dict):
        self.api_detail = api_detail
        flat = {}
        for key, value in api_detail.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                flat[key] = [
                    f"statement {i}: {field}: {msg}"
                    for i, errs in enumerate(value)
                    for field, msgs in errs.items()
                    for msg in msgs
                ]
            else:
                flat[key] = value
        super().__init__(flat)
