"""Template context shared by every page."""

from __future__ import annotations

from . import roles as role_checks


def roles(request) -> dict[str, bool]:
    """Which roles the signed-in user holds, for menus."""
    user = getattr(request, "user", None)
    return {
        "is_dispatcher": role_checks.has_role(user, role_checks.DISPATCHER),
        "is_technician": role_checks.has_role(user, role_checks.TECHNICIAN),
        "is_customer": role_checks.has_role(user, role_checks.CUSTOMER),
        "is_manager": role_checks.is_manager(user),
        "is_workshop": role_checks.is_workshop_staff(user),
    }
