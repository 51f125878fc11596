"""Actor and claim registries: list/search, propose, edit, approve, merge."""

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import READ_ROLES, project_get_for, role_for
from ..models import Actor, Claim, RegistryStatus, Role
from ..selectors.annotations import registry_list
from ..services.registry import (
    actor_approve,
    actor_create,
    actor_merge,
    actor_update,
    claim_approve,
    claim_create,
    claim_merge,
    claim_update,
)
from .serializers import ActorOut, ClaimOut

MANAGER = (Role.MANAGER,)
PROPOSERS = (Role.ANNOTATOR, Role.MANAGER)


class ActorIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=Actor.Type.choices, default=Actor.Type.OTHER)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=100
    )
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class ActorPatchIn(ActorIn):
    name = serializers.CharField(max_length=200, required=False)
    type = serializers.ChoiceField(choices=Actor.Type.choices, required=False)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=100)
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True)


class ClaimIn(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    category_code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ClaimPatchIn(ClaimIn):
    text = serializers.CharField(max_length=300, required=False)
    category_code = serializers.CharField(max_length=32, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)


class MergeIn(serializers.Serializer):
    into = serializers.IntegerField(help_text="Id of the entry that survives.")


def _blind_context(request, project_id: int) -> dict:
    """Serializer context hiding other proposers from an annotator (see serializers._BlindProposer)."""
    blind = role_for(user=request.user, project=project_id) == Role.ANNOTATOR
    return {"request": request, "blind_for": request.user if blind else None}


def _search(queryset, name, value):
    model = queryset.model
    return registry_list(model=model, project=None, search=value, base=queryset)


class ActorFilter(filters.FilterSet):
    search = filters.CharFilter(
        method=_search, help_text="Name or alias contains (case-insensitive), or the exact external id."
    )
    status = filters.ChoiceFilter(choices=RegistryStatus.choices)
    type = filters.ChoiceFilter(choices=Actor.Type.choices)

    class Meta:
        model = Actor
        fields = ["search", "status", "type"]


class ClaimFilter(filters.FilterSet):
    search = filters.CharFilter(
        method=_search, help_text="Text contains (case-insensitive), or the exact category code."
    )
    status = filters.ChoiceFilter(choices=RegistryStatus.choices)
    category_code = filters.CharFilter()

    class Meta:
        model = Claim
        fields = ["search", "status", "category_code"]


class _RegistryListApi(generics.ListAPIView):
    """Merged entries are left out unless `status` asks for them."""

    model = Actor
    in_serializer = ActorIn

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        project = project_get_for(user=self.request.user, project_id=self.kwargs["project_id"])
        return registry_list(
            model=self.model, project=project, include_merged=bool(self.request.query_params.get("status"))
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context.update(_blind_context(self.request, self.kwargs["project_id"]))
        return context

    def post(self, request, project_id: int):
        project = project_get_for(user=request.user, project_id=project_id, roles=PROPOSERS)
        data = self.in_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        create = actor_create if self.model is Actor else claim_create
        obj = create(
            project=project, user=request.user, role=role_for(user=request.user, project=project), **data.validated_data
        )
        return Response(
            self.serializer_class(obj, context=_blind_context(request, project.pk)).data, status=status.HTTP_201_CREATED
        )


class ActorListCreateApi(_RegistryListApi):
    model, in_serializer, serializer_class, filterset_class = Actor, ActorIn, ActorOut, ActorFilter

    @extend_schema(
        request=ActorIn,
        responses={201: ActorOut},
        description="An annotator's actor is a proposal (status proposed); a manager's is approved.",
    )
    def post(self, request, project_id: int):
        return super().post(request, project_id)


class ClaimListCreateApi(_RegistryListApi):
    model, in_serializer, serializer_class, filterset_class = Claim, ClaimIn, ClaimOut, ClaimFilter

    @extend_schema(
        request=ClaimIn,
        responses={201: ClaimOut},
        description="An annotator's claim is a proposal (status proposed); a manager's is approved.",
    )
    def post(self, request, project_id: int):
        return super().post(request, project_id)


def _entry_for(request, model, pk: int, roles=READ_ROLES):
    obj = get_object_or_404(model, pk=pk)
    project_get_for(user=request.user, project_id=obj.project_id, roles=roles)
    return obj


def _out(model, obj, request):
    context = _blind_context(request, obj.project_id)
    if model is Actor:
        obj = Actor.objects.prefetch_related("aliases").get(pk=obj.pk)
        return ActorOut(obj, context=context).data
    return ClaimOut(Claim.objects.get(pk=obj.pk), context=context).data


class ActorDetailApi(APIView):
    @extend_schema(responses=ActorOut)
    def get(self, request, actor_id: int):
        return Response(_out(Actor, _entry_for(request, Actor, actor_id), request))

    @extend_schema(request=ActorPatchIn, responses=ActorOut)
    def patch(self, request, actor_id: int):
        actor = _entry_for(request, Actor, actor_id, MANAGER)
        data = ActorPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(_out(Actor, actor_update(actor=actor, **data.validated_data), request))


class ClaimDetailApi(APIView):
    @extend_schema(responses=ClaimOut)
    def get(self, request, claim_id: int):
        return Response(_out(Claim, _entry_for(request, Claim, claim_id), request))

    @extend_schema(request=ClaimPatchIn, responses=ClaimOut)
    def patch(self, request, claim_id: int):
        claim = _entry_for(request, Claim, claim_id, MANAGER)
        data = ClaimPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(_out(Claim, claim_update(claim=claim, **data.validated_data), request))


class ActorApproveApi(APIView):
    @extend_schema(request=None, responses=ActorOut)
    def post(self, request, actor_id: int):
        return Response(_out(Actor, actor_approve(actor=_entry_for(request, Actor, actor_id, MANAGER)), request))


class ClaimApproveApi(APIView):
    @extend_schema(request=None, responses=ClaimOut)
    def post(self, request, claim_id: int):
        return Response(_out(Claim, claim_approve(claim=_entry_for(request, Claim, claim_id, MANAGER)), request))


class ActorMergeApi(APIView):
    @extend_schema(
        request=MergeIn,
        responses=ActorOut,
        description="Merge this actor into `into`: every statement, gold statement and prediction is "
        "re-pointed, names become aliases, submitted annotations get a history entry. "
        "Returns the surviving actor.",
    )
    def post(self, request, actor_id: int):
        actor = _entry_for(request, Actor, actor_id, MANAGER)
        data = MergeIn(data=request.data)
        data.is_valid(raise_exception=True)
        target = actor_merge(source=actor, into_id=data.validated_data["into"], user=request.user)
        return Response(_out(Actor, target, request))


class ClaimMergeApi(APIView):
    @extend_schema(
        request=MergeIn,
        responses=ClaimOut,
        description="Merge this claim into `into` (see the actor merge). Returns the surviving claim.",
    )
    def post(self, request, claim_id: int):
        claim = _entry_for(request, Claim, claim_id, MANAGER)
        data = MergeIn(data=request.data)
        data.is_valid(raise_exception=True)
        target = claim_merge(source=claim, into_id=data.validated_data["into"], user=request.user)
        return Response(_out(Claim, target, request))
