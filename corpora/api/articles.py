"""Articles: list, detail, and "comments from here" (mark-comments)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import article_readable, corpus_change_check, corpus_readable
from ..models import Article
from ..selectors import article_list
from ..services.kind_corrections import article_mark_comments
from .common import ArticleOutput, IsManager, KindBeforeSerializer, ParagraphOutput, UsingProjectOutput, projects_out


class ArticleListApi(generics.ListAPIView):
    """Articles of a corpus, paginated; ?search= (title, author, file), ?language=, ?format=."""

    permission_classes = [IsManager]
    serializer_class = ArticleOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Article.objects.none()
        corpus = corpus_readable(user=self.request.user, corpus_id=self.kwargs["corpus_id"])
        params = self.request.query_params
        return article_list(
            corpus=corpus,
            search=params.get("search", ""),
            language=params.get("language", ""),
            fmt=params.get("format", ""),
        )


class ArticleDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsManager]

    class OutputSerializer(ArticleOutput):
        class Meta(ArticleOutput.Meta):
            fields = ArticleOutput.Meta.fields + ["text"]

    serializer_class = OutputSerializer
    queryset = Article.objects.none()

    def get_object(self):
        article = article_readable(user=self.request.user, article_id=self.kwargs["article_id"])
        return article_list(corpus=article.corpus).defer(None).get(pk=article.pk)  # with the counts


class ArticleMarkCommentsApi(APIView):
    """POST {from_position}: every paragraph from there to the end of the article becomes a comment.

    Needs the caller to manage every project using the corpus (403 otherwise); ``affects_projects``
    names them.
    """

    permission_classes = [IsManager]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MarkCommentsInput"

        from_position = serializers.IntegerField(min_value=0)

    @extend_schema(
        request=InputSerializer,
        responses={
            200: inline_serializer(
                "MarkCommentsResult",
                fields={
                    "changed": serializers.IntegerField(),
                    "paragraphs": ParagraphOutput(many=True),
                    "affects_projects": UsingProjectOutput(many=True),
                    "previous": KindBeforeSerializer(
                        many=True,
                        help_text="What the changed paragraphs were: POST it to mark-comments/undo/ to put it back.",
                    ),
                },
            )
        },
    )
    def post(self, request, article_id: int):
        article = article_readable(user=request.user, article_id=article_id)
        projects = corpus_change_check(user=request.user, corpus=article.corpus)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        position = data.validated_data["from_position"]
        previous = article_mark_comments(article=article, position=position, user=request.user)
        paragraphs = article.paragraphs.filter(position__gte=position).order_by("position")
        return Response(
            {
                "changed": len(previous),
                "previous": previous,
                "paragraphs": ParagraphOutput(paragraphs, many=True).data,
                "affects_projects": projects_out(projects),
            }
        )
