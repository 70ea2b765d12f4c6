"""The first-line intake form: what a caller tells the agent, validated field by field."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from catalog.codes import split_codes
from customers.models import Appliance, ApplianceModel, Customer, Site
from dispatch.selectors import company_tz
from fieldservice import roles, texts
from fieldservice.forms import SubmitOnceForm
from tickets.horizon import MAX_DAYS_AHEAD, too_far_ahead
from tickets.models import Ticket

# What an agent types in the codes field: room for the most codes a ticket takes.
CODES_TYPED = 200


class IntakeForm(SubmitOnceForm):
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
        max_length=CODES_TYPED,
        help_text=_("Separate several codes with commas."),
    )
    description = forms.CharField(
        label=_("What is wrong"),
        required=False,
        max_length=texts.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=Ticket.Channel.choices, initial=Ticket.Channel.PHONE
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=Ticket.Priority.choices, initial=3
    )
    window_day = forms.DateField(
        label=_("Customer's preferred day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    window_from = forms.TimeField(
        label=_("Arrival from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
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
        data["window_start"] = data["window_end"] = None
        day, start = data.get("window_day"), data.get("window_from")
        if bool(day) != bool(start):
            self.add_error("window_day", _("Give both the day and the arrival time, or neither."))
        elif day and too_far_ahead(day):
            # Refused here as well as by the service: the window's end is computed below, and
            # near the calendar's end that addition overflows.
            self.add_error(
                "window_day",
                _("The arrival window can be at most %(days)d days ahead.")
                % {"days": MAX_DAYS_AHEAD},
            )
        elif day and start:
            data["window_start"] = datetime.datetime.combine(day, start, tzinfo=company_tz())
            data["window_end"] = data["window_start"] + datetime.timedelta(
                minutes=settings.FIELDSERVICE["ARRIVAL_WINDOW_MINUTES"]
            )
        return data


class CodeLookupForm(forms.Form):
    """The codes typed so far, sent as the agent types them."""

    codes = forms.CharField(
        label=_("Error codes on the display"), required=False, max_length=CODES_TYPED
    )


class NewApplianceForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose the site first.")},
    )
    model = forms.ModelChoiceField(label=_("Model"), queryset=ApplianceModel.objects.all())
    serial_number = forms.CharField(label=_("Serial number"), max_length=100)
    purchased_on = forms.DateField(
        label=_("Purchased on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class NewSiteForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Find the customer first.")},
    )
    address = forms.CharField(label=_("Street address"), max_length=250)
    city = forms.CharField(label=_("City"), max_length=100)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    access_notes = forms.CharField(
        label=_("Access notes"), required=False, max_length=texts.ACCESS_NOTES
    )


class HandOverForm(forms.Form):
    """Give a ticket to another member of the service desk."""

    to = forms.ModelChoiceField(
        label=_("Hand over to"),
        queryset=User.objects.filter(groups__name=roles.DISPATCHER, is_active=True).distinct(),
        error_messages={
            "required": _("Choose who takes it over."),
            "invalid_choice": _("That person is not on the service desk."),
        },
    )
    reason = forms.CharField(label=_("Note"), required=False, max_length=texts.REASON)


class TrainingRecordForm(forms.Form):
    """A course a technician took: the service checks the dates against each other."""

    course = forms.CharField(
        label=_("Course"),
        max_length=200,
        error_messages={"required": _("Name the course.")},
    )
    date = forms.DateField(
        label=_("Date"),
        error_messages={"required": _("Give the date of the course.")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    trainer = forms.CharField(label=_("Trainer"), max_length=200, required=False)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
