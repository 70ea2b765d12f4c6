"""An organization's contacts, one row each: the organization (a customer, by its external id
or email address), the person's email address, name and phone, and their role there. A
contact is found again by the organization and the email address; a person with no login yet
gets one as customers.services.add_contact gives it (no password: they set it through
"Forgot your password?"), so importing the same file again changes nothing."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Contact
from fieldservice import roles

from . import owners, people
from .base import Geocoder, Imported, Kind, Numbers, Row, phone, too_long

COLUMNS = (
    owners.ID,
    owners.EMAIL,
    "email",
    "first_name",
    "last_name",
    "phone",
    "role",
)
EXAMPLE = {
    owners.ID: "C-2001",
    owners.EMAIL: "office@rossi-legal.example.com",
    "email": "anna.neri@rossi-legal.example.com",
    "first_name": "Anna",
    "last_name": "Neri",
    "phone": "+39 06 9876 5432",
    "role": "approver",
}
NAME_LENGTH = 150  # the user's first and last name


def _users(emails: set[str]) -> dict[str, Any]:
    """The users the rows name, with their groups' names (a staff address is refused)."""
    return people.users(emails, query=get_user_model().objects.prefetch_related("groups"))


def _is_staff(user: Any) -> bool:
    names = {g.name for g in user.groups.all()}
    return bool(names & {roles.DISPATCHER, roles.TECHNICIAN}) or user.is_staff


def check(rows: list[Row]) -> None:
    """Every row's errors by column: the organization unknown, the email address invalid, a
    staff member's or given twice for one organization, the phone or the role not valid, or
    the organization left without an administrator."""
    known = owners.customers(rows)
    users = _users({r.values["email"].lower() for r in rows if r.values["email"]})
    seen: dict[tuple[int, str], int] = {}
    numbers: Numbers = {}
    for row in rows:
        v = row.values
        customer = owners.check_customer(row, known)
        for column in ("first_name", "last_name"):
            too_long(row, column, NAME_LENGTH)
        v["email"] = v["email"].lower()
        if v["email"]:
            _check_email(row, customer, users, seen)
        phone(row, numbers)
        v["role"] = v["role"].lower() or None
        if v["role"] and v["role"] not in Contact.Role.values:
            row.error("role", _("Write “requester”, “approver” or “administrator”."))
    _check_administrators(rows, users)


def _check_email(
    row: Row, customer: Any, users: dict[str, Any], seen: dict[tuple[int, str], int]
) -> None:
    v = row.values
    try:
        validate_email(v["email"])
    except ValidationError:
        row.error("email", _("That email address is not valid."))
        return
    user = users.get(v["email"])
    if user is not None and _is_staff(user):
        row.error(
            "email", _("This address belongs to one of our staff: use the contact's own address.")
        )
    row.found["user"] = user
    if customer is None:
        return
    first = seen.setdefault((customer.pk, v["email"]), row.line)
    if first != row.line:
        row.error(
            "email",
            _("Duplicate email: line %(line)s has this address for this organization.")
            % {"line": first},
        )


def _check_administrators(rows: list[Row], users: dict[str, Any]) -> None:
    """A row may not take the administrator's role from an organization's last one (as
    customers.services.change_contact_role refuses): the organization would be left with
    nobody to keep its contacts."""
    customer_ids = {r.found["customer"].pk for r in rows if r.found.get("customer")}
    if not customer_ids:
        return
    admins: dict[int, set[int]] = defaultdict(set)
    for customer_id, user_id in Contact.objects.filter(
        customer_id__in=customer_ids, role=Contact.Role.ADMINISTRATOR
    ).values_list("customer_id", "user_id"):
        admins[customer_id].add(user_id)
    demoting: dict[int, list[Row]] = defaultdict(list)
    promoted: set[int] = set()
    for row in rows:
        customer, user, role = row.found.get("customer"), row.found.get("user"), row.values["role"]
        if customer is None or role is None:
            continue
        if role == Contact.Role.ADMINISTRATOR:
            promoted.add(customer.pk)
        elif user is not None and user.pk in admins[customer.pk]:
            demoting[customer.pk].append(row)
    for customer_id, demoted in demoting.items():
        if customer_id in promoted:
            continue
        if admins[customer_id] <= {row.found["user"].pk for row in demoted}:
            for row in demoted:
                row.error(
                    "role",
                    _(
                        "The organization needs an administrator: make another contact "
                        "administrator first."
                    ),
                )


def write(rows: list[Row], result: Imported, geocoder: Geocoder) -> None:
    """The rows' users (new ones without a password, in the customers' group), then their
    contacts, each read once and written in bulk."""
    User = get_user_model()  # noqa: N806 - the model, named as Django names it
    users = _users({r.values["email"] for r in rows})
    new_users = people.write_users(rows, users)
    # Every row's person is in the customers' group, as add_contact puts them (a plain user
    # who becomes a contact too); a row already in it adds nothing.
    group, _created = Group.objects.get_or_create(name=roles.CUSTOMER)
    persons = {users[r.values["email"]].pk for r in rows}
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=pk, group_id=group.pk) for pk in sorted(persons)],
        ignore_conflicts=True,
    )
    result.add("logins_added", len(new_users))
    _write_contacts(rows, users, result)


def _write_contacts(rows: list[Row], users: dict[str, Any], result: Imported) -> None:
    pairs = {(users[r.values["email"]].pk, r.found["customer"].pk) for r in rows}
    known = {
        (c.user_id, c.customer_id): c
        for c in Contact.objects.filter(
            user_id__in={u for u, _c in pairs}, customer_id__in={c for _u, c in pairs}
        )
    }
    new: list[Contact] = []
    changed: dict[int, Contact] = {}
    for row in rows:
        v = row.values
        key = (users[v["email"]].pk, row.found["customer"].pk)
        contact = known.get(key)
        if contact is None:
            contact = Contact(
                user_id=key[0],
                customer_id=key[1],
                role=v["role"] or Contact.Role.REQUESTER,
                phone=v["phone"],
            )
            known[key] = contact
            new.append(contact)
            continue
        given = {"role": v["role"], "phone": v["phone"]}
        for name, value in given.items():
            if value and str(getattr(contact, name) or "") != value:
                setattr(contact, name, value)
                if contact.pk is not None:
                    changed[contact.pk] = contact
    Contact.objects.bulk_create(new)
    Contact.objects.bulk_update(list(changed.values()), ["role", "phone"])
    result.add("contacts_added", len(new))
    result.add("contacts_changed", len(changed))


KIND = Kind(
    name="contacts",
    label=gettext_lazy("Import contacts"),
    description=gettext_lazy(
        "An organization's contacts, one row each, from a CSV (UTF-8) or XLSX file: the "
        "organization by its external id or email address, the person's email address, name, "
        "phone and role (requester, approver or administrator). A contact is found again by "
        "the organization and the email address: importing the same file twice changes "
        "nothing. New contacts sign in after setting a password through “Forgot your "
        "password?”."
    ),
    columns=COLUMNS,
    required=("email",),
    example=EXAMPLE,
    key=(owners.ID, owners.EMAIL, "email"),
    check=check,
    write=write,
    counts=(
        ("contacts_added", gettext_lazy("Contacts added")),
        ("contacts_changed", gettext_lazy("Contacts changed")),
        ("logins_added", gettext_lazy("Portal logins added")),
    ),
)
