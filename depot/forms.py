"""The workshop's and the loaner desk's forms: they parse input; depot.services decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Part
from customers.models import Appliance
from fieldservice import texts
from inventory.models import StockLocation
from inventory.selectors import parts_at
from tickets.models import Ticket, Visit

from .models import LoanerUnit, RepairOrder
from .services import KEY_LENGTH, LONGEST_REFURBISHED_WARRANTY


class StepForm(forms.Form):
    to = forms.ChoiceField(label=_("Next step"), choices=RepairOrder.Status.choices)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=texts.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OpenOrderForm(forms.Form):
    appliances = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=Appliance.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the units that go to the workshop.")},
    )
    handover = forms.ChoiceField(label=_("Handover"), choices=RepairOrder.Handover.choices)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=texts.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appliances"].queryset = Appliance.objects.filter(  # type: ignore[attr-defined]
            site__customer=ticket.customer
        ).select_related("model")
        if ticket.appliance_id:
            self.fields["appliances"].initial = [ticket.appliance_id]


class LendForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Loaner"),
        queryset=LoanerUnit.objects.filter(active=True).select_related("model"),
        error_messages={"required": _("Choose the loaner to lend.")},
    )
    due_on = forms.DateField(label=_("Due back on"), widget=forms.DateInput(attrs={"type": "date"}))
    deposit = forms.CharField(label=_("Deposit"), required=False, max_length=20)
    visit = forms.ModelChoiceField(
        label=_("Handed over at visit"),
        queryset=Visit.objects.none(),
        required=False,
        empty_label=_("At the desk"),
    )

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["visit"]
        field.queryset = Visit.objects.filter(ticket=ticket).order_by("pk")  # type: ignore[attr-defined]
        field.label_from_instance = _visit_label  # type: ignore[attr-defined]


def _visit_label(visit: Visit) -> str:
    return str(
        _("Visit %(n)s · %(status)s") % {"n": visit.pk, "status": visit.get_status_display()}
    )


class RmaForm(forms.Form):
    rma_number = forms.CharField(label=_("Manufacturer's RMA number"), max_length=60)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=texts.NOTE)


class RefurbishedForm(forms.Form):
    warranty_months = forms.IntegerField(
        label=_("Warranty (months)"), min_value=1, max_value=LONGEST_REFURBISHED_WARRANTY
    )


class AddUnitForm(forms.Form):
    appliance = forms.ModelChoiceField(label=_("Unit"), queryset=Appliance.objects.none())

    def __init__(self, *args, order: RepairOrder, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appliance"].queryset = Appliance.objects.filter(  # type: ignore[attr-defined]
            site__customer_id=order.ticket.customer_id
        ).select_related("model")


class UsePartForm(forms.Form):
    """A part fitted in the workshop. `key` is new with every blank form, so the same form sent
    twice records the part once (depot.services.use_part)."""

    part = forms.ModelChoiceField(
        label=_("Part"),
        queryset=Part.objects.none(),
        error_messages={"required": _("Choose the part used.")},
    )
    quantity = forms.CharField(label=_("Quantity"), max_length=20, initial="1")
    serial = forms.CharField(
        label=_("Serial number"),
        required=False,
        max_length=100,
        help_text=_("For a part tracked by serial number."),
    )
    key = forms.CharField(
        label=_("Form"),
        widget=forms.HiddenInput,
        max_length=KEY_LENGTH,
        error_messages={"required": _("The form has expired: open the repair order again.")},
    )

    def __init__(self, *args, location: StockLocation | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["part"]
        field.queryset = parts_at(location) if location else Part.objects.none()  # type: ignore[attr-defined]
        field.label_from_instance = _part_label  # type: ignore[attr-defined]


def _part_label(part: Part) -> str:
    return f"{part.sku} · {part.name}"
