"""The project's URL map: each app mounts its own pages here."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from . import views
from .health import HealthView

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Before Django's own: the reset link goes through the outbox. (Every new password revokes
    # the user's API tokens wherever it is set: fieldservice.accounts.)
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", views.healthz, name="healthz"),
    # The scripts' words (gettext() in static/*/*.js), in the request's language. base.html asks
    # for it with ?l=<language> so the service worker's copy is one per language (issue 21).
    # The language switcher (base.html); named as Django's own view, which it wraps.
    path("i18n/setlang/", views.choose_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("health/", HealthView.as_view(), name="health"),
    path("admin/", admin.site.urls),
    path("api/", include("fieldservice.api.urls")),
    # The desk: intake under /dispatch/intake/, the rest under /desk/ (desk/urls.py).
    path("", include("desk.urls")),
    path("dispatch/plan/", include("dispatch.planner.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("tech/", include("fieldapp.urls")),
    # The client report is the portal's page but insights' code (insights/reports/__init__.py).
    path("portal/reports/", include("insights.reports.urls")),
    path("portal/", include("portal.urls")),
    path("insights/", include("insights.urls")),
    path("billing/", include("billing.urls")),
    path("workshop/", include("depot.urls")),
    path("stock/", include("inventory.urls")),
    path("notifications/", include("notifications.urls")),
    # Photos and signatures: each answer after its access check, never a public folder.
    path("media/", include("tickets.urls")),
]
handler404 = "fieldservice.views.not_found"
