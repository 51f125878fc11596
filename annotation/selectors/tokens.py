"""Reads of a user's API tokens."""

from django.db.models import QuerySet
from django.http import Http404

from ..models import ApiToken


def api_token_list_for(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_get_for(*, user, token_id) -> ApiToken:
    """One of the user's own tokens; 404 for anyone else's (their existence is not disclosed)."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first() if str(token_id).isdigit() else None
    if token is None:
        raise Http404("No such token.")
    return token
