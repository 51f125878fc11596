"""Token auth for scripts: POST username and password, get the user's API token."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken


class TokenObtainApi(ObtainAuthToken):
    @extend_schema(request=inline_serializer("TokenIn", {"username": serializers.CharField(),
                                                         "password": serializers.CharField()}),
                   responses=inline_serializer("TokenOut", {"token": serializers.CharField()}), auth=[])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

