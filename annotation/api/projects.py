"""Projects, members, the task pool and progress."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from corpora.access import corpora_readable_by
from corpora.models import Corpus

from ..access import can_create_projects, project_get_for, role_for
from ..models import Project, ProjectMembership, Role, Task
from ..selectors.annotations import project_progress, projects_with_roles
from ..services.projects import membership_remove, membership_set, project_create, project_update, tasks_sync
from .serializers import MemberOut, ProjectOut, TaskOut

MANAGER = (Role.MANAGER,)
DATA_READERS = (Role.MANAGER, Role.ML_ENGINEER)


class StanceLabelIn(serializers.Serializer):
    value = serializers.SlugField(max_length=32)
    name = serializers.CharField(max_length=64)
    key = serializers.CharField(max_length=1)


@extend_schema_field(OpenApiTypes.INT)  # a corpus id (the schema cannot guess it: no model on a plain Serializer)
class ReadableCorpusField(serializers.PrimaryKeyRelatedField):
    """A corpus the requesting user may read (corpora/access.py); any other id "does not exist"."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Corpus.objects.all(), **kwargs)  # the model, for the schema

    def get_queryset(self):
        return corpora_readable_by(user=self.context["request"].user)


class ProjectIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    guidelines = serializers.CharField(required=False, allow_blank=True, default="")
    annotators_per_task = serializers.IntegerField(min_value=1, max_value=50, default=3)
    lease_minutes = serializers.IntegerField(min_value=1, max_value=7 * 24 * 60, default=30)
    task_order = serializers.ChoiceField(choices=Project.TaskOrder.choices, default=Project.TaskOrder.ARTICLE)
    allow_reopen = serializers.BooleanField(
        default=True, help_text="Annotators may reopen their submitted annotations (never after adjudication)."
    )
    paragraph_kinds = serializers.ListField(child=serializers.CharField(max_length=16), required=False, default=list)
    corpora = ReadableCorpusField(many=True, required=False, default=list)
    stance_labels = StanceLabelIn(many=True, required=False)

    def validate_stance_labels(self, labels):
        for field in ("value", "key"):
            seen = [label[field] for label in labels]
            if len(seen) != len(set(seen)):
                raise serializers.ValidationError(f"Each stance label needs its own {field}.")
        return labels


class ProjectPatchIn(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    guidelines = serializers.CharField(required=False, allow_blank=True)
    annotators_per_task = serializers.IntegerField(min_value=1, max_value=50, required=False)
    lease_minutes = serializers.IntegerField(min_value=1, max_value=7 * 24 * 60, required=False)
    task_order = serializers.ChoiceField(choices=Project.TaskOrder.choices, required=False)
    allow_reopen = serializers.BooleanField(required=False)
    paragraph_kinds = serializers.ListField(child=serializers.CharField(max_length=16), required=False)
    languages = serializers.ListField(child=serializers.CharField(max_length=8), required=False)
    min_paragraph_chars = serializers.IntegerField(min_value=1, required=False)
    corpora = ReadableCorpusField(many=True, required=False)


def _project_out(request, project_id: int) -> dict:
    project = projects_with_roles(user=request.user).get(pk=project_id)
    return ProjectOut(project, context={"request": request}).data


class ProjectListCreateApi(generics.ListAPIView):
    serializer_class = ProjectOut
    filterset_fields = ["task_order"]

    queryset = Project.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return projects_with_roles(user=self.request.user)

    @extend_schema(request=ProjectIn, responses={201: ProjectOut})
    def post(self, request):
        if not can_create_projects(request.user):
            raise PermissionDenied("Only staff users may create projects.")
        data = ProjectIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        labels = values.pop("stance_labels", None)
        triples = [(lb["value"], lb["name"], lb["key"]) for lb in labels] if labels else None
        project = project_create(created_by=request.user, **values, stance_labels=triples)
        return Response(_project_out(request, project.pk), status=status.HTTP_201_CREATED)


class ProjectDetailApi(APIView):
    @extend_schema(responses=ProjectOut)
    def get(self, request, project_id: int):
        project_get_for(user=request.user, project_id=project_id)
        return Response(_project_out(request, project_id))

    @extend_schema(request=ProjectPatchIn, responses=ProjectOut)
    def patch(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
        data = ProjectPatchIn(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        project_update(project=project, data=dict(data.validated_data))
        return Response(_project_out(request, project_id))


class MemberIn(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices, default=Role.ANNOTATOR)

    def validate_username(self, value):
        user = get_user_model().objects.filter(username=value).first()
        if user is None:
            people = reverse("annotation:people", args=[self.context["project_id"]])
            raise serializers.ValidationError(
                f"No user named {value!r}. To add someone without an account, send an invitation by e-mail or "
                f"link on the People page: {people}"
            )
        return user


class MemberListApi(generics.ListAPIView):
    """Members and their roles, for managers; others get 403 (annotation is blind; ML engineers read
    the data under pseudonyms)."""

    serializer_class = MemberOut
    filterset_fields = ["role"]

    queryset = ProjectMembership.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        project = project_get_for(user=self.request.user, project_id=self.kwargs["project_id"], roles=(Role.MANAGER,))
        return ProjectMembership.objects.filter(project=project).select_related("user").order_by("user__username")

    @extend_schema(request=MemberIn, responses={201: MemberOut})
    def post(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
        data = MemberIn(data=request.data, context={"project_id": project.pk})
        data.is_valid(raise_exception=True)
        membership = membership_set(
            project=project, user=data.validated_data["username"], role=data.validated_data["role"]
        )
        return Response(MemberOut(membership).data, status=status.HTTP_201_CREATED)


class MemberRoleIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class MemberDetailApi(APIView):
    @extend_schema(request=MemberRoleIn, responses=MemberOut)
    def patch(self, request, project_id: int, user_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
        membership = get_object_or_404(ProjectMembership, project=project, user_id=user_id)
        data = MemberRoleIn(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_set(project=project, user=membership.user, role=data.validated_data["role"])
        return Response(MemberOut(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request, project_id: int, user_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
        membership = get_object_or_404(ProjectMembership, project=project, user_id=user_id)
        membership_remove(project=project, user=membership.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaskSyncApi(APIView):
    @extend_schema(
        request=None,
        responses=inline_serializer(
            "TaskSyncOut",
            {
                "created": serializers.IntegerField(),
                "removed": serializers.IntegerField(),
                "total": serializers.IntegerField(),
                "closed": serializers.IntegerField(help_text="Tasks with work whose paragraph no longer matches."),
                "reopened": serializers.IntegerField(help_text="Closed tasks whose paragraph matches again."),
            },
        ),
    )
    def post(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=MANAGER)
        result = tasks_sync(project=project)
        return Response(
            {
                "created": result.created,
                "removed": result.removed,
                "total": result.total,
                "closed": result.closed,
                "reopened": result.reopened,
            }
        )


class TaskFilter(filters.FilterSet):
    article = filters.NumberFilter(field_name="paragraph__article_id")
    submitted_count = filters.NumberFilter()
    min_uncertainty = filters.NumberFilter(field_name="uncertainty", lookup_expr="gte")

    class Meta:
        model = Task
        fields = ["is_complete", "article", "submitted_count", "min_uncertainty"]


class TaskListApi(generics.ListAPIView):
    serializer_class = TaskOut
    filterset_class = TaskFilter

    queryset = Task.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        project = project_get_for(user=self.request.user, project_id=self.kwargs["project_id"], roles=DATA_READERS)
        return Task.objects.filter(project=project).select_related("paragraph").order_by("order")


class ProgressApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "ProgressOut",
            {
                "total": serializers.IntegerField(),
                "complete": serializers.IntegerField(),
                "submitted_annotations": serializers.IntegerField(),
                "needed_annotations": serializers.IntegerField(),
                "annotators_per_task": serializers.IntegerField(),
                "per_annotator": inline_serializer(
                    "AnnotatorProgress",
                    {
                        "annotator": serializers.IntegerField(),
                        "username": serializers.CharField(),
                        "submitted": serializers.IntegerField(),
                        "skipped": serializers.IntegerField(),
                        "drafts": serializers.IntegerField(),
                    },
                    many=True,
                ),
            },
        )
    )
    def get(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id)
        return Response(
            project_progress(project=project, user=request.user, role=role_for(user=request.user, project=project))
        )
