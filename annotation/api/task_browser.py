"""Task browser API (managers only): a keyset-paged, filtered, sorted list of a project's tasks, and
bulk actions on selected tasks. The HTML page (annotation/views/task_browser.py) validates its query
string with the same serializer, so both refuse the same bad values with the same messages."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from corpora.models import Paragraph

from ..access import project_get_for
from ..models import Role
from ..selectors.task_browser import SORT_CHOICES, STATUSES, BadQuery, TaskQuery, task_page
from ..services.task_bulk import BULK_ACTIONS, MAX_BULK, MAX_K

YES_NO = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


class YesNoField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=list(YES_NO), required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data):
        return YES_NO[super().to_internal_value(str(data).lower())]


class TaskQueryIn(serializers.Serializer):
    """Filters (all optional, combined with AND), the sort and the page."""

    status = serializers.ChoiceField(
        choices=STATUSES,
        required=False,
        help_text="open: not complete, not closed and no live lease; in_progress: a live lease; complete: k "
        "submissions; closed: kept for its work after its paragraph stopped matching the project (offered to nobody).",
    )
    annotator = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="User id with an annotation (any status) on the task.",
    )
    submissions = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    submissions_min = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    submissions_max = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    skipped = YesNoField(help_text="Some annotator skipped the task.")
    prelabels = YesNoField(help_text="The task has pre-labels.")
    adjudicated = YesNoField(help_text="The task has gold.")
    sent_to_adjudication = YesNoField(help_text="A manager sent the task to adjudication.")
    article = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    kind = serializers.ChoiceField(choices=Paragraph.Kind.values, required=False)
    disagreement_min = serializers.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        help_text="Disagreement at least this: 1 - mean pairwise Jaccard of the submitted annotations' "
        "(actor, claim, stance) sets; tasks with fewer than two submissions have none and never match.",
    )
    disagreement_max = serializers.FloatField(required=False, min_value=0, max_value=1)
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Text in the paragraph.")
    sort = serializers.ChoiceField(choices=SORT_CHOICES, required=False, default="order")
    cursor = serializers.CharField(required=False, max_length=200, help_text="next_cursor of the previous page.")
    size = serializers.IntegerField(required=False, default=50, min_value=1, max_value=200)

    def to_query(self) -> TaskQuery:
        self.is_valid(raise_exception=True)
        return TaskQuery(**{k: v for k, v in self.validated_data.items() if v is not None and v != ""})


def query_from(params) -> TaskQuery:
    """A TaskQuery from a query string; empty values count as absent (an HTML form sends them)."""
    return TaskQueryIn(data={k: v for k, v in params.items() if v != ""}).to_query()


ROW_FIELDS = {
    "id": serializers.IntegerField(),
    "order": serializers.IntegerField(),
    "submitted_count": serializers.IntegerField(),
    "k": serializers.IntegerField(),
    "is_complete": serializers.BooleanField(),
    "adjudication_requested_at": serializers.DateTimeField(allow_null=True),
    "disagreement": serializers.FloatField(allow_null=True),
    "closed_at": serializers.DateTimeField(allow_null=True),
    "paragraph_id": serializers.IntegerField(),
    "paragraph__position": serializers.IntegerField(),
    "paragraph__kind": serializers.CharField(),
    "paragraph__article_id": serializers.IntegerField(),
    "paragraph__article__title": serializers.CharField(),
    "excerpt": serializers.CharField(),
    "annotations": inline_serializer(
        "TaskBrowserAnnotation", {"username": serializers.CharField(), "status": serializers.CharField()}, many=True
    ),
    "skipped": serializers.IntegerField(),
    "has_prelabels": serializers.BooleanField(),
    "adjudicated": serializers.BooleanField(),
}


class TaskBrowserApi(APIView):
    @extend_schema(
        parameters=[TaskQueryIn],
        responses=inline_serializer(
            "TaskBrowserPage",
            {
                "results": inline_serializer("TaskBrowserRow", ROW_FIELDS, many=True),
                "next_cursor": serializers.CharField(allow_null=True),
            },
        ),
        description="A page of the project's tasks. Keyset pagination: pass next_cursor back as cursor "
        "(with the same filters and sort) for the next page; null on the last page.",
    )
    def get(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=[Role.MANAGER])
        query = query_from(request.query_params)
        try:
            page = task_page(project=project, query=query)
        except BadQuery as exc:
            raise serializers.ValidationError({"cursor": [str(exc)]}) from None
        return Response({"results": page.rows, "next_cursor": page.next_cursor})


class TaskBulkIn(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=list(BULK_ACTIONS),
        help_text="requeue: undo skips so the task is offered again; adjudicate: send to the adjudication list; "
        "set_k: give the tasks their own k (submitted annotations wanted).",
    )
    tasks = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), allow_empty=False, max_length=MAX_BULK
    )
    k = serializers.IntegerField(required=False, min_value=1, max_value=MAX_K, help_text="For set_k: the new k.")

    def validate(self, attrs):
        if attrs["action"] == "set_k" and "k" not in attrs:
            raise serializers.ValidationError({"k": ["set_k needs k, the number of annotators per task."]})
        return attrs

    def options(self) -> dict:
        """The action's own arguments (set_k: k)."""
        return {"k": self.validated_data["k"]} if self.validated_data["action"] == "set_k" else {}


class TaskBulkApi(APIView):
    @extend_schema(
        request=TaskBulkIn,
        responses=inline_serializer(
            "TaskBulkResult", {"action": serializers.CharField(), "tasks": serializers.IntegerField()}
        ),
        description="Run a bulk action on the selected tasks, all or nothing. The result holds the counts of "
        "what changed (requeue: skips_undone, tasks_changed; adjudicate: sent, already_sent, "
        "without_submission; set_k: k, changed, reopened, completed).",
    )
    def post(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=[Role.MANAGER])
        data = TaskBulkIn(data=request.data)
        data.is_valid(raise_exception=True)
        action = data.validated_data["action"]
        result = BULK_ACTIONS[action](
            project=project, task_ids=data.validated_data["tasks"], user=request.user, **data.options()
        )
        return Response({"action": action, **result})
