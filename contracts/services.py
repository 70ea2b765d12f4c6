"""Writes on contracts: the hour bank's ledger (hours bought, drawn by visits, adjusted)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from fieldservice.errors import DomainError, InvalidInput

from . import events
from .models import HourBankEntry, ServiceContract

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from moneyed import Money

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
    """Record hours the customer bought for the bank."""
    minutes = _check_minutes(minutes)
    on = _check_day(contract, on)
    note = _check_note(note)
    locked = _locked_with_bank(contract)
    return HourBankEntry.objects.create(
        contract=locked,
        kind=HourBankEntry.Kind.PURCHASE,
        minutes=minutes,
        on=on,
        note=note,
        created_by=by,
    )


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
