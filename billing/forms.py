"""The office's invoice forms: a line of a draft, a payment, a credit note, the list's filters."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Invoice, Payment, TaxRate


class LineForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=250)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=10, decimal_places=3)
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=12)
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"), max_digits=5, decimal_places=2, required=False, initial=0
    )
    tax_rate = forms.ModelChoiceField(
        label=_("VAT rate"), queryset=TaxRate.objects.none(), required=False
    )

    def __init__(self, *args, country: str = "IT", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["tax_rate"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = TaxRate.objects.filter(country=country, active=True)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, min_value=Decimal("0.01"))
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    paid_on = forms.DateField(label=_("Date"), initial=timezone.localdate)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)


class CreditNoteForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=250)


class InvoiceFilterForm(forms.Form):
    SHOW = (
        ("", _("All")),
        ("open", _("Open")),
        ("overdue", _("Overdue")),
        ("draft", _("Drafts")),
    )
    show = forms.ChoiceField(label=_("Show"), choices=SHOW, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *Invoice.Kind.choices], required=False
    )
    q = forms.CharField(label=_("Customer or number"), max_length=100, required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"))
    end = forms.DateField(label=_("To"))


class LabourCorrectionForm(forms.Form):
    minutes = forms.IntegerField(label=_("Labour minutes"), min_value=0, max_value=24 * 60)
    reason = forms.CharField(label=_("Reason"), max_length=250)
