"""Token authentication for scripts (REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES).

Keys are looked up by their SHA-256 (annotation.models.ApiToken keeps no key). A token's row (and its
user's) is remembered per process for API_TOKEN_CACHE_SECONDS (default 10): an annotator's script
or page makes two calls per paragraph, and the lookup was a sixth of the database's work on the hot
path. Revoking (deleting) a token or saving or deleting a user forgets every cached token at once
in the process that did it; other processes notice within the TTL, the same window any short-lived
bearer token has. API_TOKEN_CACHE_SECONDS=0 turns the cache off. Expiry is checked on every
request, cached or not. `last_used_at` is written only when the stored value is older than
LAST_USED_PRECISION, so a busy token costs one UPDATE every few minutes, not one per request.
"""

import time
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ..db import aware, cursor, instance
from ..models import ApiToken
from ..models.token import token_key_hash

LAST_USED_PRECISION = timedelta(minutes=5)


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, with the token and its user read in one plain SQL query.

    Every scripted API call runs this; an ORM `select_related().get()` compiles a query each time,
    which cost more CPU than the rest of a next-task call. Returns (user, ApiToken) as DRF does.
    """

    def authenticate_credentials(self, key):
        user, token = token_user(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.expires_at is not None and token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("Token has expired."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token


_USER_FIELDS = (
    "id",
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
)
_TOKEN_FIELDS = ("id", "name", "prefix", "created_at", "last_used_at", "expires_at")


@lru_cache(maxsize=1)
def _token_sql() -> str:
    User = get_user_model()
    token_columns = ", ".join(f't."{ApiToken._meta.get_field(name).column}"' for name in _TOKEN_FIELDS)
    user_columns = ", ".join(f'u."{User._meta.get_field(name).column}"' for name in _USER_FIELDS)
    return (
        f'SELECT {token_columns}, {user_columns} FROM "{ApiToken._meta.db_table}" t '
        f'JOIN "{User._meta.db_table}" u ON u."id" = t."user_id" WHERE t."key_hash" = %s'
    )


_remembered: dict[str, tuple[float, tuple]] = {}  # key hash -> (monotonic expiry, row)
_REMEMBER_AT_MOST = 10_000


def forget_tokens(**_signal) -> None:
    _remembered.clear()


def _lookup(key_hash: str):
    with cursor() as cur:
        cur.execute(_token_sql(), [key_hash])
        row = cur.fetchone()
    if row is not None:
        last_used = aware(row[4])
        now = timezone.now()
        if last_used is None or now - last_used > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=row[0]).update(last_used_at=now)
    return row


def token_user(key: str):
    """(user, token) for an API token key, or (None, None); the user has all its fields loaded."""
    if not isinstance(key, str) or not key:
        return None, None
    key_hash = token_key_hash(key)
    ttl = getattr(settings, "API_TOKEN_CACHE_SECONDS", 0)
    now = time.monotonic()
    hit = _remembered.get(key_hash) if ttl else None
    if hit is not None and hit[0] > now:
        row = hit[1]
    else:
        row = _lookup(key_hash)
        if row is None:
            _remembered.pop(key_hash, None)
            return None, None
        if ttl:
            if len(_remembered) >= _REMEMBER_AT_MOST:
                _remembered.clear()
            _remembered[key_hash] = (now + ttl, row)
    n = len(_TOKEN_FIELDS)
    user = instance(get_user_model(), dict(zip(_USER_FIELDS, row[n:], strict=True)))
    values = dict(zip(_TOKEN_FIELDS, row[:n], strict=True))
    for name in ("created_at", "last_used_at", "expires_at"):
        values[name] = aware(values[name])
    token = instance(ApiToken, {**values, "user_id": user.pk})
    token.user = user
    return user, token


for _signal in (post_save, post_delete):
    _signal.connect(forget_tokens, sender=ApiToken, dispatch_uid=f"standpoint-token-forget-{_signal}")
    _signal.connect(forget_tokens, sender=settings.AUTH_USER_MODEL, dispatch_uid=f"standpoint-user-forget-{_signal}")
