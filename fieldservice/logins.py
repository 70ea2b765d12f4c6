"""Guards on signing in, for the login page, the admin's and the API's token endpoint alike.

- django-axes locks one username at one address after AXES_FAILURE_LIMIT wrong passwords, so a
  stranger cannot lock a dispatcher out from elsewhere, and one bad neighbour behind a shared
  address locks nobody else. The lock lasts LOGIN_LOCKOUT_MINUTES and doubles with each further
  lock of the same pair within a day (at most a day).
- A higher count per username, in the shared cache, only slows an attack spread over many
  addresses: past LOGIN_USERNAME_FAILURE_LIMIT failures in LOGIN_USERNAME_WINDOW_MINUTES the
  username is refused with a 429 until the window closes; it never locks for longer.
- Resetting (or changing) the password lifts both for the real user.
- The client's address is read through TRUSTED_PROXIES proxies, the same way for axes and for
  the API's throttles (DRF's NUM_PROXIES): an X-Forwarded-For the client wrote is ignored.

The guards follow AXES_ENABLED, the one switch for all of them.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt, AccessAttemptExpiration
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import signals as auth_signals
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import throttling

from .api import problem

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LONGEST_LOCK = timedelta(hours=24)
STRIKES_KEPT = 24 * 3600  # seconds a pair's earlier locks count towards the next one's length


def client_address(request: HttpRequest) -> str | None:
    """The address a request comes from: REMOTE_ADDR, or, behind TRUSTED_PROXIES proxies, the
    one the outermost of them saw. DRF's reading (NUM_PROXIES is TRUSTED_PROXIES), so axes and
    the API's throttles always agree on who is asking."""
    # get_ident reads only request.META, which a Django request carries as DRF's does.
    return throttling.BaseThrottle().get_ident(request)  # type: ignore[arg-type]


def _key(kind: str, username: str) -> str:
    # Hashed: a username is whatever a client typed, and cache keys must stay short and plain.
    return f"signin:{kind}:{hashlib.sha256(username.encode()).hexdigest()}"


def _username(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    username = getattr(request, "login_username", None)
    if username is None:
        credentials = getattr(request, "axes_credentials", None) or {}
        username = credentials.get("username") or request.POST.get("username")
    return username


def _lock_length(strikes: int) -> timedelta:
    base = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    return min(base * 2 ** max(strikes - 1, 0), LONGEST_LOCK)


def _strikes(username: str | None, address: str | None) -> int:
    if not username or not address:
        return 0
    return cache.get(_key("strikes", username), {}).get(address, 0)


def cool_off(request: HttpRequest | None) -> timedelta:
    """AXES_COOLOFF_TIME: how long this username at this address stays locked, the longer the
    more often the pair was locked within a day. Also how long failures count towards a lock."""
    address = getattr(request, "axes_ip_address", None) if request is not None else None
    return _lock_length(_strikes(_username(request), address))


def _failures(username: str) -> int:
    return cache.get(_key("failures", username), 0)


def username_throttled(username: str) -> bool:
    return _failures(username) >= settings.LOGIN_USERNAME_FAILURE_LIMIT


def throttle_message() -> str:
    return _(
        "Too many failed sign-ins for this account. Wait %(minutes)d minutes and try again, "
        "or reset your password."
    ) % {"minutes": settings.LOGIN_USERNAME_WINDOW_MINUTES}


class SignInGuard(AxesStandaloneBackend):
    """The first authentication backend: axes' lock of the (username, address) pair, then the
    per-username throttle. It signs nobody in; the backends after it do."""

    def authenticate(self, request: HttpRequest, username: str | None = None, **kwargs: Any):
        if request is not None:
            request.login_username = username  # type: ignore[attr-defined]  # for cool_off
        super().authenticate(request, username=username, **kwargs)
        if settings.AXES_ENABLED and username and username_throttled(username):
            if request is not None:
                request.login_throttled = True  # type: ignore[attr-defined]
            raise PermissionDenied("too many failed sign-ins for this username")


@receiver(auth_signals.user_login_failed, dispatch_uid="fieldservice.logins.count_failure")
def _count_failure(sender: object, credentials: dict, request: HttpRequest | None = None, **kw):
    """One more failure for the username, unless the password was not even tried (refused by
    a lock or by this throttle): those say nothing new about the account."""
    username = credentials.get("username")
    if not settings.AXES_ENABLED or not username:
        return
    if getattr(request, "axes_locked_out", False) or getattr(request, "login_throttled", False):
        return
    key = _key("failures", username)
    window = settings.LOGIN_USERNAME_WINDOW_MINUTES * 60
    if not cache.add(key, 1, window):
        try:
            cache.incr(key)
        except ValueError:  # the window closed between the two calls
            cache.add(key, 1, window)


@receiver(user_locked_out, dispatch_uid="fieldservice.logins.lengthen_lock")
def _lengthen_lock(sender: object, request: HttpRequest | None, username: str | None, **kw):
    """A new lock of a pair (not a refusal during one) is a strike: this lock lasts as long as
    its strikes say, and the pair's attempts expire then."""
    address = kw.get("ip_address")
    if request is None or not username or not address:
        return
    if getattr(request, "axes_failures_since_start", None) is None:
        return  # axes refused a try during the lock; it recorded nothing new
    key = _key("strikes", username)
    strikes = cache.get(key, {})
    strikes[address] = strikes.get(address, 0) + 1
    cache.set(key, strikes, STRIKES_KEPT)
    until = request.axes_attempt_time + _lock_length(strikes[address])  # type: ignore[attr-defined]
    AccessAttemptExpiration.objects.filter(
        access_attempt__username=username, access_attempt__ip_address=address
    ).update(expires_at=until)


def _locked_until(request: HttpRequest) -> datetime:
    expiry = (
        AccessAttempt.objects.filter(
            username=_username(request), ip_address=getattr(request, "axes_ip_address", None)
        )
        .order_by("-expiration__expires_at")
        .values_list("expiration__expires_at", flat=True)
        .first()
    )
    return expiry or timezone.now() + cool_off(request)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: what a locked (username, address) pair is told, a 429 in the
    API's problem shape under /api/ and the login page elsewhere."""
    wait = max((_locked_until(request) - timezone.now()).total_seconds(), 60)
    message = _(
        "Too many failed sign-ins for this account from your address. Try again in "
        "%(minutes)d minutes, or reset your password."
    ) % {"minutes": math.ceil(wait / 60)}
    if request.path.startswith("/api/"):
        body = problem(code="locked_out", title=_("Locked out"), status=429, detail=message)
        response: HttpResponse = JsonResponse(body, status=429)
    else:
        messages.error(request, message)
        response = render(
            request, "registration/login.html", {"form": AuthenticationForm(request)}, status=429
        )
    response["Retry-After"] = str(math.ceil(wait))
    return response


def forget_failures(*, user: User) -> None:
    """Lift every guard on the user's username: axes' locks at every address, their strikes
    and the per-username count. For when the real user proves who they are (a new password)."""
    username = user.get_username()
    reset(username=username)
    cache.delete_many([_key("failures", username), _key("strikes", username)])
