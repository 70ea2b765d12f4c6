"""Template context shared by every page."""

from __future__ import annotations

from . import roles as role_checks


def roles(request) -> dict[str, object]:
    """Which roles the signed-in user holds, for menus; for a client's contact, the contact
    in use (its organization and role)."""
    user = getattr(request, "user", None)
    is_customer = role_checks.has_role(user, role_checks.CUSTOMER)
    contact = role_checks.acting_contact(user) if is_customer else None
    return {
        "acting_contact": contact,
        "is_contact_administrator": contact is not None
        and contact.role == role_checks.ADMINISTRATOR,
        "is_dispatcher": role_checks.has_role(user, role_checks.DISPATCHER),
        "is_technician": role_checks.has_role(user, role_checks.TECHNICIAN),
        "is_customer": is_customer,
        "is_manager": role_checks.is_manager(user),
        "is_workshop": role_checks.is_workshop_staff(user),
    }
