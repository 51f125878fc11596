"""Going back: My annotations, the previous task, reopening, undoing a skip (see CONTRACT.md).

Each write answers the Workspace of the task it opened, so the page can show it at once; next-task
resumes that same lease afterwards (it is the annotator's newest), so a reload shows it too.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import READ_ROLES, project_get_for, role_for
from ..models import Annotation
from ..payloads import workspace_payload
from ..selectors.my_annotations import (
    STATUSES,
    list_owner,
    my_annotation_ids,
    my_annotation_row,
    previous_annotation,
    with_details,
)
from ..services.going_back import UNDO_SKIP_SECONDS, skip_undo, task_reopen
from .serializers import WorkspaceOut
from .work import WORKERS, _own_annotation


class MyAnnotationsQueryIn(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Text in the paragraph, the article title, or a claim or actor of the annotation.",
    )
    status = serializers.ChoiceField(
        choices=STATUSES,
        required=False,
        help_text="adjudicated: submitted, and the task has gold (submitted then means: not adjudicated).",
    )
    annotator = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="Managers and ML engineers: another member's."
    )


def query_from(params) -> dict:
    """Validated filters from a query string; empty values count as absent (an HTML form sends them)."""
    data = MyAnnotationsQueryIn(data={k: v for k, v in params.items() if k in MyAnnotationsQueryIn().fields and v})
    data.is_valid(raise_exception=True)
    return data.validated_data


_Excerpt = inline_serializer(
    "MyAnnotationExcerpt",
    {"before": serializers.CharField(), "match": serializers.CharField(), "after": serializers.CharField()},
)


class MyAnnotationOut(serializers.Serializer):
    annotation = serializers.IntegerField()
    task = serializers.IntegerField()
    status = serializers.ChoiceField(choices=STATUSES)
    no_statement = serializers.BooleanField()
    statements = serializers.IntegerField(help_text="Number of statements.")
    article = inline_serializer(
        "MyAnnotationArticle", {"id": serializers.IntegerField(), "title": serializers.CharField()}
    )
    paragraph = inline_serializer(
        "MyAnnotationParagraph", {"id": serializers.IntegerField(), "position": serializers.IntegerField()}
    )
    excerpt = _Excerpt
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    can_open = serializers.BooleanField(help_text="Whether reopen may succeed (room is checked only then).")
    open_refusal = serializers.CharField(allow_null=True, help_text="Why it cannot be opened again.")


class MyAnnotationListApi(generics.GenericAPIView):
    serializer_class = MyAnnotationOut
    queryset = Annotation.objects.none()  # for the schema; the list comes from the selector

    @extend_schema(
        parameters=[MyAnnotationsQueryIn],
        responses=MyAnnotationOut(many=True),
        description="Your annotations in the project, most recently changed first (paginated).",
    )
    def get(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=READ_ROLES)
        query = query_from(request.query_params)
        owner = list_owner(
            user=request.user,
            project=project,
            role=role_for(user=request.user, project=project),
            annotator_id=query.get("annotator"),
        )
        ids = my_annotation_ids(
            project_id=project.pk, annotator_id=owner.pk, q=query.get("q", ""), status=query.get("status", "")
        )
        page = with_details(self.paginate_queryset(ids))
        results = [my_annotation_row(a, query.get("q", "")) for a in page]
        if owner.pk != request.user.pk:  # someone else's list is read-only
            for row in results:
                row["can_open"], row["open_refusal"] = False, "Only its annotator may open it."
        return self.get_paginated_response(MyAnnotationOut(results, many=True).data)


class AnnotationReopenApi(APIView):
    @extend_schema(
        request=None,
        responses={200: WorkspaceOut},
        description="Open your annotation again: a submitted one for editing (409 once adjudicated, 403 where "
        "the project forbids it), a skipped or draft one as a draft (409 when the task has no room left).",
    )
    def post(self, request, annotation_id: int):
        annotation = _own_annotation(request, annotation_id)
        assignment = task_reopen(annotation=annotation, user=request.user)
        return Response(workspace_payload(assignment=assignment, user=request.user))


class SkipUndoApi(APIView):
    @extend_schema(
        request=None,
        responses={200: WorkspaceOut},
        description=f"Undo your skip within {UNDO_SKIP_SECONDS} s: the task is yours again as a draft (409 when "
        "it is not skipped, the skip is older, or others took the task's places meanwhile).",
    )
    def post(self, request, annotation_id: int):
        annotation = _own_annotation(request, annotation_id)
        assignment = skip_undo(annotation=annotation, user=request.user)
        return Response(workspace_payload(assignment=assignment, user=request.user))


class PreviousTaskApi(APIView):
    @extend_schema(
        request=None,
        responses={
            200: WorkspaceOut,
            204: OpenApiResponse(description="Nothing before the current task."),
        },
        description="Open the task you submitted or skipped before the current one (as reopen does).",
    )
    def post(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=WORKERS)
        previous = previous_annotation(user=request.user, project=project)
        if previous is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        assignment = task_reopen(annotation=previous, user=request.user)
        return Response(workspace_payload(assignment=assignment, user=request.user))
