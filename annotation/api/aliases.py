"""Alias proposals learned from the labels: managers list them and approve one as an actor's alias."""

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import project_get_for
from ..models import Actor
from ..services.alias_proposals import alias_proposal_approve, alias_proposals
from .registry import MANAGER, _entry_for, _out
from .serializers import ActorOut


class AliasProposalOut(serializers.Serializer):
    actor_id = serializers.IntegerField()
    actor_name = serializers.CharField()
    alias = serializers.CharField()
    normalized = serializers.CharField()
    count = serializers.IntegerField(help_text="Labelled spans with this form.")
    example = serializers.CharField(help_text="A paragraph where an annotator linked it to the actor.")


class AliasIn(serializers.Serializer):
    alias = serializers.CharField(max_length=200, allow_blank=True)


class AliasProposalListApi(generics.ListAPIView):
    """Spans annotators linked to an actor that are not yet its name or alias, most labelled first."""

    serializer_class = AliasProposalOut

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        project = project_get_for(user=self.request.user, project_id=self.kwargs["project_id"], roles=MANAGER)
        return [asdict(p) for p in alias_proposals(project=project)]


class ActorAliasCreateApi(APIView):
    @extend_schema(
        request=AliasIn,
        responses={201: ActorOut},
        description="Approve a form (e.g. a proposal's `alias`) as an alias of this actor; the tagger "
        "matches it from the next pre-labelling job on. Returns the actor.",
    )
    def post(self, request, actor_id: int):
        actor = _entry_for(request, Actor, actor_id, MANAGER)
        data = AliasIn(data=request.data)
        data.is_valid(raise_exception=True)
        alias_proposal_approve(actor=actor, alias=data.validated_data["alias"])
        return Response(_out(Actor, actor, request), status=status.HTTP_201_CREATED)
