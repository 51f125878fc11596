"""Adjudication API (managers only): disagreement list, side-by-side task view, save/pick/delete gold."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import project_get_for
from ..models import Role, Task
from ..selectors.adjudication import AGREEMENT_RULE, adjudication_view, disagreement_list
from ..services.adjudication import (
    GoldExists,
    adjudication_accept_agreed,
    adjudication_delete,
    adjudication_pick,
    adjudication_save,
)
from ..shapes import PLACEMENT_FIELDS, statement_from_model, with_labels
from .pagination import StandardPagination


def managed_task(request, task_id: int) -> Task:
    task = get_object_or_404(Task.objects.select_related("paragraph__article", "project"), pk=task_id)
    project_get_for(user=request.user, project_id=task.project_id, roles=[Role.MANAGER])
    return task


def _statement(s, gold: bool = False) -> dict:
    out = {
        "id": s.pk,
        **with_labels(
            statement_from_model(s, PLACEMENT_FIELDS),
            {"actor_name": s.actor.name if s.actor else None, "claim_text": s.claim.text},
        ),
    }
    if gold:
        out.update(reason=s.reason, source_statement_ids=s.source_statement_ids)
    return out


def adjudication_out(task: Task) -> dict:
    """The adjudication API's response for one task, from adjudication_view. Over 60 lines because
    it is one literal, the response's layout, each part a comprehension over one list of the view."""
    view = adjudication_view(task=task)
    adj = view["adjudication"]
    return {
        "task": task.pk,
        "project": task.project_id,
        "paragraph": {
            "id": view["paragraph"].pk,
            "text": view["paragraph"].text,
            "position": view["paragraph"].position,
        },
        "article": {"id": view["article"].pk, "title": view["article"].title},
        "annotations": [
            {
                "id": a["annotation"].pk,
                "annotator": a["annotation"].annotator.username,
                "annotator_id": a["annotation"].annotator_id,
                "no_statement": a["annotation"].no_statement,
                "statements": [_statement(s) for s in a["statements"]],
            }
            for a in view["annotations"]
        ],
        "groups": [
            {
                "statement_ids": g["statement_ids"],
                "annotators": g["annotators"],
                "count": g["count"],
                "agreed": g["agreed"],
            }
            for g in view["groups"]
        ],
        "agreement_rule": AGREEMENT_RULE,
        "agreed_no_statement": view["agreed_no_statement"],
        "predictions": [
            {
                "id": p.pk,
                "kind": p.kind,
                "model_name": p.model_name,
                "model_version": p.model_version,
                "score": p.score,
                "actor": p.actor_id,
                "actor_name": p.actor.name if p.actor else None,
                "start": p.start,
                "end": p.end,
                "surface": p.surface,
                "claim": p.claim_id,
                "claim_text": p.claim.text if p.claim else None,
                "stance": p.stance.value if p.stance else None,
            }
            for p in view["predictions"]
        ],
        "gold": None
        if adj is None
        else {
            "no_statement": adj.no_statement,
            "reason": adj.reason,
            "updated_at": adj.updated_at,
            "adjudicator": adj.adjudicator.username if adj.adjudicator else None,
            "statements": [_statement(s, gold=True) for s in view["gold"]],
        },
        "history": [
            {
                "date": h.history_date,
                "type": {"+": "created", "~": "changed", "-": "deleted"}[h.history_type],
                "user": h.history_user.username if h.history_user else None,
                "reason": h.reason,
                "no_statement": h.no_statement,
            }
            for h in view["history"]
        ],
    }


class GoldStatementIn(serializers.Serializer):
    actor_role = serializers.ChoiceField(choices=["mention", "author", "implied"], default="mention")
    actor = serializers.IntegerField(allow_null=True, required=False)
    actor_start = serializers.IntegerField(allow_null=True, required=False, min_value=0)
    actor_end = serializers.IntegerField(allow_null=True, required=False, min_value=0)
    claim = serializers.IntegerField()
    stance = serializers.CharField()
    evidence_start = serializers.IntegerField(allow_null=True, required=False, min_value=0)
    evidence_end = serializers.IntegerField(allow_null=True, required=False, min_value=0)
    reason = serializers.CharField(allow_blank=True, required=False, default="")
    source_statement_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class DisagreementListApi(APIView):
    def get(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=[Role.MANAGER])
        rows = disagreement_list(project=project, only_open=request.query_params.get("open") in ("1", "true"))
        paginator = StandardPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(page)


def _gold_exists() -> Response:
    return Response({"replace": ["This task already has gold; send \"replace\": true to replace it."]}, status=409)


class AdjudicationApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AdjudicationInput"

        no_statement = serializers.BooleanField(default=False)
        reason = serializers.CharField(allow_blank=True, required=False, default="")
        statements = GoldStatementIn(many=True)
        replace = serializers.BooleanField(default=False)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, task_id: int):
        return Response(adjudication_out(managed_task(request, task_id)))

    @extend_schema(request=InputSerializer, responses={200: OpenApiTypes.OBJECT})
    def put(self, request, task_id: int):
        task = managed_task(request, task_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            adjudication_save(task=task, adjudicator=request.user, **data.validated_data)
        except GoldExists:
            return _gold_exists()
        return Response(adjudication_out(task))

    @extend_schema(responses={204: None})
    def delete(self, request, task_id: int):
        task = managed_task(request, task_id)
        adjudication_delete(task=task)
        return Response(status=204)


class AdjudicationPickApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AdjudicationPickInput"

        statement_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
        reason = serializers.CharField(allow_blank=True, required=False, default="")
        replace = serializers.BooleanField(default=False)

    @extend_schema(request=InputSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, task_id: int):
        task = managed_task(request, task_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            adjudication_pick(task=task, adjudicator=request.user, **data.validated_data)
        except GoldExists:
            return _gold_exists()
        return Response(adjudication_out(task))


class AdjudicationAcceptAgreedApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AdjudicationAcceptAgreedInput"

        reason = serializers.CharField(allow_blank=True, required=False, default="")
        replace = serializers.BooleanField(default=False)

    @extend_schema(request=InputSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, task_id: int):
        task = managed_task(request, task_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            adjudication_accept_agreed(task=task, adjudicator=request.user, **data.validated_data)
        except GoldExists:
            return _gold_exists()
        return Response(adjudication_out(task))
