"""Request checks that hold for every page and API endpoint."""

from django.http import HttpRequest, HttpResponse, JsonResponse

NUL_MESSAGE = "The query string contains a NUL character (%00), which no parameter may hold."


class RejectNulQueryMiddleware:
    """400 for a NUL character in any query parameter (name or value).

    PostgreSQL cannot store or compare text holding NUL, so such a value used in a filter or a search
    would fail in the database; no parameter here ever needs one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if query and ("%00" in query or "\x00" in query) and _has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            return HttpResponse(NUL_MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    return any("\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists())
