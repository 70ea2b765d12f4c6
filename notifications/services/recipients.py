"""Who hears of what, where and when: the kinds of message, each person's channels, their
quiet hours, and the settings that tune the outbox."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q

from fieldservice import languages, roles

from ..models import Notification

if TYPE_CHECKING:
    from phonenumber_field.phonenumber import PhoneNumber

    from ..models import Preference

T = TypeVar("T")

Kind = Notification.Kind
CUSTOMER_KINDS = {
    Kind.BOOKING_CONFIRMED,
    Kind.VISIT_SCHEDULED,
    Kind.VISIT_MOVED,
    Kind.REBOOK,
    Kind.VISIT_CANCELLED,
    Kind.REMINDER,
    Kind.EN_ROUTE,
    Kind.COMPLETED,
    Kind.FOLLOW_UP,
}
# Messages of a ticket's conversation: threaded by their Message-ID and References.
THREAD_KINDS = {Kind.TICKET_REPLY, Kind.TICKET_RECEIVED}
CALENDAR_KINDS = {
    Kind.BOOKING_CONFIRMED,
    Kind.VISIT_SCHEDULED,
    Kind.VISIT_MOVED,
    Kind.VISIT_CANCELLED,
}


def config(name: str, default: T) -> T:
    return settings.FIELDSERVICE.get("NOTIFICATIONS", {}).get(name, default)


def after_quiet_hours(
    due: datetime.datetime, preference: Preference | None, tz: ZoneInfo
) -> datetime.datetime:
    """Move a message out of the recipient's quiet hours (local time, may span midnight)."""
    if preference is None or not preference.quiet_from or not preference.quiet_until:
        return due
    local = due.astimezone(tz)
    start, end = preference.quiet_from, preference.quiet_until
    t = local.time()
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return due
    day = local.date() + datetime.timedelta(days=1 if start > end and t >= start else 0)
    return datetime.datetime.combine(day, end, tzinfo=tz)


def channels_of(
    preference: Preference | None, *, email: str, phone: PhoneNumber | str | None
) -> list[tuple[str, str]]:
    """The channels a person chose, each with their address there; none they cannot be reached
    on. Without a preference: email only."""
    wanted = (
        (Notification.Channel.EMAIL, email, preference.email if preference else True),
        (Notification.Channel.SMS, str(phone or ""), preference.sms if preference else False),
    )
    return [(channel, address) for channel, address, want in wanted if want and address]


def staff_language(user: object = None) -> str:
    """The language a member of staff reads their messages in: their own choice, else the
    company's (LANGUAGE_CODE)."""
    return languages.language_of(user) or settings.LANGUAGE_CODE


def staff_languages(user_ids: Iterable[int]) -> dict[int, str]:
    """staff_language for many users in one query: user id -> the language to write in."""
    return {
        pk: language or settings.LANGUAGE_CODE
        for pk, language in languages.languages_of(user_ids).items()
    }


def dispatchers() -> list[tuple[int, str, str]]:
    """Every active dispatcher with an email address, by address: (user id, email, the
    language to write to them in)."""
    found = list(
        User.objects.filter(groups__name="dispatcher", is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("pk", "email")
    )
    language_of = staff_languages([pk for pk, _email in found])
    return [(pk, email, language_of[pk]) for pk, email in found]


def managers() -> list[tuple[int, str, str]]:
    """Every active manager (fieldservice.roles.is_manager: a dispatcher who is office staff,
    or a superuser) with an email address, by address: (user id, email, language)."""
    found = list(
        User.objects.filter(
            Q(groups__name="dispatcher", is_staff=True) | Q(is_superuser=True), is_active=True
        )
        .exclude(email="")
        .distinct()
        .order_by("email")
        .values_list("pk", "email")
    )
    language_of = staff_languages([pk for pk, _email in found])
    return [(pk, email, language_of[pk]) for pk, email in found]


def tier_members(tier: int) -> list[tuple[int, str, str]]:
    """Every active member of a support tier's group with an email address, by address: (user
    id, email, the language to write to them in)."""
    found = list(
        User.objects.filter(groups__name=roles.TIER_GROUPS[tier], is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("pk", "email")
        .distinct()
    )
    language_of = staff_languages([pk for pk, _email in found])
    return [(pk, email, language_of[pk]) for pk, email in found]
