"""Working on tasks: next task, the workspace, annotations, statements, prediction decisions."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import annotation_and_role, project_get_for, role_for
from ..models import Annotation, AnnotationRevision, Assignment, Prediction, PredictionDecision, Role, Statement
from ..payloads import annotation_payload, workspace_payload
from ..selectors.annotations import annotation_list, annotations_visible_to, predictions_for, revisions_for
from ..services.annotations import annotation_save, annotation_skip, annotation_submit
from ..services.assignment import assignment_claim_next, assignment_renew
from ..services.predictions import prediction_decide, prediction_decision_clear
from ..services.statement_edits import statement_create, statement_delete, statement_update
from .filters import UtcIsoDateTimeFilter
from .inputs import AnnotationIn, StatementIn, annotation_in
from .lean import LeanApiView, json_body
from .serializers import AnnotationOut, PredictionOut, RevisionOut, StatementOut, WorkspaceOut

WORKERS = (Role.ANNOTATOR, Role.MANAGER)


class RevisionIn(serializers.Serializer):
    revision = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


def _workspace(request, assignment: Assignment) -> Response:
    return Response(workspace_payload(assignment=assignment, user=request.user))


class NextTaskApi(LeanApiView):
    @extend_schema(
        request=None,
        responses={200: WorkspaceOut, 204: OpenApiResponse(description="Nothing left for you.")},
        description="Resume your active lease, or lease the next paragraph that still needs you "
        "(article order, or most uncertain first when the project says so).",
    )
    def post(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=WORKERS)
        assignment = assignment_claim_next(user=request.user, project=project)
        if assignment is None:
            return status.HTTP_204_NO_CONTENT, None
        return status.HTTP_200_OK, workspace_payload(assignment=assignment, user=request.user)


def _own_assignment(request, assignment_id: int) -> Assignment:
    assignment = (
        Assignment.objects.filter(pk=assignment_id, annotator=request.user).select_related("task__project").first()
    )
    if assignment is None:
        raise Http404("No such assignment.")
    project_get_for(user=request.user, project_id=assignment.task.project_id, roles=WORKERS)
    return assignment


class AssignmentDetailApi(APIView):
    @extend_schema(responses=WorkspaceOut)
    def get(self, request, assignment_id: int):
        return _workspace(request, _own_assignment(request, assignment_id))


class AssignmentRenewApi(APIView):
    @extend_schema(request=None, responses=WorkspaceOut, description="Extend your active lease.")
    def post(self, request, assignment_id: int):
        return _workspace(request, assignment_renew(assignment=_own_assignment(request, assignment_id)))


class AnnotationFilter(filters.FilterSet):
    project = filters.NumberFilter(field_name="task__project_id")
    task = filters.NumberFilter(field_name="task_id")
    annotator = filters.NumberFilter(field_name="annotator_id")
    status = filters.ChoiceFilter(choices=Annotation.Status.choices)
    no_statement = filters.BooleanFilter()
    submitted_after = UtcIsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")

    class Meta:
        model = Annotation
        fields = ["project", "task", "annotator", "status", "no_statement", "submitted_after"]


class AnnotationListApi(generics.ListAPIView):
    """Annotators see only their own annotations; managers and ML engineers see their projects'."""

    serializer_class = AnnotationOut
    filterset_class = AnnotationFilter
    queryset = Annotation.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return annotation_list(user=self.request.user)


def _visible_annotation(request, annotation_id: int) -> Annotation:
    annotation = annotations_visible_to(user=request.user).filter(pk=annotation_id).first()
    if annotation is None:
        raise Http404("No such annotation.")
    return annotation


def _own_annotation(request, annotation_id: int) -> Annotation:
    """The caller's own annotation, for writing: 404 if they cannot see it, 403 if they only may read it.

    Same rules as access.project_get_for, asked in one query (this runs on every submit); returns the
    annotation with only id, task and annotator loaded (the services re-read it under its row lock).
    """
    annotation, role = annotation_and_role(user=request.user, annotation_id=annotation_id)
    if annotation is None:
        raise Http404("No such annotation.")
    if annotation.annotator_id != request.user.pk:
        if role in (Role.MANAGER, Role.ML_ENGINEER):
            raise PermissionDenied("Only the annotator who made this annotation may change it.")
        raise Http404("No such annotation.")
    if role is None:
        raise Http404("No such annotation.")
    if role not in WORKERS:
        raise PermissionDenied(f"Your role in this project ({role}) does not allow this.")
    return annotation


def _annotation_out(annotation_id: int) -> dict:
    return AnnotationOut(annotation_list(user=None).get(pk=annotation_id)).data


class AnnotationDetailApi(APIView):
    @extend_schema(responses=AnnotationOut)
    def get(self, request, annotation_id: int):
        return Response(_annotation_out(_visible_annotation(request, annotation_id).pk))

    @extend_schema(
        request=AnnotationIn,
        responses=AnnotationOut,
        description="Save (draft stays draft; a submitted annotation is edited and the change recorded).",
    )
    def put(self, request, annotation_id: int):
        annotation = _own_annotation(request, annotation_id)
        data = AnnotationIn(data=request.data)
        data.is_valid(raise_exception=True)
        saved = annotation_save(annotation=annotation, user=request.user, **data.validated_data)
        return Response(annotation_payload(vars(saved), saved.statement_rows))


class AnnotationSubmitApi(LeanApiView):
    @extend_schema(request=AnnotationIn, responses=AnnotationOut)
    def post(self, request, annotation_id: int):
        annotation = _own_annotation(request, annotation_id)
        data = annotation_in(json_body(request))
        saved = annotation_submit(annotation=annotation, user=request.user, **data)
        return status.HTTP_200_OK, annotation_payload(vars(saved), saved.statement_rows)


class AnnotationSkipApi(APIView):
    @extend_schema(request=RevisionIn, responses=AnnotationOut)
    def post(self, request, annotation_id: int):
        annotation = _own_annotation(request, annotation_id)
        data = RevisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        annotation_skip(annotation=annotation, user=request.user, revision=data.validated_data["revision"])
        return Response(_annotation_out(annotation.pk))


class AnnotationHistoryApi(generics.ListAPIView):
    serializer_class = RevisionOut
    queryset = AnnotationRevision.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return revisions_for(annotation=_visible_annotation(self.request, self.kwargs["annotation_id"]))


class StatementCreateIn(StatementIn):
    annotation = serializers.IntegerField()
    revision = serializers.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="The annotation's revision you loaded (optional; stale -> 409).",
    )


class StatementPatchIn(StatementIn):
    revision = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


def _statement_out(statement_id: int) -> dict:
    return StatementOut(Statement.objects.select_related("actor", "claim", "stance").get(pk=statement_id)).data


class StatementCreateApi(APIView):
    @extend_schema(request=StatementCreateIn, responses={201: StatementOut})
    def post(self, request):
        data = StatementCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        annotation = Annotation.objects.filter(pk=values.pop("annotation"), annotator=request.user).first()
        if annotation is None:
            raise serializers.ValidationError({"annotation": ["No annotation of yours with that id."]})
        project_get_for(user=request.user, project_id=annotation.task.project_id, roles=WORKERS)
        revision = values.pop("revision")
        statement = statement_create(annotation=annotation, user=request.user, data=values, revision=revision)
        return Response(_statement_out(statement.pk), status=status.HTTP_201_CREATED)


class StatementDetailApi(APIView):
    def _own(self, request, statement_id: int) -> Statement:
        statement = get_object_or_404(Statement.objects.select_related("annotation__task"), pk=statement_id)
        _own_annotation(request, statement.annotation_id)
        return statement

    @extend_schema(responses=StatementOut)
    def get(self, request, statement_id: int):
        statement = get_object_or_404(Statement, pk=statement_id)
        _visible_annotation(request, statement.annotation_id)
        return Response(_statement_out(statement.pk))

    @extend_schema(request=StatementPatchIn, responses=StatementOut)
    def patch(self, request, statement_id: int):
        statement = self._own(request, statement_id)
        data = StatementPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        revision = values.pop("revision", None)
        statement_update(statement=statement, user=request.user, data=values, revision=revision)
        return Response(_statement_out(statement.pk))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, statement_id: int):
        statement = self._own(request, statement_id)
        revision = request.query_params.get("revision")
        statement_delete(
            statement=statement, user=request.user, revision=int(revision) if revision and revision.isdigit() else None
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=PredictionDecision.Decision.choices)


class PredictionDecisionApi(APIView):
    def _prediction(self, request, prediction_id: int) -> Prediction:
        prediction = get_object_or_404(Prediction.objects.select_related("task"), pk=prediction_id)
        project_get_for(user=request.user, project_id=prediction.task.project_id, roles=WORKERS)
        role = role_for(user=request.user, project=prediction.task.project_id)
        if (
            role != Role.MANAGER
            and not Assignment.objects.filter(task_id=prediction.task_id, annotator=request.user).exists()
        ):
            raise Http404("No such suggestion on your tasks.")
        return prediction

    def _out(self, request, prediction: Prediction) -> dict:
        row = next(p for p in predictions_for(task_id=prediction.task_id, user=request.user) if p.pk == prediction.pk)
        return PredictionOut(row).data

    @extend_schema(request=DecisionIn, responses=PredictionOut)
    def post(self, request, prediction_id: int):
        prediction = self._prediction(request, prediction_id)
        data = DecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        prediction_decide(prediction=prediction, user=request.user, decision=data.validated_data["decision"])
        return Response(self._out(request, prediction))

    @extend_schema(request=None, responses={200: PredictionOut}, description="Undo: forget your decision.")
    def delete(self, request, prediction_id: int):
        prediction = self._prediction(request, prediction_id)
        prediction_decision_clear(prediction=prediction, user=request.user)
        return Response(self._out(request, prediction))
