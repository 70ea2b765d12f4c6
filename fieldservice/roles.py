"""The three roles (Django groups) and the checks pages and services use to tell them apart."""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

DISPATCHER = "dispatcher"
TECHNICIAN = "technician"
CUSTOMER = "customer"
ROLES = (DISPATCHER, TECHNICIAN, CUSTOMER)


def has_role(user: AbstractBaseUser | AnonymousUser | None, role: str) -> bool:
    """True when the user is active and in the role's group (superusers act as dispatchers)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if role == DISPATCHER and user.is_superuser:
        return True
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_cache = cache
    return role in cache


def role_required(role: str):
    """Page decorator: log in first, then 403 for anyone outside the role."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


dispatcher_required = role_required(DISPATCHER)
technician_required = role_required(TECHNICIAN)
customer_required = role_required(CUSTOMER)
