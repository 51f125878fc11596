"""Server-rendered pages of the exports app."""

from django.urls import path

app_name = "exports"
urlpatterns: list = []
