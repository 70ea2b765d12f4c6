"""The client report's period, from its query string: local days from and to, last month by
default."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dispatch.selectors import company_tz
from insights.forms import FIRST_DAY, LAST_DAY, LONGEST_DAYS

from .selectors import Period


def last_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The calendar month before `today`'s, first to last day."""
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


class PeriodForm(forms.Form):
    """Both days empty: last month. Only the first: up to last month's end (or that day, when
    later). Only the last: from last month's first day (or that day, when earlier)."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        first, last = last_month(timezone.localdate())
        start, end = data.get("start") or first, data.get("end") or last
        if data.get("start") and not data.get("end"):
            end = max(start, last)
        if data.get("end") and not data.get("start"):
            start = min(end, first)
        for name, day in (("start", start), ("end", end)):
            if not FIRST_DAY <= day <= LAST_DAY:
                self.add_error(name, _("Give a date between 2000 and 2100."))
                return data
        if end < start:
            self.add_error("end", _("The last day is before the first."))
        elif (end - start).days >= LONGEST_DAYS:
            self.add_error("end", _("Choose a period of two years at most."))
        data["start"], data["end"] = start, end
        return data

    def period(self) -> Period:
        """The validated days, both included, and their UTC instants in the company's zone."""
        first, last = self.cleaned_data["start"], self.cleaned_data["end"]
        tz = company_tz()
        start = datetime.datetime.combine(first, datetime.time(), tzinfo=tz)
        end = datetime.datetime.combine(
            last + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
        )
        return Period(
            first=first,
            last=last,
            start=start.astimezone(datetime.UTC),
            end=end.astimezone(datetime.UTC),
        )

    def query(self) -> str:
        """The chosen days as a query string, for the download links."""
        return (
            f"start={self.cleaned_data['start']:%Y-%m-%d}&end={self.cleaned_data['end']:%Y-%m-%d}"
        )
