"""What the corpora API's views share: the manager permission and the output serializers."""

from rest_framework import serializers
from rest_framework.permissions import IsAdminUser

from ..models import Article, Corpus, Paragraph


class IsManager(IsAdminUser):
    """Corpora are managed by staff users (managers); everyone else gets 403.

    Each staff user then sees only the corpora corpora/access.py lets them read: others are 404.
    """

    message = "Only managers (staff users) can see and change corpora."


class UsingProjectOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    managed = serializers.BooleanField(help_text="Whether you manage this project.")


def projects_out(projects) -> list[dict]:
    return UsingProjectOutput(projects, many=True).data


class CorpusOutput(serializers.ModelSerializer):
    article_count = serializers.IntegerField(read_only=True, required=False)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Corpus
        fields = ["id", "name", "description", "created_by", "created_at", "article_count"]


class ArticleOutput(serializers.ModelSerializer):
    paragraph_count = serializers.IntegerField(read_only=True, required=False)
    body_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Article
        fields = [
            "id",
            "corpus",
            "title",
            "author",
            "published",
            "source_url",
            "source_name",
            "format",
            "language",
            "encoding",
            "content_hash",
            "created_at",
            "paragraph_count",
            "body_count",
        ]


class ParagraphOutput(serializers.ModelSerializer):
    class Meta:
        model = Paragraph
        fields = [
            "id",
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


class KindBeforeSerializer(serializers.Serializer):
    """A paragraph's kind before a change (mark-comments gives them out; its undo takes them back)."""

    id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    kind = serializers.ChoiceField(choices=Paragraph.Kind.values)
    kind_source = serializers.ChoiceField(choices=Paragraph.KindSource.values)
    kind_reason = serializers.CharField(max_length=200, allow_blank=True)
