"""REST API routes of the exports app (mounted under /api/)."""

from django.urls import path

app_name = "exports-api"
urlpatterns: list = []
