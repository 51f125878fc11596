"""REST API routes of the corpora app (mounted under /api/)."""

from django.urls import path

app_name = "corpora-api"
urlpatterns: list = []
