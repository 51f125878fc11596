"""POST /api/articles/{id}/mark-comments/undo/: put back the kinds a "comments from here" replaced
(corpora.kind_undo). Same access as mark-comments: a manager of every project using the corpus."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import article_readable, corpus_change_check
from ..kind_undo import MAX_RESTORE, article_kinds_restore
from .common import IsManager, KindBeforeSerializer, ParagraphOutput


class ArticleMarkCommentsUndoApi(APIView):
    permission_classes = [IsManager]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MarkCommentsUndoInput"

        paragraphs = KindBeforeSerializer(many=True, allow_empty=False, max_length=MAX_RESTORE)

    @extend_schema(
        request=InputSerializer,
        responses={
            200: inline_serializer(
                "MarkCommentsUndoResult",
                fields={
                    "restored": serializers.IntegerField(),
                    "skipped": serializers.IntegerField(help_text="Changed again since: left as they are."),
                    "paragraphs": ParagraphOutput(many=True),
                },
            )
        },
        description="Undo a mark-comments: send its `previous` back. Paragraphs changed since are skipped.",
    )
    def post(self, request, article_id: int):
        article = article_readable(user=request.user, article_id=article_id)
        corpus_change_check(user=request.user, corpus=article.corpus)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = article_kinds_restore(article=article, previous=data.validated_data["paragraphs"], user=request.user)
        paragraphs = article.paragraphs.filter(pk__in=result["paragraph_ids"]).order_by("position")
        return Response(
            {
                "restored": result["restored"],
                "skipped": result["skipped"],
                "paragraphs": ParagraphOutput(paragraphs, many=True).data,
            }
        )
