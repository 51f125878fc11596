"""Issuing and revoking API tokens (annotation.models.ApiToken)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import ApiToken
from ..models.token import token_key_hash

DEFAULT_TOKEN_NAME = "API token"


def api_token_create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user` and its key, which is shown once and never stored.

    It expires API_TOKEN_TTL_DAYS after creation when that is set, and never otherwise.
    """
    key = secrets.token_hex(20)
    now = timezone.now()
    ttl_days = getattr(settings, "API_TOKEN_TTL_DAYS", None)
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:100] or DEFAULT_TOKEN_NAME,
        key_hash=token_key_hash(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + timedelta(days=ttl_days) if ttl_days else None,
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    """Delete the token. This process refuses it at once (the delete signal empties the lookup cache
    in annotation.api.authentication); other processes within API_TOKEN_CACHE_SECONDS."""
    token.delete()
