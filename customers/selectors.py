"""Customers and what they own, scoped by who asks (pages and API alike).

Dispatchers see all; a customer sees their own; a technician sees the customers, sites and
appliances behind their own visits. Lookups go through the reverse relations by name, so this
app imports nothing from the apps above it."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fieldservice import roles

from .models import Appliance, Contact, Customer, Site
from .phones import e164

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def customers_for(user: User) -> QuerySet[Customer]:
    return roles.scoped(
        Customer.objects.all(),
        user,
        customer="pk",
        technician="tickets__visits__technician",
        distinct=True,
    )


def sites_for(user: User) -> QuerySet[Site]:
    return roles.scoped(
        Site.objects.select_related("customer"),
        user,
        customer="customer",
        technician="tickets__visits__technician",
        distinct=True,
    )


def appliances_for(user: User) -> QuerySet[Appliance]:
    return roles.scoped(
        Appliance.objects.select_related("model", "site__customer"),
        user,
        customer="site__customer",
        technician="tickets__visits__technician",
        distinct=True,
    )


def logins_deactivated(customer: Customer) -> bool:
    """True when the customer had portal logins (contacts) and every one was deactivated:
    the links emailed to them stop working. A customer without a login (one who only ever
    phoned) keeps theirs."""
    contacts = Contact.objects.filter(customer=customer)
    return contacts.exists() and not contacts.filter(user__is_active=True).exists()


def contacts_of(customer: Customer) -> QuerySet[Contact]:
    """The organization's contacts with their users, administrators first, then by name."""
    return (
        Contact.objects.filter(customer=customer)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name", "user__email", "pk")
    )


def search_customers(*, q: str, limit: int = 10) -> QuerySet[Customer]:
    """Customers by name, phone (in any format: matched in E.164 after reading it in the
    company's country), email, address (street, city or postal code of a site) or an
    appliance's serial number, as an agent types. Every word must match somewhere, so
    "rossi roma" finds the Rossi in Rome. Nothing for fewer than 2 characters, or for control
    characters (a null one PostgreSQL cannot compare; the page refuses them by name). A client
    company is also found by one of its contacts' name, email address or phone. The result carries
    its sites, appliances and contacts: the queries do not grow with the customers."""
    q = " ".join(q.split())
    if len(q) < 2 or has_control_characters(q):
        return Customer.objects.none()
    match = (
        Q(name__icontains=q)
        | Q(email__icontains=q)
        # A client company's caller is one of its contacts: found by their name or address.
        | Q(contacts__user__email__icontains=q)
        | Q(contacts__user__first_name__icontains=q)
        | Q(contacts__user__last_name__icontains=q)
        | Q(sites__appliances__serial_number__iexact=q)
        | Q(sites__address__icontains=q)
        | Q(sites__city__iexact=q)
        | Q(sites__postal_code__iexact=q)
    )
    words = q.split(" ")
    if len(words) > 1:
        every_word = Q()
        for word in words:
            every_word &= (
                Q(name__icontains=word)
                | Q(contacts__user__first_name__icontains=word)
                | Q(contacts__user__last_name__icontains=word)
                | Q(sites__address__icontains=word)
                | Q(sites__city__icontains=word)
                | Q(sites__postal_code__iexact=word)
            )
        match |= every_word
    number = e164(q)
    if number:
        match |= Q(phone=number) | Q(contacts__phone=number)
    digits = "".join(ch for ch in q if ch.isascii() and ch.isdigit())
    if len(digits) >= 4:
        match |= Q(phone__contains=digits) | Q(contacts__phone__contains=digits)
    found = Customer.objects.filter(match).values("pk").distinct()
    return Customer.objects.filter(pk__in=found[:limit]).prefetch_related(
        "sites__appliances__model",
        models.Prefetch("contacts", queryset=Contact.objects.select_related("user")),
    )


def search_contacts(*, q: str, limit: int = 10) -> QuerySet[Contact]:
    """The client companies' contacts a caller may be, by the person's name (every word must
    match their first or last name, so "anna verdi" finds Anna Verdi), email address or phone
    (in any format, as search_customers reads it); the same refusals as search_customers.
    Each comes with their user and their organization's sites, appliances and models: the
    queries do not grow with the contacts found."""
    q = " ".join(q.split())
    if len(q) < 2 or has_control_characters(q):
        return Contact.objects.none()
    name = Q()
    for word in q.split(" "):
        name &= Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
    match = name | Q(user__email__icontains=q)
    number = e164(q)
    if number:
        match |= Q(phone=number)
    digits = "".join(ch for ch in q if ch.isascii() and ch.isdigit())
    if len(digits) >= 4:
        match |= Q(phone__contains=digits)
    return (
        Contact.objects.filter(match, user__is_active=True, customer__kind=Customer.Kind.COMPANY)
        .select_related("user", "customer")
        .prefetch_related("customer__sites__appliances__model")
        .order_by("user__last_name", "user__first_name", "customer__name", "pk")[:limit]
    )


def has_control_characters(text: str) -> bool:
    """Whether `text` holds a control character other than the whitespace a paste brings."""
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text)


# How alike two normalised names must be (difflib's ratio) to be taken for the same person at
# the same address: "Rossi Mario" and "Mario Rosi" pass, "Maria Rossi" and "Marco Rossi" not.
NAME_LIKENESS = 0.85


class DuplicateReason(models.TextChoices):
    PHONE = "phone", _("same phone number")
    EMAIL = "email", _("same email address")
    NAME_AT_ADDRESS = "name_at_address", _("a near-identical name at the same address")


@dataclass(frozen=True)
class Duplicate:
    """A customer who may be the caller being added, with why."""

    customer: Customer
    reasons: tuple[DuplicateReason, ...]

    @property
    def reason_labels(self) -> list[str]:
        return [str(reason.label) for reason in self.reasons]


def normalised(text: str) -> str:
    """`text` compared without case, accents, punctuation or word order: "Rossi, Mario" and
    "mario ROSSÌ" are both "mario rossi"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(sorted(re.findall(r"\w+", plain)))


def _near_identical(a: str, b: str) -> bool:
    return bool(a) and difflib.SequenceMatcher(None, a, b).ratio() >= NAME_LIKENESS


def likely_duplicates(
    *,
    name: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    city: str = "",
    postal_code: str = "",
    limit: int = 5,
) -> list[Duplicate]:
    """Customers who may already be the caller about to be added: the same phone number
    (E.164), the same email address (in any case), or a near-identical name (normalised, see
    `normalised`, and NAME_LIKENESS) at the same address (the normalised street, and the same
    city or postal code). Strongest first; each with its reasons. The queries do not grow with
    the customers found."""
    reasons: dict[int, list[DuplicateReason]] = {}

    def add(pks: Iterable[int], reason: DuplicateReason) -> None:
        for pk in pks:
            reasons.setdefault(pk, []).append(reason)

    number = e164(phone)
    if number:
        add(
            Customer.objects.filter(phone=number).values_list("pk", flat=True),
            DuplicateReason.PHONE,
        )
    email = email.strip()
    if email and not has_control_characters(email):
        add(
            Customer.objects.filter(email__iexact=email).values_list("pk", flat=True),
            DuplicateReason.EMAIL,
        )
    add(_same_name_at_address(name, address, city, postal_code), DuplicateReason.NAME_AT_ADDRESS)
    if not reasons:
        return []
    ranked = sorted(reasons, key=lambda pk: (-len(reasons[pk]), pk))[:limit]
    customers = Customer.objects.filter(pk__in=ranked).prefetch_related("sites__appliances__model")
    by_pk = {customer.pk: customer for customer in customers}
    return [Duplicate(by_pk[pk], tuple(reasons[pk])) for pk in ranked if pk in by_pk]


# Sites compared in Python at most: the street's house number (or else the city or postal
# code) narrows them in the database first.
ADDRESS_CANDIDATES = 500


def _same_name_at_address(name: str, address: str, city: str, postal_code: str) -> set[int]:
    name_n, street_n = normalised(name), normalised(address)
    city_n, postal_n = normalised(city), normalised(postal_code)
    if not (name_n and street_n and (city_n or postal_n)) or has_control_characters(
        name + address + city + postal_code
    ):
        return set()
    numbers = re.findall(r"\d+", address)
    if numbers:
        near = Q(address__contains=max(numbers, key=len))
    else:
        near = Q(city__iexact=city.strip()) if city_n else Q()
        if postal_n:
            near |= Q(postal_code__iexact=postal_code.strip())
    sites = Site.objects.filter(near).values_list(
        "customer_id", "customer__name", "address", "city", "postal_code"
    )[:ADDRESS_CANDIDATES]
    found = set()
    for customer_id, their_name, their_street, their_city, their_postal in sites:
        same_place = normalised(their_street) == street_n and (
            (city_n and normalised(their_city) == city_n)
            or (postal_n and normalised(their_postal) == postal_n)
        )
        if same_place and _near_identical(name_n, normalised(their_name)):
            found.add(customer_id)
    return found
