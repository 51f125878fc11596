"""REST API routes of the annotation app (mounted under /api/)."""

from django.urls import path

app_name = "annotation-api"
urlpatterns: list = []
