"""May a submitted annotation still be changed? One rule for reopening it and for every edit of it.

A project may forbid it (Project.allow_reopen off: 403), and nobody may change it once its task is
adjudicated (gold exists: 409), since the gold was decided from what the annotators had submitted.
"""

from django.core.exceptions import PermissionDenied

from .exceptions import ConflictError

NOT_ALLOWED = "This project does not allow reopening submitted annotations; ask a manager to turn it on."
ADJUDICATED = "This paragraph has been adjudicated: its submitted annotations can no longer be changed."


def refusal(*, allow_reopen: bool, adjudicated: bool) -> str | None:
    """Why a submitted annotation cannot be changed, or None when it can (for pages: no exception)."""
    if adjudicated:
        return ADJUDICATED
    if not allow_reopen:
        return NOT_ALLOWED
    return None


def check_submitted_editable(*, allow_reopen: bool, adjudicated: bool, revision: int | None = None) -> None:
    """Raise ConflictError (409) after adjudication, PermissionDenied (403) where the project forbids it."""
    if adjudicated:
        raise ConflictError(ADJUDICATED, **({} if revision is None else {"revision": revision}))
    if not allow_reopen:
        raise PermissionDenied(NOT_ALLOWED)
