"""Stable annotator pseudonyms for exported files: a keyed hash of (project, user), never a name or
an e-mail. Exports write them; the Label Studio import maps them back to the project's members."""

import hashlib
import hmac

from django.conf import settings


def annotator_pseudonym(project_id: int, user_id: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"standpoint-annotator:{project_id}:{user_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"annotator-{digest[:10]}"
