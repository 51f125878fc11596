"""Server-rendered pages of the corpora app."""

from django.urls import path

from . import views

app_name = "corpora"
urlpatterns = [
    path("", views.corpus_list, name="list"),
]
