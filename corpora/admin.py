from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from .access import corpora_readable_by
from .models import Article, Corpus, ImportJob, KindModelVersion, Paragraph
from .services.kind_corrections import paragraph_kind_set


@admin.register(Corpus)
class CorpusAdmin(admin.ModelAdmin):
    list_display = ["name", "article_count", "created_by", "created_at"]
    search_fields = ["name", "description"]
    readonly_fields = ["created_by", "created_at"]
    filter_horizontal = ["shared_with"]

    def get_queryset(self, request):  # staff with admin rights still see only the corpora they may read
        readable = corpora_readable_by(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=readable).annotate(article_count=Count("articles"))

    @admin.display(ordering="article_count", description="articles")
    def article_count(self, obj):
        return obj.article_count

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        if not change and obj.owner_id is None:
            obj.owner = request.user
        super().save_model(request, obj, form, change)


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    fields = ["position", "kind", "kind_source", "language", "is_repeated", "text"]
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "corpus", "author", "published", "language", "format", "created_at"]
    list_filter = [("corpus", admin.RelatedOnlyFieldListFilter), "language", "format"]
    search_fields = ["title", "author", "source_name", "source_url", "content_hash"]
    readonly_fields = ["text", "content_hash", "created_at", "format", "source_name"]
    date_hierarchy = "created_at"
    inlines = [ParagraphInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(corpus__in=corpora_readable_by(user=request.user).values("pk"))


@admin.register(Paragraph)
class ParagraphAdmin(SimpleHistoryAdmin):
    list_display = ["id", "article", "position", "kind", "kind_source", "language", "is_repeated", "short_text"]
    list_filter = [
        "kind",
        "kind_source",
        "language",
        "is_repeated",
        ("article__corpus", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["text", "text_hash"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
    readonly_fields = [
        "article",
        "position",
        "text",
        "start",
        "end",
        "text_hash",
        "language",
        "is_repeated",
        "kind_source",
        "kind_reason",
    ]
    fields = [
        "article",
        "position",
        "kind",
        "kind_source",
        "kind_reason",
        "text",
        "start",
        "end",
        "language",
        "is_repeated",
        "text_hash",
    ]
    history_list_display = ["kind", "kind_source"]

    def get_queryset(self, request):
        readable = corpora_readable_by(user=request.user).values("pk")
        return super().get_queryset(request).filter(article__corpus__in=readable)

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text[:80]

    def save_model(self, request, obj, form, change):
        # Kind changes go through the same service as the API, so history and kind_source agree.
        if change and "kind" in form.changed_data:
            paragraph_kind_set(paragraph=obj, kind=obj.kind, user=request.user)
        elif not change:
            super().save_model(request, obj, form, change)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "corpus",
        "status",
        "files_done",
        "files_total",
        "articles",
        "attempts",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status"]
    search_fields = ["corpus__name"]
    readonly_fields = [
        "corpus",
        "status",
        "encoding",
        "files",
        "files_total",
        "files_done",
        "articles",
        "paragraphs",
        "current",
        "results",
        "report",
        "error",
        "attempts",
        "in_process",
        "created_by",
        "created_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(corpus__in=corpora_readable_by(user=request.user))

    def has_add_permission(self, request):  # jobs come from uploads (the page, the API)
        return False


@admin.register(KindModelVersion)
class KindModelVersionAdmin(admin.ModelAdmin):
    """Adapted kind models (made by ``train_kind_model --with-corrections`` or the corpus page's button)."""

    list_display = ["id", "created_at", "created_by", "corrections", "articles", "active"]
    list_filter = ["active"]
    readonly_fields = ["active", "created_at", "created_by", "corrections", "articles", "sources", "model_json"]
    fields = readonly_fields

    def has_add_permission(self, request):  # versions are made by training, not typed in
        return False
