"""API tokens over the API: sign in with a password for one, list and revoke your own."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from ..logins import throttle_message
from ..models import ApiToken
from . import valid_input
from .access import ANY_ROLE, LoginThrottle, TokenAuthentication


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(help_text="The secret. Shown this once; store it now.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]


class TokenInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="What will use the token.")


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    name = serializers.CharField(max_length=100, default="API client")


def _new_token_body(token: ApiToken, key: str) -> dict:
    return {**TokenSerializer(token).data, "token": key}


class TokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your own API tokens, each with when it was last used and when it expires. Revoking one
    stops it at once; changing or resetting your password revokes them all."""

    serializer_class = TokenSerializer
    allowed_roles = {
        "list": ANY_ROLE,
        "retrieve": ANY_ROLE,
        "create": ANY_ROLE,
        "destroy": ANY_ROLE,
    }
    queryset = ApiToken.objects.none()
    filter_backends = []

    def get_queryset(self):
        assert self.request.user.is_authenticated  # RolePermission let only a signed-in user in
        return ApiToken.objects.filter(user=self.request.user)

    @extend_schema(request=TokenInSerializer, responses={201: NewTokenSerializer})
    def create(self, request):
        """Make a token for an integration; the secret is in this answer only."""
        data = valid_input(self, TokenInSerializer)
        token, key = ApiToken.issue(user=request.user, name=data["name"])
        return Response(_new_token_body(token, key), status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        """Revoke the token."""
        self.get_object().revoke()
        return Response(status=status.HTTP_204_NO_CONTENT)


class LoginViewSet(viewsets.GenericViewSet):
    """Exchange a username and password for a token (throttled per address, and guarded like
    the login page: a username locked at this address, or throttled after many failures from
    anywhere, gets a 429)."""

    # Only so a refusal is a 401 with WWW-Authenticate; nobody needs to be signed in here.
    authentication_classes = [TokenAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]
    serializer_class = LoginSerializer

    @extend_schema(request=LoginSerializer, responses={201: NewTokenSerializer})
    def create(self, request):
        data = valid_input(self, LoginSerializer)
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if getattr(request._request, "login_throttled", False):
            raise exceptions.Throttled(
                wait=settings.LOGIN_USERNAME_WINDOW_MINUTES * 60, detail=throttle_message()
            )
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("Wrong username or password."))
        token, key = ApiToken.issue(user=user, name=data["name"])
        return Response(_new_token_body(token, key), status=status.HTTP_201_CREATED)
