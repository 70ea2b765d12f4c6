"""Service contracts: who is covered for what, what the contract includes (labour, parts, a
number of visits a year, a bank of prepaid hours), the bank's ledger, and the preventive plans
that generate maintenance visits ahead of time."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.dates import WEEKDAYS_ABBR as WEEKDAY_ABBRS
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords


def validate_weekdays(value: str) -> None:
    """Weekday numbers 0 (Monday) to 6, separated by commas."""
    try:
        days = [int(d) for d in value.split(",") if d.strip()]
    except ValueError as exc:
        raise ValidationError(_("Weekdays are numbers 0 (Monday) to 6, with commas.")) from exc
    if any(not 0 <= d <= 6 for d in days):
        raise ValidationError(_("Weekdays are numbers 0 (Monday) to 6, with commas."))


class ServiceContract(models.Model):
    """A prepaid service contract of a customer. It covers the appliances it lists and every
    appliance at the sites it lists, from its start to its end date (both included)."""

    class Labour(models.TextChoices):
        INCLUDED = "included", _("Included")
        DISCOUNTED = "discounted", _("Discounted")
        BILLABLE = "billable", _("Billed at the price list's rates")

    class SupportHours(models.TextChoices):
        BUSINESS = "business", _("Business hours")
        AROUND_THE_CLOCK = "around_the_clock", _("Around the clock (24/7)")

    class UnusedHours(models.TextChoices):
        EXPIRE = "expire", _("Expire at the end of the contract year")
        ROLL_OVER = "roll_over", _("Roll over to the next contract year")

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="contracts",
    )
    number = models.CharField(_("number"), max_length=30, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    appliances = models.ManyToManyField(
        "customers.Appliance",
        verbose_name=_("covered appliances"),
        blank=True,
        related_name="contracts",
    )
    sites = models.ManyToManyField(
        "customers.Site",
        verbose_name=_("covered sites"),
        blank=True,
        related_name="contracts",
        help_text=_("Every appliance at these sites is covered."),
    )
    response_hours = models.PositiveSmallIntegerField(
        _("response time (business hours)"), default=8
    )
    # The hours the contract's SLA clocks run in: business hours (the default calendar's, or
    # the contract's own opening times and days below, with the calendar's public holidays),
    # or around the clock, every day, holidays included.
    support_hours = models.CharField(
        _("support hours"),
        max_length=20,
        choices=SupportHours.choices,
        default=SupportHours.BUSINESS,
    )
    support_opens_at = models.TimeField(
        _("support opens at"),
        null=True,
        blank=True,
        help_text=_("Business hours only; empty: the business calendar's opening time."),
    )
    support_closes_at = models.TimeField(
        _("support closes at"),
        null=True,
        blank=True,
        help_text=_("Business hours only; empty: the business calendar's closing time."),
    )
    support_weekdays = models.CharField(
        _("support days"),
        max_length=13,
        blank=True,
        validators=[validate_weekdays],
        help_text=_(
            "Weekday numbers, Monday = 0, separated by commas; empty: the business "
            "calendar's workdays."
        ),
    )
    # The client's people told when one of the organization's tickets is escalated to tier 2
    # or 3, or its SLA is about to be missed or is missed: contacts of the contract's
    # organization only (contracts.services.check_escalation_contacts).
    escalation_contacts = models.ManyToManyField(
        "customers.Contact",
        verbose_name=_("escalation contacts"),
        blank=True,
        related_name="escalation_contracts",
        help_text=_(
            "Contacts of the organization told of escalations and of SLAs about to be missed."
        ),
    )
    # Billable work above this amount waits for the client's approval (the technician asks, an
    # approver answers through a signed link); empty: the organization's approval threshold.
    work_approval_above = MoneyField(
        _("client approves billable work above"),
        max_digits=12,
        decimal_places=2,
        default_currency="EUR",
        null=True,
        blank=True,
        help_text=_(
            "Empty: the organization's approval threshold, if any, applies to a technician's "
            "quotes too."
        ),
    )
    labour = models.CharField(
        _("labour"), max_length=12, choices=Labour.choices, default=Labour.INCLUDED
    )
    labour_discount_percent = models.DecimalField(
        _("labour discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    parts_included = models.BooleanField(_("parts included"), default=False)
    included_visits_per_year = models.PositiveSmallIntegerField(
        _("included visits per year"),
        null=True,
        blank=True,
        help_text=_("Repair visits included in each contract year; empty for no limit."),
    )
    # The bank of prepaid hours: its balance is the sum of its ledger (HourBankEntry).
    hour_bank = models.BooleanField(_("bank of prepaid hours"), default=False)
    billing_increment_minutes = models.PositiveSmallIntegerField(
        _("billing increment (minutes)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Labour is drawn from the bank in started increments of this length."),
    )
    low_balance_minutes = models.PositiveIntegerField(_("warn below (minutes left)"), default=120)
    allow_overdraft = models.BooleanField(_("may go below zero"), default=False)
    overage_rate = MoneyField(
        _("overage rate per hour"),
        max_digits=10,
        decimal_places=2,
        default_currency="EUR",
        null=True,
        blank=True,
    )
    unused_hours = models.CharField(
        _("unused hours"), max_length=10, choices=UnusedHours.choices, default=UnusedHours.EXPIRE
    )
    renewal_notice_days = models.PositiveSmallIntegerField(
        _("renewal reminder (days before the end)"), default=30
    )
    renewal_reminded_on = models.DateField(_("renewal reminder sent on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        db_table = "customers_servicecontract"
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["-ends_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="contract_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        """A contract whose end moves later (extended, renewed in place) is reminded again
        before its new end: the reminder sent for the old end is forgotten. Whoever saves it
        (the back office, the API, a service), one query when a reminder was sent."""
        if self.pk is not None and self.renewal_reminded_on is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("ends_on", flat=True).first()
            if stored is not None and self.ends_on > stored:
                self.renewal_reminded_on = None
                fields = kwargs.get("update_fields")
                if fields is not None and "renewal_reminded_on" not in fields:
                    kwargs["update_fields"] = [*fields, "renewal_reminded_on"]
        super().save(*args, **kwargs)

    def is_active_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def clean(self) -> None:
        opens, closes = self.support_opens_at, self.support_closes_at
        if (opens is None) != (closes is None):
            raise ValidationError(
                _("Give both the opening and the closing time of support, or neither.")
            )
        if opens is not None and opens == closes:
            raise ValidationError(
                _("Support that opens when it closes is around the clock: choose that instead.")
            )

    @property
    def around_the_clock(self) -> bool:
        return self.support_hours == self.SupportHours.AROUND_THE_CLOCK

    @property
    def weekdays(self) -> frozenset[int] | None:
        """The contract's own support days, or None for the business calendar's."""
        if not self.support_weekdays.strip():
            return None
        return frozenset(int(d) for d in self.support_weekdays.split(",") if d.strip())

    @property
    def support_day_names(self) -> list[str]:
        """The contract's own support days by name (Monday first), in the active language."""
        return [str(WEEKDAY_ABBRS[d]) for d in sorted(self.weekdays or ())]


class HourBankEntry(models.Model):
    """One line of a contract's hour bank, never edited: hours bought, drawn by a visit,
    expired or rolled over at the end of a contract year, or adjusted with a reason. Minutes
    are signed: purchases add, draws and expiries take away."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("Hours bought")
        DRAW = "draw", _("Drawn by a visit")
        EXPIRY = "expiry", _("Expired")
        ROLL_OVER = "roll_over", _("Rolled over")
        ADJUSTMENT = "adjustment", _("Adjustment")

    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("contract"),
        on_delete=models.CASCADE,
        related_name="hour_entries",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    minutes = models.IntegerField(_("minutes"))
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=250, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hour bank entry")
        verbose_name_plural = _("hour bank entries")
        ordering = ["contract", "on", "pk"]
        indexes = [models.Index(fields=["contract", "on"], name="hour_entry_contract_on")]

    def __str__(self) -> str:
        return f"{self.contract} {self.get_kind_display()} {self.minutes}"


class PreventivePlan(models.Model):
    """Regular servicing under a contract: what to service (listed appliances, or a site),
    every how many months, with a tolerance window around each due date; visits are generated
    ahead over a rolling horizon."""

    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("contract"),
        on_delete=models.CASCADE,
        related_name="preventive_plans",
    )
    name = models.CharField(_("what is serviced"), max_length=120)
    site = models.ForeignKey(
        "customers.Site",
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        related_name="preventive_plans",
    )
    appliances = models.ManyToManyField(
        "customers.Appliance",
        verbose_name=_("appliances"),
        blank=True,
        related_name="preventive_plans",
    )
    first_due_on = models.DateField(_("first visit due on"))
    every_months = models.PositiveSmallIntegerField(
        _("every (months)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    tolerance_days = models.PositiveSmallIntegerField(
        _("tolerance (± days)"), default=14, validators=[MaxValueValidator(180)]
    )
    expected_minutes = models.PositiveSmallIntegerField(
        _("expected minutes"), default=60, validators=[MinValueValidator(5)]
    )

    class NextFrom(models.TextChoices):
        PLAN = "plan", _("The plan's date")
        ACTUAL = "actual", _("The date the last visit was done")

    # From the plan's dates, visits fall on first_due_on + n * every_months whatever happened
    # before; from the actual date, the next is due every_months after the last one was done.
    next_from = models.CharField(
        _("next visit counted from"), max_length=10, choices=NextFrom.choices, default=NextFrom.PLAN
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("preventive plan")
        verbose_name_plural = _("preventive plans")
        ordering = ["contract", "pk"]

    def __str__(self) -> str:
        return f"{self.contract}: {self.name}"
