"""Paragraph merge and split."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import corpus_change_check, paragraph_readable
from ..segmentation import WorkAtStake, paragraph_split, paragraphs_merge
from .common import IsManager, ParagraphOutput

_WORK_AT_STAKE = inline_serializer(
    "WorkAtStake",
    fields={
        "detail": serializers.CharField(),
        "submitted": serializers.IntegerField(),
        "needs_confirm": serializers.BooleanField(),
    },
)
_SEGMENTS = inline_serializer("SegmentationResult", fields={"paragraphs": ParagraphOutput(many=True)})


class _SegmentationApi(APIView):
    """Shared by merge and split: 409 with ``needs_confirm`` when submitted annotations are at stake."""

    permission_classes = [IsManager]

    class ConfirmInput(serializers.Serializer):
        class Meta:
            ref_name = "SegmentationConfirmInput"

        confirm = serializers.BooleanField(required=False, default=False)

    def _run(self, request, paragraph_id: int, change, data):
        paragraph = paragraph_readable(user=request.user, paragraph_id=paragraph_id)
        corpus_change_check(user=request.user, corpus=paragraph.article.corpus_id)
        try:
            changed = change(paragraph, data.validated_data["confirm"])
        except WorkAtStake as exc:
            return Response(
                {"detail": str(exc), "submitted": exc.submitted, "needs_confirm": True}, status=status.HTTP_409_CONFLICT
            )
        return Response({"paragraphs": ParagraphOutput(changed, many=True).data})


class ParagraphMergeApi(_SegmentationApi):
    """POST {confirm?}: merge the paragraph with the next one (offsets stay exact; history kept)."""

    @extend_schema(request=_SegmentationApi.ConfirmInput, responses={200: _SEGMENTS, 409: _WORK_AT_STAKE})
    def post(self, request, paragraph_id: int):
        data = self.ConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(
            request,
            paragraph_id,
            lambda p, confirm: [paragraphs_merge(paragraph=p, user=request.user, confirm=confirm)],
            data,
        )


class ParagraphSplitApi(_SegmentationApi):
    """POST {at, confirm?}: split the paragraph at character ``at`` of its text into two."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "SplitInput"

        at = serializers.IntegerField(min_value=1)
        confirm = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=InputSerializer, responses={200: _SEGMENTS, 409: _WORK_AT_STAKE})
    def post(self, request, paragraph_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(
            request,
            paragraph_id,
            lambda p, confirm: list(
                paragraph_split(paragraph=p, at=data.validated_data["at"], user=request.user, confirm=confirm)
            ),
            data,
        )
