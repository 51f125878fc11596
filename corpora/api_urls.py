"""REST API routes of the corpora app (mounted under /api/)."""

from django.urls import path

from .api import articles, corpus, imports, kind_undo, paragraphs, segmentation

app_name = "corpora-api"
urlpatterns = [
    path("corpora/", corpus.CorpusListCreateApi.as_view(), name="corpus-list"),
    path("corpora/<int:corpus_id>/", corpus.CorpusDetailApi.as_view(), name="corpus-detail"),
    path("corpora/<int:corpus_id>/upload/", imports.CorpusUploadApi.as_view(), name="corpus-upload"),
    path("corpora/<int:corpus_id>/import-jobs/", imports.ImportJobListApi.as_view(), name="import-job-list"),
    path("import-jobs/<int:job_id>/", imports.ImportJobDetailApi.as_view(), name="import-job-detail"),
    path("import-jobs/<int:job_id>/retry/", imports.ImportJobRetryApi.as_view(), name="import-job-retry"),
    path("corpora/<int:corpus_id>/articles/", articles.ArticleListApi.as_view(), name="article-list"),
    path("articles/<int:article_id>/", articles.ArticleDetailApi.as_view(), name="article-detail"),
    path(
        "articles/<int:article_id>/mark-comments/",
        articles.ArticleMarkCommentsApi.as_view(),
        name="article-mark-comments",
    ),
    path(
        "articles/<int:article_id>/mark-comments/undo/",
        kind_undo.ArticleMarkCommentsUndoApi.as_view(),
        name="article-mark-comments-undo",
    ),
    path("paragraphs/", paragraphs.ParagraphListApi.as_view(), name="paragraph-list"),
    path("paragraphs/<int:paragraph_id>/", paragraphs.ParagraphDetailApi.as_view(), name="paragraph-detail"),
    path("paragraphs/<int:paragraph_id>/history/", paragraphs.ParagraphHistoryApi.as_view(), name="paragraph-history"),
    path("paragraphs/<int:paragraph_id>/merge-next/", segmentation.ParagraphMergeApi.as_view(), name="paragraph-merge"),
    path("paragraphs/<int:paragraph_id>/split/", segmentation.ParagraphSplitApi.as_view(), name="paragraph-split"),
]
