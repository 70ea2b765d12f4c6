"""Template context shared by every page."""

from __future__ import annotations

from . import roles as role_checks


def roles(request) -> dict[str, bool]:
    """Which roles the signed-in user holds, for menus, and whether the page is one of the
    knowledge base's."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    return {
        "is_desk_staff": role_checks.is_desk_staff(user),
        "in_kb": bool(
            match and match.namespace == "desk" and (match.url_name or "").startswith("kb")
        ),
        "is_dispatcher": role_checks.has_role(user, role_checks.DISPATCHER),
        "is_technician": role_checks.has_role(user, role_checks.TECHNICIAN),
        "is_customer": role_checks.has_role(user, role_checks.CUSTOMER),
    }
