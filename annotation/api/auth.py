"""API tokens: obtain one with username and password (throttled), list yours, create, revoke."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import ApiToken
from ..selectors.tokens import api_token_get_for, api_token_list_for
from ..services.tokens import api_token_create, api_token_revoke
from ..throttling import LOGIN_THROTTLES, LoginThrottled


class ApiTokenOut(serializers.ModelSerializer):
    expired = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "expired"]

    def get_expired(self, token: ApiToken) -> bool:
        return token.expires_at is not None and token.expires_at <= timezone.now()


class ApiTokenCreatedOut(ApiTokenOut):
    key = serializers.CharField(help_text="The key, shown this once: send it as `Authorization: Token <key>`.")

    class Meta(ApiTokenOut.Meta):
        fields = [*ApiTokenOut.Meta.fields, "key"]


def _created(token: ApiToken, key: str) -> dict:
    token.key = key
    return ApiTokenCreatedOut(token).data


class TokenObtainApi(APIView):
    """A new API token for a username and password. Throttled per username and per client address:
    too many attempts get 429 with Retry-After, even with the right password."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = list(LOGIN_THROTTLES)

    def throttled(self, request, wait):
        raise LoginThrottled(wait)

    @extend_schema(
        request=inline_serializer(
            "TokenIn", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses=inline_serializer("TokenOut", {"token": serializers.CharField()}),
        auth=[],
    )
    def post(self, request):
        data = AuthTokenSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        _token, key = api_token_create(user=data.validated_data["user"], name="POST /api/auth/token/")
        return Response({"token": key})


class TokenListCreateApi(APIView):
    """Your own API tokens (never their keys), and a new one (its key shown once)."""

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100, required=False, allow_blank=True)

    @extend_schema(responses=ApiTokenOut(many=True))
    def get(self, request):
        return Response(ApiTokenOut(api_token_list_for(user=request.user), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ApiTokenCreatedOut})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = api_token_create(user=request.user, name=data.validated_data.get("name", ""))
        return Response(_created(token, key), status=status.HTTP_201_CREATED)


class TokenDetailApi(APIView):
    @extend_schema(responses=ApiTokenOut)
    def get(self, request, token_id: int):
        return Response(ApiTokenOut(api_token_get_for(user=request.user, token_id=token_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, token_id: int):
        api_token_revoke(token=api_token_get_for(user=request.user, token_id=token_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
