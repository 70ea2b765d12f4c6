"""/api/v1/: each app's API routes, the token endpoints, and the schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from .. import views
from . import tokens

router = SimpleRouter()
router.register("tokens", tokens.TokenViewSet, basename="token")
router.register("auth/token", tokens.LoginViewSet, basename="login")

v1 = [
    *router.urls,
    path("", include("customers.api.urls")),
    path("", include("technicians.api.urls")),
    path("", include("contracts.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("dispatch.api.urls")),
    path("", include("portal.api.urls")),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[AllowAny]),
        name="api-docs",
    ),
    # Last: whatever no route above takes is the API's 404 problem, whatever DEBUG is.
    re_path(r"", views.api_not_found),
]
