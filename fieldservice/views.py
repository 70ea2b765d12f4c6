"""Pages that belong to no app: the landing page, a liveness probe, the error answers (the
API's problem shape under /api/), and the password pages of Django with what a new password
ends."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection, transaction
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from . import accounts, roles
from .api import problem, server_error_body
from .forms import PasswordResetForm, SignInForm


@login_required
def home(request):
    """Where each role starts (the login page comes here unless it was given ?next=): the
    role's own page, or a welcome that says what to do for a user with no role yet."""
    page = roles.landing(request.user)
    if page is not None:
        return redirect(page)
    return render(request, "home.html")


def healthz(request):
    """Liveness: the process answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def favicon(request):
    """/favicon.ico, which browsers ask for on their own (beside a PDF, in the admin) even
    where a page names its icon."""
    path = finders.find("fieldservice/favicon.ico")
    if not isinstance(path, str):
        raise Http404
    # FileResponse closes the file once it is sent.
    response = FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115
    response["Cache-Control"] = "max-age=86400"
    return response


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


def server_error(request):
    """handler500: an error outside the API's views (their own are answered by its exception
    handler), still as a problem under /api/."""
    if _is_api(request):
        return JsonResponse(server_error_body(), status=500)
    return defaults.server_error(request)


def bad_request(request, exception):
    """handler400 (a body past DATA_UPLOAD_MAX_MEMORY_SIZE, a forged host...): a problem under
    /api/."""
    if _is_api(request):
        body = problem(
            code="bad_request",
            title="Bad request",
            status=400,
            detail=_("The request could not be read."),
        )
        return JsonResponse(body, status=400)
    return defaults.bad_request(request, exception)


class LoginView(auth_views.LoginView):
    """Django's login page with the sign-in guards' answer: 429 for a throttled username (a
    locked username and address gets axes' lockout page, also a 429)."""

    form_class = SignInForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="throttled"):
            response.status_code = 429
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page; the new password also revokes the user's API tokens."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            accounts.password_changed(user=form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's page; the link goes out through the outbox, and the next page is the same
    whether the address has an account or not."""

    form_class = PasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page behind the emailed link; the new password revokes the user's API tokens."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            accounts.password_changed(user=form.user)
        return response
