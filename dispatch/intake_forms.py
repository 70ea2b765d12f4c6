"""The first-line intake form: what a caller tells the agent, validated field by field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Appliance, ApplianceModel, Site
from tickets.codes import split_codes
from tickets.models import Ticket


class IntakeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of job"), choices=Ticket.Kind.choices, initial=Ticket.Kind.REPAIR
    )
    appliance = forms.ModelChoiceField(
        label=_("Appliance"),
        queryset=Appliance.objects.select_related("site__customer", "model"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That appliance does not exist.")},
    )
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.select_related("customer"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That site does not exist.")},
    )
    appliance_model = forms.ModelChoiceField(
        label=_("Model to install"), queryset=ApplianceModel.objects.all(), required=False
    )
    codes = forms.CharField(
        label=_("Error codes on the display"),
        required=False,
        help_text=_("Separate several codes with commas."),
    )
    description = forms.CharField(
        label=_("What is wrong"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Ticket.Channel.choices, initial=Ticket.Channel.PHONE
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=Ticket.Priority.choices, initial=3
    )

    def clean(self):
        data = super().clean()
        appliance, site = data.get("appliance"), data.get("site")
        if data.get("kind") == Ticket.Kind.INSTALLATION:
            site = site or (appliance.site if appliance else None)
            if site is None:
                self.add_error("site", _("Choose the customer's site for the installation."))
            if not data.get("appliance_model") and appliance is None:
                self.add_error("appliance_model", _("Choose the model to install."))
        elif appliance is None:
            self.add_error("appliance", _("Find the customer and choose the appliance."))
        else:
            site = appliance.site
        data["site"] = site
        data["code_list"] = split_codes(data.get("codes", ""))
        return data
