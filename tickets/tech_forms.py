"""The technician's job-record form: one form, the `what` field says which record it is."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Part


class JobRecordForm(forms.Form):
    what = forms.ChoiceField(
        choices=[
            ("note", "note"),
            ("part", "part"),
            ("option", "option"),
            ("choose", "choose"),
            ("decline", "decline"),
            ("sign", "sign"),
            ("photo", "photo"),
        ]
    )
    client_key = forms.CharField(required=False, max_length=64)
    text = forms.CharField(required=False, max_length=5000)
    kind = forms.CharField(required=False, max_length=12)
    part = forms.ModelChoiceField(
        queryset=Part.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("Unknown part.")},
    )
    quantity = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=999,
        error_messages={"min_value": _("The quantity must be 1 to 999.")},
    )
    price = forms.DecimalField(required=False, max_digits=10, decimal_places=2)
    option = forms.IntegerField(required=False)
    signature = forms.CharField(required=False, max_length=2_000_000)
