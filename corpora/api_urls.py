"""REST API routes of the corpora app (mounted under /api/)."""

from django.urls import path

from . import api

app_name = "corpora-api"
urlpatterns = [
    path("corpora/", api.CorpusListCreateApi.as_view(), name="corpus-list"),
    path("corpora/<int:corpus_id>/", api.CorpusDetailApi.as_view(), name="corpus-detail"),
    path("corpora/<int:corpus_id>/upload/", api.CorpusUploadApi.as_view(), name="corpus-upload"),
    path("corpora/<int:corpus_id>/articles/", api.ArticleListApi.as_view(), name="article-list"),
    path("articles/<int:article_id>/", api.ArticleDetailApi.as_view(), name="article-detail"),
    path("articles/<int:article_id>/mark-comments/", api.ArticleMarkCommentsApi.as_view(), name="article-mark-comments"),
    path("paragraphs/", api.ParagraphListApi.as_view(), name="paragraph-list"),
    path("paragraphs/<int:paragraph_id>/", api.ParagraphDetailApi.as_view(), name="paragraph-detail"),
    path("paragraphs/<int:paragraph_id>/history/", api.ParagraphHistoryApi.as_view(), name="paragraph-history"),
]
