"""Forms of the dispatcher's pages: they parse and validate input, services do the rest."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import company_tz


class AssignForm(forms.Form):
    visit = forms.IntegerField(min_value=1)
    technician = forms.IntegerField(min_value=1)
    start = forms.DateTimeField(
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Local time of the company."),
    )
    version = forms.IntegerField(required=False, min_value=1)
    override_reason = forms.CharField(required=False, max_length=500)

    def clean_start(self) -> datetime.datetime:
        start = self.cleaned_data["start"]
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


class BoardFilterForm(forms.Form):
    day = forms.DateField(required=False)
    skill = forms.CharField(required=False, max_length=50)
    area = forms.CharField(required=False, max_length=100)
    priority = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any priority")), (1, "P1"), (2, "P2"), (3, "P3"), (4, "P4")],
    )
