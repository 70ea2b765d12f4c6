"""Pages that belong to no app: the landing page, a liveness probe, the API's 404 (every other
error under /api/ becomes a problem in fieldservice.api.middleware), and the login page with
the sign-in guards' answer. What a new password ends is fieldservice.accounts'."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from . import languages, roles
from .api import problem
from .errors import DomainError
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


class LoginView(auth_views.LoginView):
    """Django's login page with the sign-in guards' answer: 429 for a throttled username (a
    locked username and address gets axes' lockout page, also a 429)."""

    form_class = SignInForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="throttled"):
            response.status_code = 429
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's page; the link goes out through the outbox, and the next page is the same
    whether the address has an account or not."""

    form_class = PasswordResetForm


@require_POST
def choose_language(request):
    """The language switcher's form: Django's set_language (the cookie, back to the page), and
    for a signed-in person their profile too, so every page and message follows them."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in languages.available():
        try:
            languages.choose_language(user=request.user, language=language)
        except DomainError:  # not one of ours: set_language has ignored it as well
            return response
        request.session[languages.SESSION_KEY] = language
    return response
