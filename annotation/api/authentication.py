"""Token authentication for scripts (REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES).

A token's row (and its user's) is remembered per process for API_TOKEN_CACHE_SECONDS (default 10):
an annotator's script or page makes two calls per paragraph, and the lookup was a sixth of the
database's work on the hot path. Deleting a token or saving or deleting a user forgets every cached
token at once in the process that did it; other processes notice within the TTL, the same window
any short-lived bearer token has. API_TOKEN_CACHE_SECONDS=0 turns the cache off.
"""

import time
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from ..db import cursor, instance


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token auth with the token and its user read in one plain SQL query.

    Every scripted API call runs this; DRF's `select_related().get()` compiles an ORM query each time,
    which cost more CPU than the rest of a next-task call. Same errors, same result: (user, token).
    """

    def authenticate_credentials(self, key):
        user, token = token_user(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token


_USER_FIELDS = ("id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
                "is_staff", "is_active", "date_joined")


@lru_cache(maxsize=1)
def _token_sql() -> str:
    User = get_user_model()
    columns = ", ".join(f'u."{User._meta.get_field(name).column}"' for name in _USER_FIELDS)
    return (f'SELECT t."created", {columns} FROM "{Token._meta.db_table}" t '
            f'JOIN "{User._meta.db_table}" u ON u."id" = t."user_id" WHERE t."key" = %s')


_remembered: dict[str, tuple[float, tuple]] = {}  # key -> (monotonic expiry, row)
_REMEMBER_AT_MOST = 10_000


def forget_tokens(**_signal) -> None:
    _remembered.clear()


def token_user(key: str):
    """(user, token) for an API token key, or (None, None); the user has all its fields loaded."""
    ttl = getattr(settings, "API_TOKEN_CACHE_SECONDS", 0)
    now = time.monotonic()
    hit = _remembered.get(key) if ttl else None
    if hit is not None and hit[0] > now:
        row = hit[1]
    else:
        with cursor() as cur:
            cur.execute(_token_sql(), [key])
            row = cur.fetchone()
        if row is None:
            _remembered.pop(key, None)
            return None, None
        if ttl:
            if len(_remembered) >= _REMEMBER_AT_MOST:
                _remembered.clear()
            _remembered[key] = (now + ttl, row)
    user = instance(get_user_model(), dict(zip(_USER_FIELDS, row[1:], strict=True)))
    token = instance(Token, {"key": key, "user_id": user.pk, "created": row[0]})
    token.user = user
    return user, token


for _signal in (post_save, post_delete):
    _signal.connect(forget_tokens, sender=Token, dispatch_uid=f"standpoint-token-forget-{_signal}")
    _signal.connect(forget_tokens, sender=settings.AUTH_USER_MODEL, dispatch_uid=f"standpoint-user-forget-{_signal}")
