"""REST API routes of the corpora app (mounted under /api/)."""

from django.urls import path

from . import api, api_kind_undo

app_name = "corpora-api"
urlpatterns = [
    path("corpora/", api.CorpusListCreateApi.as_view(), name="corpus-list"),
    path("corpora/<int:corpus_id>/", api.CorpusDetailApi.as_view(), name="corpus-detail"),
    path("corpora/<int:corpus_id>/upload/", api.CorpusUploadApi.as_view(), name="corpus-upload"),
    path("corpora/<int:corpus_id>/import-jobs/", api.ImportJobListApi.as_view(), name="import-job-list"),
    path("import-jobs/<int:job_id>/", api.ImportJobDetailApi.as_view(), name="import-job-detail"),
    path("import-jobs/<int:job_id>/retry/", api.ImportJobRetryApi.as_view(), name="import-job-retry"),
    path("corpora/<int:corpus_id>/articles/", api.ArticleListApi.as_view(), name="article-list"),
    path("articles/<int:article_id>/", api.ArticleDetailApi.as_view(), name="article-detail"),
    path(
        "articles/<int:article_id>/mark-comments/", api.ArticleMarkCommentsApi.as_view(), name="article-mark-comments"
    ),
    path(
        "articles/<int:article_id>/mark-comments/undo/",
        api_kind_undo.ArticleMarkCommentsUndoApi.as_view(),
        name="article-mark-comments-undo",
    ),
    path("paragraphs/", api.ParagraphListApi.as_view(), name="paragraph-list"),
    path("paragraphs/<int:paragraph_id>/", api.ParagraphDetailApi.as_view(), name="paragraph-detail"),
    path("paragraphs/<int:paragraph_id>/history/", api.ParagraphHistoryApi.as_view(), name="paragraph-history"),
    path("paragraphs/<int:paragraph_id>/merge-next/", api.ParagraphMergeApi.as_view(), name="paragraph-merge"),
    path("paragraphs/<int:paragraph_id>/split/", api.ParagraphSplitApi.as_view(), name="paragraph-split"),
]
