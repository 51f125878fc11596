"""Server-rendered pages of the corpora app."""

from django.urls import path

from . import views

app_name = "corpora"
urlpatterns = [
    path("", views.corpus_list_page, name="list"),
    path("upload/", views.corpus_upload_page, name="upload"),
    path("<int:corpus_id>/", views.corpus_detail_page, name="detail"),
    path("<int:corpus_id>/kind-model/retrain/", views.kind_model_retrain_page, name="kind-model-retrain"),
    path("articles/<int:article_id>/", views.article_page, name="article"),
    path("imports/<int:job_id>/", views.import_job_page, name="import"),
]
