"""The first-line intake form: what a caller tells the agent, validated field by field."""

from __future__ import annotations

import datetime
import unicodedata
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from catalog.codes import split_codes
from customers.models import Appliance, ApplianceModel, Customer, Site
from dispatch.selectors import company_tz
from fieldservice import texts
from fieldservice.forms import SubmitOnceForm
from technicians.models import Technician
from tickets import sla
from tickets.horizon import MAX_DAYS_AHEAD, too_far_ahead
from tickets.models import Ticket

from .selectors import DEFAULT_SORT, OPEN, TicketFilters

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


def no_control_characters(value: str) -> None:
    """Refuse tabs, line breaks, NUL and other control characters: a search box never needs
    them, and PostgreSQL refuses a NUL with an error."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise forms.ValidationError(
            _("Remove the control characters (such as a tab or a line break)."),
            code="control_characters",
        )


def _any(label) -> list[tuple[str, object]]:
    return [("", label)]


class TicketFilterForm(forms.Form):
    """The ticket list's filters, from its query string; every field may be left empty."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Number, customer, description or error code."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[*_any(_("Any status")), (OPEN, _("Any open status")), *Ticket.Status.choices],
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[*_any(_("Any priority")), *Ticket.Priority.choices],
    )
    tier = forms.TypedChoiceField(
        label=_("Tier"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[*_any(_("Any tier")), *Ticket.Tier.choices],
    )
    coverage = forms.ChoiceField(
        label=_("Coverage"),
        required=False,
        choices=[*_any(_("Any coverage")), *Ticket.Coverage.choices],
    )
    sla = forms.ChoiceField(
        label=_("SLA"),
        required=False,
        choices=[
            *_any(_("Any SLA state")),
            (sla.BREACHED, _("Breached")),
            (sla.AT_RISK, _("At risk")),
            (sla.FINE, _("On time")),
        ],
    )
    technician = forms.ModelChoiceField(
        label=_("Technician"),
        required=False,
        empty_label=_("Any technician"),
        queryset=Technician.objects.select_related("user").order_by(
            "user__first_name", "user__last_name", "pk"
        ),
        error_messages={"invalid_choice": _("That technician does not exist.")},
    )
    code = forms.CharField(
        label=_("Error code"),
        required=False,
        max_length=texts.CODE,
        validators=[no_control_characters],
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[*_any(_("Any channel")), *Ticket.Channel.choices],
    )
    opened_from = forms.DateField(
        label=_("Opened from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    opened_to = forms.DateField(
        label=_("Opened until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        required=False,
        queryset=Customer.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That customer does not exist.")},
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("sla_due", _("SLA due, soonest first")),
            ("-sla_due", _("SLA due, latest first")),
            ("priority", _("Priority, most urgent first")),
            ("-priority", _("Priority, least urgent first")),
            ("-opened", _("Opened, newest first")),
            ("opened", _("Opened, oldest first")),
            ("-number", _("Number, highest first")),
            ("number", _("Number, lowest first")),
            ("status", _("Status, as work goes")),
            ("-status", _("Status, finished first")),
        ],
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and end < start:
            self.add_error("opened_to", _("The last day is before the first."))
        for name in ("opened_from", "opened_to"):
            day = data.get(name)
            if day and not (FIRST_DAY <= day <= LAST_DAY):
                # Far dates overflow when turned into moments at the company's midnight.
                self.add_error(name, _("Give a date between 2000 and 2100."))
        return data

    def filters(self) -> TicketFilters:
        """The validated filters, for desk.selectors.ticket_list."""
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return TicketFilters(**data)

    def query(self) -> str:
        """The filters as a query string: what was given, in the fields' order, nothing else
        (the default sort goes without saying)."""
        given = {name: self.data.get(name) for name in self.fields}
        if given["sort"] == DEFAULT_SORT:
            given["sort"] = ""
        pairs = [(name, value) for name, value in given.items() if value]
        return urlencode(pairs)


FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)


class SavedFilterForm(forms.Form):
    """A name for the list's current filters."""

    name = forms.CharField(
        label=_("Name of the filter"), max_length=100, validators=[no_control_characters]
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
