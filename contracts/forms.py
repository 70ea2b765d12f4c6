"""The hour bank's forms at the desk: hours bought, and an adjustment with its reason."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A bank's hours in quarter hours at the finest: 0.25 h is 15 minutes.
HOURS = {"max_digits": 7, "decimal_places": 2}


def minutes_of(hours: Decimal) -> int:
    return int((hours * 60).to_integral_value())


class PurchaseForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours bought"), min_value=Decimal("0.01"), max_value=Decimal("10000"), **HOURS
    )
    on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note (order, invoice)"), max_length=250, required=False)


class AdjustmentForm(forms.Form):
    hours = forms.DecimalField(
        label=_("Hours to add (negative to take away)"),
        min_value=Decimal("-10000"),
        max_value=Decimal("10000"),
        **HOURS,
    )
    on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=250)
