"""Pages that belong to no app: the landing page, a liveness probe, the API's 404 (every other
error under /api/ becomes a problem in fieldservice.api.middleware), and the login page with
the sign-in guards' answer. What a new password ends is fieldservice.accounts'."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from . import roles
from .api import problem
from .forms import SignInForm


@login_required
def home(request):
    """Where each role starts: dispatchers on the board, customers in the portal."""
    if roles.has_role(request.user, roles.CUSTOMER):
        return redirect("portal:home")
    return render(request, "home.html")


def healthz(request):
    """Liveness: the process answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """A path nobody routes: the problem shape under /api/, Django's page elsewhere."""
    if _is_api(request):
        body = problem(
            code="not_found",
            title="Not found",
            status=404,
            detail=_("No such address in the API."),
        )
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def _routed_with_a_slash(request) -> bool:
    if request.path_info.endswith("/"):
        return False
    try:
        match = resolve(f"{request.path_info}/")
    except Resolver404:
        return False
    return match.func is not api_not_found


@csrf_exempt  # it changes nothing, and a POST with a session must get the 404, not a 403 page
def api_not_found(request, *args, **kwargs):
    """Every address under /api/ that no route takes, also with DEBUG on (where Django would
    answer its debug page rather than handler404). A route written without its final slash is
    redirected for GET, as CommonMiddleware's APPEND_SLASH does; other methods are told."""
    if _routed_with_a_slash(request):
        if request.method in ("GET", "HEAD"):
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        body = problem(
            code="not_found",
            title="Not found",
            status=404,
            detail=_("This address ends with a slash: %(path)s") % {"path": f"{request.path}/"},
        )
        return JsonResponse(body, status=404)
    return not_found(request)


class LoginView(auth_views.LoginView):
    """Django's login page with the sign-in guards' answer: 429 for a throttled username (a
    locked username and address gets axes' lockout page, also a 429)."""

    form_class = SignInForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="throttled"):
            response.status_code = 429
        return response
