"""Forms of the dispatcher's pages: they parse and validate input, services do the rest."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from technicians.models import Technician

from .selectors import board_days, company_tz


def _ensure_on_board(day: datetime.date, message: str) -> None:
    """Refuse a day the board cannot show (selectors.board_days), naming the days it can."""
    first, last = board_days()
    if not first <= day <= last:
        raise forms.ValidationError(
            message,
            code="out_of_range",
            params={"first": date_format(first), "last": date_format(last)},
        )


class AssignForm(forms.Form):
    visit = forms.IntegerField(min_value=1)
    technician = forms.IntegerField(min_value=1)
    start = forms.DateTimeField(
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Local time of the company."),
    )
    version = forms.IntegerField(required=False, min_value=1)
    override_reason = forms.CharField(required=False, max_length=500)
    window_reason = forms.CharField(
        required=False,
        max_length=500,
        help_text=_("Why the customer's promised window is broken."),
    )

    def clean_start(self) -> datetime.datetime:
        start = self.cleaned_data["start"]
        # The refusal shows the board of the start's day, so that day must be one it can show.
        _ensure_on_board(start.date(), _("Choose a start from %(first)s to %(last)s."))
        # The board speaks the company's local time; store it as an aware instant.
        return start.replace(tzinfo=company_tz())


class TierForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[("up", _("Escalate")), ("down", _("De-escalate"))]
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        error_messages={"required": _("Say why the tier changes.")},
    )


class DayForm(forms.Form):
    """The day a board page is about; none means today."""

    day = forms.DateField(label=_("Day"), required=False)

    def clean_day(self) -> datetime.date | None:
        day = self.cleaned_data["day"]
        if day is not None:
            _ensure_on_board(day, _("Choose a day from %(first)s to %(last)s."))
        return day


class BoardFilterForm(DayForm):
    skill = forms.CharField(required=False, max_length=50)
    area = forms.CharField(required=False, max_length=100)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any priority")), (1, "P1"), (2, "P2"), (3, "P3"), (4, "P4")],
        widget=forms.Select(attrs={"aria-label": _("Priority")}),
    )


class CrewForm(forms.Form):
    """A helper added to (or taken off) a visit's crew."""

    technician = forms.ModelChoiceField(
        label=_("Helper"),
        queryset=Technician.objects.filter(active=True),
        error_messages={
            "required": _("Choose the helper."),
            "invalid_choice": _("Choose an active technician as the helper."),
        },
    )
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")], required=False)
    override_reason = forms.CharField(required=False, max_length=500)
