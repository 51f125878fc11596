"""Output serializers shared by the annotation API views (input serializers live beside each view)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..guidelines import render_guidelines
from ..models import Actor, Annotation, AnnotationRevision, Claim, Prediction, Project, Statement, Task
from ..shapes import PREDICTION_KEYS, STATEMENT_ATTRS, STATEMENT_OUT_KEYS
from .inputs import StatementIn


class StanceLabelOut(serializers.Serializer):
    value = serializers.CharField()
    name = serializers.CharField()
    key = serializers.CharField()
    color = serializers.CharField()


class ProjectOut(serializers.ModelSerializer):
    guidelines_html = serializers.SerializerMethodField()
    stance_labels = StanceLabelOut(many=True, read_only=True)
    corpora = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "guidelines",
            "guidelines_html",
            "guidelines_version",
            "annotators_per_task",
            "lease_minutes",
            "task_order",
            "allow_reopen",
            "paragraph_kinds",
            "languages",
            "min_paragraph_chars",
            "corpora",
            "stance_labels",
            "my_role",
            "created_at",
        ]

    def get_guidelines_html(self, obj: Project) -> str:
        return render_guidelines(obj.guidelines)

    @extend_schema_field(serializers.ChoiceField(choices=["annotator", "manager", "ml_engineer"], allow_null=True))
    def get_my_role(self, obj: Project) -> str | None:
        user = self.context["request"].user
        if user.is_superuser:
            return "manager"
        return getattr(obj, "member_role", None)


class MemberOut(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    role = serializers.CharField()
    added_at = serializers.DateTimeField()


class _BlindProposer:
    """`proposed_by` is the proposer's id, except for an annotator reading someone else's proposal:
    annotation is blind, so they see null there. The view passes ``context={"blind_for": user}``."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        viewer = self.context.get("blind_for")
        if viewer is not None and data.get("proposed_by") != viewer.pk:
            data["proposed_by"] = None
        return data


class ActorOut(_BlindProposer, serializers.ModelSerializer):
    aliases = serializers.SerializerMethodField()

    class Meta:
        model = Actor
        fields = ["id", "name", "type", "external_id", "status", "aliases", "merged_into", "proposed_by", "created_at"]

    def get_aliases(self, obj: Actor) -> list[str]:
        return [a.alias for a in obj.aliases.all()]


class ClaimOut(_BlindProposer, serializers.ModelSerializer):
    class Meta:
        model = Claim
        fields = ["id", "text", "category_code", "description", "status", "merged_into", "proposed_by", "created_at"]


def _statement_out_fields() -> dict[str, serializers.Field]:
    """StatementOut's fields in annotation.shapes' order: each editable field of the kind StatementIn
    gives it (choices and nullability too), read from the model attribute; the row's identity and the
    registry labels around them. (DRF orders declared fields by creation: they are made in key order.)"""
    given = StatementIn().fields
    special = {
        "id": serializers.IntegerField,
        "annotation": lambda: serializers.IntegerField(source="annotation_id"),
        "position": serializers.IntegerField,
        "actor_name": serializers.SerializerMethodField,
        "claim_text": lambda: serializers.CharField(source="claim.text"),
        "stance": lambda: serializers.CharField(source="stance.value"),
    }

    def like_input(name: str) -> serializers.Field:
        field, attr = given[name], STATEMENT_ATTRS[name]
        kwargs = {"source": attr} if attr != name else {}
        if isinstance(field, serializers.ChoiceField):
            kwargs["choices"] = list(field.choices.items())
        elif field.allow_null:
            kwargs["allow_null"] = True
        return type(field)(**kwargs)

    return {key: special[key]() if key in special else like_input(key) for key in STATEMENT_OUT_KEYS}


class _StatementOutBase(serializers.Serializer):
    def get_actor_name(self, obj: Statement) -> str | None:
        return obj.actor.name if obj.actor_id else None


StatementOut = type(
    "StatementOut",
    (_StatementOutBase,),
    {
        "__module__": __name__,
        **_statement_out_fields(),
        "__doc__": "Plain fields, not a ModelSerializer: this is on the submit hot path and in every list.",
    },
)


class AnnotationOut(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id")
    annotator = serializers.IntegerField(source="annotator_id")
    status = serializers.ChoiceField(choices=Annotation.Status.choices)
    no_statement = serializers.BooleanField()
    time_spent_ms = serializers.IntegerField()
    revision = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    statements = StatementOut(many=True, source="statements.all")


class RevisionOut(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.username", default=None)

    class Meta:
        model = AnnotationRevision
        fields = ["id", "action", "changed_by", "changed_at", "before", "after"]


class PredictionOut(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    claim_text = serializers.SerializerMethodField()
    stance = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()

    class Meta:
        model = Prediction
        fields = list(PREDICTION_KEYS)

    def get_actor_name(self, obj: Prediction) -> str | None:
        return obj.actor.name if obj.actor_id else None

    def get_claim_text(self, obj: Prediction) -> str | None:
        return obj.claim.text if obj.claim_id else None

    def get_stance(self, obj: Prediction) -> str | None:
        return obj.stance.value if obj.stance_id else None

    @extend_schema_field(serializers.ChoiceField(choices=["accepted", "rejected"], allow_null=True))
    def get_decision(self, obj: Prediction) -> str | None:
        return getattr(obj, "my_decision", None)


class TaskOut(serializers.ModelSerializer):
    article = serializers.IntegerField(source="paragraph.article_id", read_only=True)
    position = serializers.IntegerField(source="paragraph.position", read_only=True)

    class Meta:
        model = Task
        fields = ["id", "paragraph", "article", "position", "order", "submitted_count", "is_complete", "uncertainty"]


class _AssignmentRef(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    leased_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class _TaskRef(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    uncertainty = serializers.FloatField(allow_null=True)


class _ArticleRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    author = serializers.CharField()
    published = serializers.DateField(allow_null=True)
    source_url = serializers.CharField()


class _ParagraphRef(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    position = serializers.IntegerField()
    kind = serializers.CharField()


class _Context(serializers.Serializer):
    previous = serializers.CharField(allow_null=True)
    next = serializers.CharField(allow_null=True)


class _Progress(serializers.Serializer):
    done = serializers.IntegerField(help_text="Tasks you submitted (skips do not count).")
    skipped = serializers.IntegerField(help_text="Tasks you skipped.")
    remaining = serializers.IntegerField(help_text="Open tasks you have neither submitted nor skipped (upper bound).")


class _WorkspaceAnnotation(AnnotationOut):
    """The Annotation shape, read from the workspace payload's plain dict (keys, not model attributes)."""

    task = serializers.IntegerField()
    annotator = serializers.IntegerField()
    statements = StatementOut(many=True)


class WorkspaceOut(serializers.Serializer):
    assignment = _AssignmentRef()
    task = _TaskRef()
    project = serializers.IntegerField()
    article = _ArticleRef()
    paragraph = _ParagraphRef()
    context = _Context()
    annotation = _WorkspaceAnnotation()
    predictions = PredictionOut(many=True)
    progress = _Progress()
