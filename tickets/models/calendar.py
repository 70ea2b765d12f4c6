"""The business calendar the SLA clock runs on: opening hours and public holidays."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from timezone_field import TimeZoneField


class BusinessCalendar(models.Model):
    """Opening hours and public holidays that SLA clocks count in."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = TimeZoneField(_("time zone"), default=settings.TIME_ZONE)
    opens_at = models.TimeField(_("opens at"), default=datetime.time(8, 0))
    closes_at = models.TimeField(
        _("closes at"),
        default=datetime.time(18, 0),
        help_text=_("Equal to the opening time for a calendar open around the clock."),
    )
    workdays = models.CharField(
        _("workdays"),
        max_length=13,
        default="0,1,2,3,4",
        help_text=_("Weekday numbers, Monday = 0, separated by commas."),
    )
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_calendar",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(int(d) for d in self.workdays.split(",") if d.strip() != "")


class Holiday(models.Model):
    """A public holiday: no business hours that day."""

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="holidays",
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"
