"""Each person's own choice of channels, quiet hours and mobile number, and unsubscribing by
the signed link in an email."""

from __future__ import annotations

import datetime

import phonenumbers
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext
from phonenumber_field.phonenumber import PhoneNumber, to_python

from customers.models import Customer
from customers.selectors import logins_deactivated
from fieldservice.errors import InvalidInput
from fieldservice.links import read_signed_id
from technicians.models import Technician

from ..models import Preference
from .links import UNSUBSCRIBE_SALT


def unsubscribe(*, token: str) -> None:
    """Stop email to the customer the signed token names (works without logging in, but not
    once the customer's portal login is deactivated)."""
    try:
        customer_id = read_signed_id(token, salt=UNSUBSCRIBE_SALT, key="customer")
    except signing.BadSignature as exc:
        raise InvalidInput(gettext("This unsubscribe link is not valid.")) from exc
    with transaction.atomic():
        # Locked so the customer cannot be deleted between this check and the write.
        customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
        if customer is None or logins_deactivated(customer):
            raise InvalidInput(gettext("This unsubscribe link is not valid."))
        Preference.objects.update_or_create(customer_id=customer_id, defaults={"email": False})


def set_preferences(
    *,
    customer: Customer | None = None,
    technician: Technician | None = None,
    email: bool,
    sms: bool,
    quiet_from: datetime.time | None,
    quiet_until: datetime.time | None,
    phone: str | None = None,
) -> Preference:
    """A customer's or technician's own choice of channels and quiet hours, and the mobile
    number SMS go to (None leaves it as it is, "" removes it)."""
    if (customer is None) == (technician is None):
        raise InvalidInput(gettext("Preferences belong to one customer or one technician."))
    person = customer if customer is not None else technician
    assert person is not None  # exactly one of the two, checked above
    if (quiet_from is None) != (quiet_until is None):
        raise InvalidInput(
            gettext("Give both ends of the quiet hours, or neither."), field="quiet_from"
        )
    if quiet_from is not None and quiet_from == quiet_until:
        raise InvalidInput(
            gettext("Quiet hours must not start and end at the same time."), field="quiet_from"
        )
    number = person.phone if phone is None else _mobile_number(phone)
    if sms and not number:
        raise InvalidInput(gettext("To get SMS, give your mobile number."), field="phone")
    if (
        sms
        and isinstance(number, PhoneNumber)  # "" with SMS was refused just above
        and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE
    ):
        raise InvalidInput(
            gettext("This is a landline number, which cannot receive SMS: give a mobile one."),
            field="phone",
        )
    owner = {"customer": customer} if customer is not None else {"technician": technician}
    with transaction.atomic():
        if phone is not None and number != person.phone:
            person.phone = number
            person.save(update_fields=["phone"])
        preference, _created = Preference.objects.update_or_create(
            **owner,
            defaults={
                "email": email,
                "sms": sms,
                "quiet_from": quiet_from,
                "quiet_until": quiet_until,
            },
        )
    return preference


def _mobile_number(text: str) -> PhoneNumber | str:
    """An E.164 number from what a person typed, or "" for nothing typed."""
    if not text.strip():
        return ""
    number = to_python(text.strip())
    if number is None or not number.is_valid():
        raise InvalidInput(
            gettext("Enter the mobile number with its country code, like +39 312 345 6789."),
            field="phone",
        )
    return number
