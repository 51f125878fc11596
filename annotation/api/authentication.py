"""Token authentication for scripts (REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES)."""

from functools import lru_cache

from django.contrib.auth import get_user_model
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


def token_user(key: str):
    """(user, token) for an API token key, or (None, None); the user has all its fields loaded."""
    with cursor() as cur:
        cur.execute(_token_sql(), [key])
        row = cur.fetchone()
    if row is None:
        return None, None
    user = instance(get_user_model(), dict(zip(_USER_FIELDS, row[1:], strict=True)))
    token = instance(Token, {"key": key, "user_id": user.pk, "created": row[0]})
    token.user = user
    return user, token
