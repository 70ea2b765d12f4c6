"""The office's stock forms. They read and shape input; inventory.services decides."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Part

from .models import StockLocation, StockMove, Supplier

ORDER_LINES = 5


def new_key() -> str:
    return uuid.uuid4().hex


class LocationChoiceForm(forms.Form):
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=StockLocation.objects.filter(is_active=True), required=False
    )


class LedgerFilterForm(forms.Form):
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=StockLocation.objects.all(), required=False
    )
    part = forms.CharField(label=_("Part (SKU)"), max_length=50, required=False)
    serial = forms.CharField(label=_("Serial number"), max_length=100, required=False)


class MoveForm(forms.Form):
    """One stock move as the office records it; the key is made when the form is shown, so
    the same form sent twice moves once."""

    kind = forms.ChoiceField(label=_("Kind"), choices=StockMove.Kind.choices)
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.all())
    quantity = forms.CharField(label=_("Quantity"), max_length=20)
    from_location = forms.ModelChoiceField(
        label=_("From"), queryset=StockLocation.objects.filter(is_active=True), required=False
    )
    to_location = forms.ModelChoiceField(
        label=_("To"), queryset=StockLocation.objects.filter(is_active=True), required=False
    )
    serial = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=250, required=False)
    key = forms.CharField(widget=forms.HiddenInput, max_length=100, initial=new_key)


class OrderForm(forms.Form):
    """A purchase order: the supplier, the warehouse, when it is due, up to five parts."""

    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.all())
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=StockLocation.objects.filter(kind=StockLocation.Kind.WAREHOUSE, is_active=True),
    )
    expected_on = forms.DateField(
        label=_("Expected on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, ORDER_LINES + 1):
            self.fields[f"part_{n}"] = forms.ModelChoiceField(
                label=_("Part %(n)d") % {"n": n}, queryset=Part.objects.all(), required=False
            )
            self.fields[f"quantity_{n}"] = forms.CharField(
                label=_("Quantity %(n)d") % {"n": n}, max_length=20, required=False
            )

    def lines(self) -> list[tuple[Part, str]]:
        data = self.cleaned_data
        return [
            (data[f"part_{n}"], data[f"quantity_{n}"])
            for n in range(1, ORDER_LINES + 1)
            if data.get(f"part_{n}")
        ]
