from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from annotation.views.account import LoginView

urlpatterns = [
    path("api/", include("annotation.api_urls")),  # first: it holds the annotators' hot calls
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(), name="login"),  # throttled (annotation.throttling)
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Both without inline script, for the Content-Security-Policy: Swagger UI's start-up script is
    # served as a file (?script), Redoc starts from its <redoc> element.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="annotation/redoc.html"),
        name="api-redoc",
    ),
    path("api/", include("corpora.api_urls")),
    path("api/", include("exports.api_urls")),
    path("corpora/", include("corpora.urls")),
    path("exports/", include("exports.urls")),
    path("", include("annotation.urls")),
]
