"""The three roles (Django groups), the checks pages and services use to tell them apart, and
the one rule for which rows each role may see."""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, TypeGuard

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet

DISPATCHER = "dispatcher"
TECHNICIAN = "technician"
CUSTOMER = "customer"
ROLES = (DISPATCHER, TECHNICIAN, CUSTOMER)

# The support tiers' groups (created by a migration of tickets): escalation to a tier notifies
# its group's members. The office manager says who is in which in the back office.
TIER_GROUPS = {1: "Tier 1", 2: "Tier 2", 3: "Tier 3"}

# Bench technicians: technicians who also work in the workshop (a group created by a migration
# of depot, kept in the back office). They and dispatchers see the workshop's queue.
WORKSHOP_GROUP = "Workshop"


def has_role(user: User | AnonymousUser | None, role: str) -> TypeGuard[User]:
    """True when the user is active and in the role's group (superusers act as dispatchers)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if role == DISPATCHER and user.is_superuser:
        return True
    return role in _groups(user)


# Where each role starts after signing in, in this order for a user in several groups.
LANDINGS = ((DISPATCHER, "dispatch:board"), (TECHNICIAN, "tech:today"), (CUSTOMER, "portal:home"))


def landing(user: User | AnonymousUser | None) -> str | None:
    """The name of the page a signed-in user starts on: their role's own (the board, My day,
    the portal), the back office for staff in no role (superusers included, who act as
    dispatchers but are the back office first), or None for a user with no role yet."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    for role, page in LANDINGS:
        if role in _groups(user):
            return page
    return "admin:index" if user.is_staff else None


def _groups(user: User) -> set[str]:
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_cache = cache  # type: ignore[attr-defined]  # per-request, on the user object
    return cache


# A customer's user acts as one of their contacts (customers.Contact: a role in an organization,
# a customer). The roles a contact may have there, as customers.Contact.Role spells them.
REQUESTER = "requester"
APPROVER = "approver"
ADMINISTRATOR = "administrator"


def contact_for(user: User | AnonymousUser | None, customer_id: object = None):
    """The user's live contact row in the organization `customer_id`, or in their first
    organization (by name) when none is named; None when they are no contact there. Read
    through the reverse relation by name, so this module imports nothing from customers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    contacts = user.contacts.select_related("customer").order_by("customer__name", "customer_id")
    if customer_id is not None:
        try:
            contacts = contacts.filter(customer_id=int(str(customer_id)))
        except ValueError:
            return None
    return contacts.first()


def act_as(user: User, contact) -> None:
    """For the rest of this request `user` acts as `contact` (customers.access chooses it)."""
    user._acting_contact = contact  # type: ignore[attr-defined]  # per-request, on the user


def acting_contact(user: User | AnonymousUser | None):
    """The contact a customer's user acts as in this request: the organization in use that
    customers.access chose (from the session's switcher, or the API's X-Organization), else
    their first organization's; None for a user who is nobody's contact."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_acting_contact"):
        act_as(user, contact_for(user))
    return getattr(user, "_acting_contact", None)


def acting_customer(user: User | AnonymousUser | None):
    """The organization (customers.Customer) a customer's user acts for now, or None."""
    contact = acting_contact(user) if has_role(user, CUSTOMER) else None
    return contact.customer if contact is not None else None


def scoped(
    qs: QuerySet,
    user: User | AnonymousUser | None,
    *,
    technician: str | None = None,
    customer: str | None = None,
    requester: str | None = None,
    distinct: bool = False,
) -> QuerySet:
    """The rows of `qs` a user may see: all for dispatchers; for a technician those where the
    lookup `technician` names them, for a customer's contact those where `customer` names the
    organization in use (and, with a `requester` lookup, a requester only those it names them
    in: the tickets they requested); none for a role without a lookup or a user without a role.
    `distinct` when the technician's lookup crosses a many-valued relation (a customer has many
    visits)."""
    if has_role(user, DISPATCHER):
        return qs
    if technician and has_role(user, TECHNICIAN) and hasattr(user, "technician"):
        mine = qs.filter(**{technician: user.technician.pk})
        return mine.distinct() if distinct else mine
    if customer and has_role(user, CUSTOMER):
        contact = acting_contact(user)
        if contact is None:
            return qs.none()
        mine = qs.filter(**{customer: contact.customer_id})
        if requester and contact.role == REQUESTER:
            mine = mine.filter(**{requester: user.pk})
        return mine
    return qs.none()


def is_contact(user: User | AnonymousUser | None, *contact_roles: str) -> TypeGuard[User]:
    """A customer's user acting as a contact (in one of `contact_roles`, when given)."""
    if not has_role(user, CUSTOMER):
        return False
    contact = acting_contact(user)
    return contact is not None and (not contact_roles or contact.role in contact_roles)


def contact_required(*contact_roles: str):
    """Page decorator for the portal: log in first, then 403 for anyone who is not acting as a
    contact of an organization (in one of `contact_roles`, when given)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not is_contact(request.user, *contact_roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def may_edit_staff_records(user: User | AnonymousUser | None) -> TypeGuard[User]:
    """Staff write what dispatchers only read (training records): a dispatcher who is also
    back-office staff (is_staff), or a superuser."""
    return has_role(user, DISPATCHER) and (user.is_staff or user.is_superuser)


def is_manager(user: User | AnonymousUser | None) -> TypeGuard[User]:
    """The office's managers, who see how the business is doing (insights: revenue, margins,
    every technician's utilization): a dispatcher who is also back-office staff (is_staff), or
    a superuser. A plain dispatcher runs the day, not the books."""
    return has_role(user, DISPATCHER) and (user.is_staff or user.is_superuser)


def manager_required(view):
    """Page decorator for the managers' pages: log in first, then 403 for anyone else."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_manager(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


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


def is_desk_staff(user: User | AnonymousUser | None) -> TypeGuard[User]:
    """Dispatchers, and the back office (is_staff) that keeps the catalog."""
    if has_role(user, DISPATCHER):
        return True
    return user is not None and user.is_authenticated and user.is_active and user.is_staff


def desk_staff_required(view):
    """Page decorator for the knowledge base's pages: log in first, then 403 for anyone who is
    neither a dispatcher nor staff."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_desk_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def is_workshop_staff(user: User | AnonymousUser | None) -> TypeGuard[User]:
    """Dispatchers, and technicians in the workshop's group (bench technicians)."""
    if has_role(user, DISPATCHER):
        return True
    return has_role(user, TECHNICIAN) and WORKSHOP_GROUP in _groups(user)


def workshop_required(view):
    """Page decorator for the workshop's pages: log in first, then 403 for anyone who is
    neither a dispatcher nor a bench technician."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_workshop_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


dispatcher_required = role_required(DISPATCHER)
technician_required = role_required(TECHNICIAN)
# A customer's page: a contact of the organization in use, in any role.
customer_required = contact_required()
administrator_required = contact_required(ADMINISTRATOR)
