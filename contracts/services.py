"""Writes on contracts: the hour bank's ledger (hours bought, drawn by visits, adjusted), and
the client's escalation contacts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fieldservice.errors import DomainError, InvalidInput

from . import events
from .hours import hours_text
from .models import HourBankEntry, ServiceContract
from .selectors import contract_years

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User
    from moneyed import Money

    from customers.models import Contact

NOTE_LENGTH = HourBankEntry._meta.get_field("note").max_length or 250
# One draw, purchase or adjustment never exceeds this (ten thousand hours): a bigger number is
# a slip (seconds typed for minutes), not a contract.
MAX_MINUTES = 600_000


class NoHourBank(DomainError):
    """The contract has no bank of prepaid hours to draw from or add to."""

    code = "no_hour_bank"


@dataclass(frozen=True)
class DrawResult:
    """What a draw took from the bank and what is left to bill.

    `entry` is the ledger line written (None when the bank was empty and nothing was drawn);
    `drawn_minutes` is what that line takes from the bank (0 without a line); `excess_minutes`
    is the part of the rounded labour the prepaid hours do not cover: bill it at
    `overage_rate` when that is set (overdraft allowed), at the normal rates when it is None.
    Without overdraft, drawn + excess is the rounded labour; with overdraft the line takes it
    all (drawn is the rounded labour) and excess is the part of it below zero."""

    entry: HourBankEntry | None
    drawn_minutes: int
    excess_minutes: int
    overage_rate: Money | None


def rounded_minutes(contract: ServiceContract, minutes: int) -> int:
    """Labour in started billing increments: 31 minutes in quarter hours is 45."""
    increment = max(contract.billing_increment_minutes, 1)
    return -(-minutes // increment) * increment


def _locked_with_bank(contract: ServiceContract) -> ServiceContract:
    if not contract.hour_bank:
        raise NoHourBank(
            _("Contract %(number)s has no bank of prepaid hours.") % {"number": contract.number},
            field="contract",
        )
    return ServiceContract.objects.select_for_update().get(pk=contract.pk)


def _balance(contract: ServiceContract) -> int:
    return HourBankEntry.objects.filter(contract=contract).aggregate(s=Sum("minutes"))["s"] or 0


def _check_minutes(minutes: object, *, positive: bool = True) -> int:
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        raise InvalidInput(_("Minutes must be a whole number."), field="minutes")
    if positive and minutes <= 0:
        raise InvalidInput(_("Minutes must be more than zero."), field="minutes")
    if minutes == 0:
        raise InvalidInput(_("An adjustment of zero minutes changes nothing."), field="minutes")
    if abs(minutes) > MAX_MINUTES:
        raise InvalidInput(
            _("At most %(n)s minutes at a time.") % {"n": MAX_MINUTES}, field="minutes"
        )
    return minutes


def _check_note(note: str, field: str = "note") -> str:
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise InvalidInput(
            _("At most %(n)s characters.") % {"n": NOTE_LENGTH},
            field=field,
        )
    return note


def _check_day(contract: ServiceContract, on: object) -> datetime.date:
    if not isinstance(on, datetime.date):
        raise InvalidInput(_("Enter a valid date."), field="on")
    return on


@transaction.atomic
def draw_hours(
    *,
    contract: ServiceContract,
    minutes: int,
    on: datetime.date,
    note: str,
    by: User | None = None,
) -> DrawResult:
    """Draw a visit's labour from the contract's bank, rounded up to started billing
    increments. The contract row is locked so two draws at once never both spend the last
    hours. Without overdraft the bank goes down to zero at most and the rest is excess at the
    normal rates; with it the line takes everything and what falls below zero is excess at
    the overage rate. Crossing the low-balance threshold sends `events.hour_bank_low`."""
    minutes = _check_minutes(minutes)
    on = _check_day(contract, on)
    note = _check_note(note)
    locked = _locked_with_bank(contract)
    wanted = rounded_minutes(locked, minutes)
    before = _balance(locked)
    available = max(before, 0)
    overage_rate: Money | None = None
    if locked.allow_overdraft:
        drawn = wanted
        excess = max(wanted - available, 0)
        if excess:
            overage_rate = locked.overage_rate  # type: ignore[assignment]  # a Money
    else:
        drawn = min(wanted, available)
        excess = wanted - drawn
    entry = None
    if drawn:
        entry = HourBankEntry.objects.create(
            contract=locked,
            kind=HourBankEntry.Kind.DRAW,
            minutes=-drawn,
            on=on,
            note=note,
            created_by=by,
        )
    after = before - drawn
    if before >= locked.low_balance_minutes > after:
        events.hour_bank_low.send(
            sender=ServiceContract, contract=locked, balance_minutes=after, entry=entry
        )
    return DrawResult(
        entry=entry, drawn_minutes=drawn, excess_minutes=excess, overage_rate=overage_rate
    )


@transaction.atomic
def purchase_hours(
    *,
    contract: ServiceContract,
    minutes: int,
    on: datetime.date,
    note: str = "",
    by: User | None = None,
) -> HourBankEntry:
    """Record hours the customer bought for the bank. An overdraft the bank is in was billed
    already, at the overage rate, visit by visit: it is closed first (an adjustment line back
    to zero), so the hours bought are all the customer's and the overdraft is not paid a
    second time out of them."""
    minutes = _check_minutes(minutes)
    on = _check_day(contract, on)
    note = _check_note(note)
    locked = _locked_with_bank(contract)
    before = _balance(locked)
    if before < 0 and locked.allow_overdraft:
        HourBankEntry.objects.create(
            contract=locked,
            kind=HourBankEntry.Kind.ADJUSTMENT,
            minutes=-before,
            on=on,
            note=_("Overdraft of %(hours)s billed at the overage rate; closed before the purchase.")
            % {"hours": hours_text(-before)},
            created_by=by,
        )
    return HourBankEntry.objects.create(
        contract=locked,
        kind=HourBankEntry.Kind.PURCHASE,
        minutes=minutes,
        on=on,
        note=note,
        created_by=by,
    )


@transaction.atomic
def extend_contract(
    *, contract: ServiceContract, ends_on: datetime.date, by: User | None = None
) -> ServiceContract:
    """Move a contract's end later; its renewal reminder is sent again before the new end
    (ServiceContract.save forgets the one sent for the old end)."""
    locked = ServiceContract.objects.select_for_update().get(pk=contract.pk)
    if not isinstance(ends_on, datetime.date) or ends_on <= locked.ends_on:
        raise InvalidInput(
            _("The new end must be after %(end)s.") % {"end": locked.ends_on}, field="ends_on"
        )
    locked.ends_on = ends_on
    locked._history_user = by  # type: ignore[attr-defined]
    locked.save()
    return locked


@transaction.atomic
def adjust_hours(
    *,
    contract: ServiceContract,
    minutes: int,
    on: datetime.date,
    reason: str,
    by: User | None = None,
) -> HourBankEntry:
    """Correct the bank by signed minutes (a goodwill hour, a draw recorded twice), always with
    the reason, which the ledger line keeps."""
    minutes = _check_minutes(minutes, positive=False)
    on = _check_day(contract, on)
    reason = _check_note(reason, field="reason")
    if not reason:
        raise InvalidInput(_("Say why the hours are adjusted."), field="reason")
    locked = _locked_with_bank(contract)
    before = _balance(locked)
    entry = HourBankEntry.objects.create(
        contract=locked,
        kind=HourBankEntry.Kind.ADJUSTMENT,
        minutes=minutes,
        on=on,
        note=reason,
        created_by=by,
    )
    after = before + minutes
    if before >= locked.low_balance_minutes > after:
        events.hour_bank_low.send(
            sender=ServiceContract, contract=locked, balance_minutes=after, entry=entry
        )
    return entry


def _close_year(contract: ServiceContract, start: datetime.date, end: datetime.date) -> int:
    """Close one ended contract year of a locked contract: what is left expires, or rolls over
    into the next year (the last year's always expires); an overdraft, billed at the overage
    rate already, is closed so the next year starts at zero. Returns the lines written."""
    kind = HourBankEntry.Kind
    if HourBankEntry.objects.filter(
        contract=contract, kind__in=[kind.EXPIRY, kind.ROLL_OVER], on=end
    ).exists():
        return 0  # closed before
    left = (
        HourBankEntry.objects.filter(contract=contract, on__lte=end).aggregate(s=Sum("minutes"))[
            "s"
        ]
        or 0
    )
    if left == 0:
        return 0
    years = {"start": start.isoformat(), "end": end.isoformat()}
    last = end >= contract.ends_on
    if left > 0 and contract.unused_hours == ServiceContract.UnusedHours.ROLL_OVER and not last:
        following = end + datetime.timedelta(days=1)
        note = _("Unused hours of %(start)s to %(end)s rolled over.") % years
        HourBankEntry.objects.bulk_create(
            [
                HourBankEntry(
                    contract=contract, kind=kind.ROLL_OVER, minutes=-left, on=end, note=note
                ),
                HourBankEntry(
                    contract=contract, kind=kind.ROLL_OVER, minutes=left, on=following, note=note
                ),
            ]
        )
        return 2
    if left > 0:
        note = _("Unused hours of %(start)s to %(end)s expired.") % years
    else:
        note = _("Overdraft of %(start)s to %(end)s billed at the overage rate; closed.") % years
    HourBankEntry.objects.create(
        contract=contract, kind=kind.EXPIRY, minutes=-left, on=end, note=note
    )
    return 1


def close_contract_years(*, on: datetime.date | None = None) -> int:
    """At each ended contract year of every hour bank, expire or roll over what is left, once
    (safe to run twice, and at once: each contract is locked and a closed year is skipped).
    Returns the ledger lines written."""
    on = on or timezone.localdate()
    written = 0
    candidates = ServiceContract.objects.filter(hour_bank=True, starts_on__lt=on).values_list(
        "pk", flat=True
    )
    for pk in candidates.iterator():
        with transaction.atomic():
            contract = ServiceContract.objects.select_for_update().get(pk=pk)
            for start, end in contract_years(contract):
                if end >= on:
                    break
                written += _close_year(contract, start, end)
    return written


def send_renewal_reminders(*, on: datetime.date | None = None) -> int:
    """Remind the customer and the dispatchers `renewal_notice_days` before a contract ends,
    once (`renewal_reminded_on`, saved with the contract's history). Returns the contracts
    reminded."""
    on = on or timezone.localdate()
    waiting = ServiceContract.objects.filter(renewal_reminded_on__isnull=True, ends_on__gte=on)
    longest = waiting.aggregate(m=Max("renewal_notice_days"))["m"]
    if longest is None:
        return 0
    reminded = 0
    due = waiting.filter(ends_on__lte=on + datetime.timedelta(days=longest))
    for pk in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            contract = ServiceContract.objects.select_for_update().get(pk=pk)
            if contract.renewal_reminded_on is not None:
                continue  # another run reminded it
            if contract.ends_on - datetime.timedelta(days=contract.renewal_notice_days) > on:
                continue
            contract.renewal_reminded_on = on
            contract.save(update_fields=["renewal_reminded_on"])
            events.renewal_due.send(sender=ServiceContract, contract=contract, on=on)
            reminded += 1
    return reminded


def check_escalation_contacts(*, contract: ServiceContract, contacts: Iterable[Contact]) -> None:
    """InvalidInput naming the first contact who is not a contact of the contract's
    organization: another company's people never hear of this one's tickets."""
    for contact in contacts:
        if contact.customer_id != contract.customer_id:
            raise InvalidInput(
                _("%(contact)s is not a contact of %(organization)s.")
                % {"contact": contact.user, "organization": contract.customer},
                field="escalation_contacts",
            )


@transaction.atomic
def set_escalation_contacts(
    *, contract: ServiceContract, contacts: list[Contact]
) -> ServiceContract:
    """Choose who of the organization is told of the contract's escalations and SLA alerts."""
    check_escalation_contacts(contract=contract, contacts=contacts)
    contract.escalation_contacts.set(contacts)
    return contract
