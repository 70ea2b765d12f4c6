"""Pages that belong to no app: the landing page, a liveness probe, the 404 answer, and the
password pages of Django with what a new password ends."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.defaults import page_not_found

from . import accounts, roles
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


def not_found(request, exception=None):
    """A path nobody routes: the problem shape under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        body = problem(
            code="not_found", title="Not found", status=404, detail="No such address in the API."
        )
        return JsonResponse(body, status=404)
    return page_not_found(request, exception)


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


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page behind the emailed link; the new password revokes the user's API tokens."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            accounts.password_changed(user=form.user)
        return response
