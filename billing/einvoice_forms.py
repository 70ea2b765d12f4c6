"""Forms of the invoice page's e-invoice and correction actions: an exchange's receipt to
import, and a credit note for chosen lines and quantities."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InvoiceLine

MAX_RECEIPT_BYTES = 1_000_000


class ReceiptForm(forms.Form):
    receipt = forms.FileField(label=_("Receipt of the exchange (XML)"))

    def clean_receipt(self):
        upload = self.cleaned_data["receipt"]
        if upload.size > MAX_RECEIPT_BYTES:
            raise forms.ValidationError(_("A receipt is at most 1 MB."))
        return upload


class CreditLinesForm(forms.Form):
    """A quantity to credit for each line of the invoice (blank or 0: none of it), at most
    what is left of it; the service refuses more, naming the line."""

    reason = forms.CharField(label=_("Reason"), max_length=250)
    cancel = forms.BooleanField(
        label=_("Issued in error: cancel the whole invoice"), required=False
    )

    def __init__(self, *args, lines: list[tuple[InvoiceLine, Decimal]], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line, left in lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=_("%(line)s (at most %(left)s)")
                % {"line": line.description, "left": left.normalize()},
                min_value=Decimal("0"),
                max_digits=10,
                decimal_places=3,
                required=False,
            )

    def clean(self):
        """More than is left of a line is shown beside that line (the service refuses it too,
        for every other caller)."""
        cleaned = super().clean()
        for line, left in self.lines:
            asked = cleaned.get(f"line_{line.pk}")
            if asked is not None and asked > left:
                self.add_error(
                    f"line_{line.pk}",
                    _("At most %(left)s of “%(line)s” can be credited.")
                    % {"left": left.normalize(), "line": line.description},
                )
        return cleaned

    def quantities(self) -> dict[int, Decimal] | None:
        """{line id: quantity} asked for; None when the whole invoice is cancelled."""
        if self.cleaned_data.get("cancel"):
            return None
        return {
            line.pk: self.cleaned_data[f"line_{line.pk}"]
            for line, _left in self.lines
            if self.cleaned_data.get(f"line_{line.pk}")
        }
