from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Actor,
    ActorAlias,
    Adjudication,
    Annotation,
    AnnotationRevision,
    Assignment,
    Claim,
    GoldStatement,
    Invitation,
    LabelStudioLink,
    Prediction,
    PredictionDecision,
    PredictionSet,
    PrelabelEvaluation,
    PrelabelJob,
    Project,
    ProjectMembership,
    StanceLabel,
    StanceModelVersion,
    Statement,
    Task,
)


class MembershipInline(admin.TabularInline):
    model = ProjectMembership
    extra = 1
    autocomplete_fields = ["user"]


class StanceLabelInline(admin.TabularInline):
    model = StanceLabel
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "annotators_per_task", "task_order", "created_at"]
    search_fields = ["name"]
    filter_horizontal = ["corpora"]
    inlines = [MembershipInline, StanceLabelInline]


class AliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1
    fields = ["alias", "normalized"]


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "type", "status", "project", "external_id", "merged_into"]
    list_filter = ["project", "type", "status"]
    search_fields = ["name", "aliases__alias", "external_id"]
    inlines = [AliasInline]


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["text", "category_code", "status", "project", "merged_into"]
    list_filter = ["project", "status", "category_code"]
    search_fields = ["text", "category_code"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "paragraph", "submitted_count", "is_complete", "uncertainty"]
    list_filter = ["project", "is_complete"]
    raw_id_fields = ["paragraph"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "annotator", "status", "leased_at", "expires_at"]
    list_filter = ["status"]
    raw_id_fields = ["task"]


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0
    raw_id_fields = ["actor", "claim", "from_prediction"]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "annotator", "status", "no_statement", "submitted_at"]
    list_filter = ["status", "no_statement"]
    raw_id_fields = ["task", "assignment"]
    inlines = [StatementInline]


@admin.register(AnnotationRevision)
class AnnotationRevisionAdmin(admin.ModelAdmin):
    list_display = ["annotation", "action", "changed_by", "changed_at"]
    list_filter = ["action"]
    raw_id_fields = ["annotation"]


@admin.register(PrelabelJob)
class PrelabelJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "project",
        "status",
        "done",
        "total",
        "failed",
        "requeues",
        "heartbeat_at",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "project"]


@admin.register(PredictionSet)
class PredictionSetAdmin(admin.ModelAdmin):
    list_display = ["task", "model_name", "model_version", "job", "created_at"]
    raw_id_fields = ["task", "job"]


@admin.register(LabelStudioLink)
class LabelStudioLinkAdmin(admin.ModelAdmin):
    list_display = ["annotation", "ls_project_id", "ls_annotation_id", "linked_at"]
    list_filter = ["ls_project_id"]
    raw_id_fields = ["annotation"]


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    list_display = ["id", "task", "kind", "surface", "actor", "claim", "stance", "score", "model_version"]
    list_filter = ["kind", "model_name"]
    raw_id_fields = ["task", "prediction_set", "actor", "claim"]


@admin.register(PredictionDecision)
class PredictionDecisionAdmin(admin.ModelAdmin):
    list_display = ["prediction", "annotator", "decision", "decided_at"]
    raw_id_fields = ["prediction"]


@admin.register(StanceModelVersion)
class StanceModelVersionAdmin(admin.ModelAdmin):
    list_display = ["project", "version", "n_labels", "cv_accuracy", "created_at"]
    exclude = ["artifact"]


class GoldInline(admin.TabularInline):
    model = GoldStatement
    extra = 0
    raw_id_fields = ["actor", "claim"]


@admin.register(Adjudication)
class AdjudicationAdmin(SimpleHistoryAdmin):
    list_display = ["task", "adjudicator", "no_statement", "updated_at"]
    raw_id_fields = ["task"]
    inlines = [GoldInline]


@admin.register(PrelabelEvaluation)
class PrelabelEvaluationAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "status", "created_by", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = ["report", "error", "created_at", "finished_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Only the token's hash is stored: an invitation's link cannot be read back here, only revoked."""

    list_display = ["__str__", "project", "role", "use_count", "max_uses", "expires_at", "revoked_at", "created_by"]
    list_filter = ["project", "role"]
    search_fields = ["email", "project__name"]
    readonly_fields = ["token_hash", "use_count", "last_used_at", "created_at", "created_by"]
    raw_id_fields = ["project"]
