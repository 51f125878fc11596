"""The log-in page (throttled) and the user's account page with their API tokens."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..selectors.tokens import api_token_get_for, api_token_list_for
from ..services.tokens import api_token_create, api_token_revoke
from ..throttling import login_throttle_wait


class LoginView(auth_views.LoginView):
    """Django's log-in page; attempts count in annotation.throttling, as on POST /api/auth/token/."""

    def post(self, request, *args, **kwargs):
        wait = login_throttle_wait(request)
        if wait is None:
            return super().post(request, *args, **kwargs)
        response = self.render_to_response(self.get_context_data(throttled_seconds=wait))
        response.status_code = 429
        response["Retry-After"] = str(wait)
        return response


def _account(request, *, new_key: str | None = None, new_token=None, status: int = 200):
    return render(
        request,
        "annotation/account.html",
        {
            "tokens": api_token_list_for(user=request.user),
            "new_key": new_key,
            "new_token": new_token,
            "now": timezone.now(),
            "token_ttl_days": settings.API_TOKEN_TTL_DAYS,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def account(request):
    return _account(request)


@login_required
@require_http_methods(["POST"])
def token_create(request):
    """Renders the account page with the new key, this once (it is not stored)."""
    token, key = api_token_create(user=request.user, name=request.POST.get("name", ""))
    return _account(request, new_key=key, new_token=token, status=201)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, token_id: int):
    token = api_token_get_for(user=request.user, token_id=token_id)
    if request.method == "GET":
        return render(request, "annotation/token_revoke.html", {"token": token})
    api_token_revoke(token=token)
    return redirect("annotation:account")
