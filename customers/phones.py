"""Phone numbers as callers and agents type them, read in the company's country: "06 1234 5678",
"+39 06 12345678" and "0039 06 1234 5678" are one number, stored and matched in E.164."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from phonenumber_field.phonenumber import PhoneNumber


def company_region() -> str:
    return settings.FIELDSERVICE.get("COUNTRY") or "IT"


def parse_phone(raw: str) -> phonenumbers.PhoneNumber | None:
    """The number `raw` spells, read in the company's country, or None when it is not a
    valid number there or anywhere (an international prefix names the country)."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, company_region())
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164(raw: str) -> str:
    """`raw` in E.164 ("+390612345678"), or "" when it is not a valid number."""
    number = parse_phone(raw)
    if number is None:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Checked(PhoneNumber):
    """A number parse_phone found valid, as a PhoneNumberField takes it: the field neither
    parses it again when it is assigned nor validates it again when it is saved (an import
    writes tens of thousands of them, each already checked)."""

    def is_valid(self) -> bool:
        return True


def checked(number: phonenumbers.PhoneNumber) -> Checked:
    """parse_phone's (valid) number, to assign to a PhoneNumberField without a second
    parse or validation."""
    found = Checked()
    found.merge_from(number)
    return found
