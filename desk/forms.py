"""The first-line intake form: what a caller tells the agent, validated field by field."""

from __future__ import annotations

import datetime
import unicodedata
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from catalog.codes import split_codes
from catalog.models import Article, ErrorCode
from catalog.services import TEXT, TITLE, ensure_plain_text
from customers.forms import PinnedAddressMixin, coordinate_field
from customers.models import Appliance, ApplianceModel, Contact, Customer, Site
from customers.phones import e164
from customers.selectors import has_control_characters
from dispatch.selectors import company_tz
from fieldservice import roles, texts
from fieldservice.errors import InvalidInput
from fieldservice.forms import SubmitOnceForm
from technicians.models import Technician
from tickets import sla
from tickets.horizon import MAX_DAYS_AHEAD, too_far_ahead
from tickets.models import Ticket

from .selectors import DEFAULT_SORT, OPEN, TicketFilters

# What an agent types in the codes field: room for the most codes a ticket takes.
CODES_TYPED = 200


def _article_used() -> forms.ModelChoiceField:
    """The knowledge-base article a problem solved on the phone was solved with, if any."""
    return forms.ModelChoiceField(
        label=_("Article used"),
        queryset=Article.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("That article does not exist.")},
    )


def _what_was_done() -> forms.CharField:
    return forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=texts.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


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
    # The client company's contact who called, when the agent found them by name or phone: the
    # ticket's requested_by (the service refuses one who is not a contact of the customer).
    requested_by = forms.ModelChoiceField(
        label=_("Caller"),
        queryset=Contact.objects.select_related("user", "customer"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That contact does not exist.")},
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
    # "Opened and solved on the phone": the ticket opens resolved, with no visit queued.
    solve = forms.BooleanField(label=_("Solved on the phone: no visit needed"), required=False)
    resolution_code = forms.ChoiceField(
        label=_("Solved on the phone by"),
        choices=[("", "---------"), *Ticket.Resolution.choices],
        required=False,
    )
    solved_with = _article_used()
    solve_notes = _what_was_done()

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
        error_messages={
            "required": _("Choose the site first."),
            "invalid_choice": _("That site does not exist."),
        },
    )
    model = forms.ModelChoiceField(label=_("Model"), queryset=ApplianceModel.objects.all())
    serial_number = forms.CharField(label=_("Serial number"), max_length=100)
    purchased_on = forms.DateField(
        label=_("Purchased on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class NewSiteForm(PinnedAddressMixin, forms.Form):
    field_order = ("customer", "address", "postal_code", "city", "country", "access_notes")

    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.all(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Find the customer first."),
            "invalid_choice": _("That customer does not exist."),
        },
    )
    address = forms.CharField(label=_("Street address"), max_length=250)
    city = forms.CharField(label=_("City"), max_length=100)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    access_notes = forms.CharField(
        label=_("Access notes"), required=False, max_length=texts.ACCESS_NOTES
    )


# What a search for a caller may hold: more than any name, number, address or serial.
SEARCH_TYPED = 200


def refuse_control_characters(value: str) -> None:
    # A null character has Django's own message (ProhibitNullCharactersValidator).
    if has_control_characters(value.replace("\x00", "")):
        raise forms.ValidationError(
            _("Control characters are not allowed."), code="control_characters"
        )


class CustomerSearchForm(forms.Form):
    """What the agent types to find the caller, sent as they type it."""

    q = forms.CharField(
        label=_("Find the customer"),
        required=False,
        max_length=SEARCH_TYPED,
        strip=False,
        validators=[refuse_control_characters],
    )


class NewCallerForm(forms.Form):
    """A caller the desk does not know: the customer, their site and, optionally, the appliance
    there. Shown beside the intake form, so its ids have their own prefix (auto_id)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=Customer._meta.get_field("name").max_length,
        validators=[refuse_control_characters],
        error_messages={"required": _("Give the customer's name.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of customer"), choices=Customer.Kind.choices, initial=Customer.Kind.PERSON
    )
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=40, validators=[refuse_control_characters]
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        max_length=Customer._meta.get_field("email").max_length,
        error_messages={"invalid": _("That email address is not valid.")},
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )
    address = forms.CharField(
        label=_("Street address"),
        max_length=Site._meta.get_field("address").max_length,
        validators=[refuse_control_characters],
        error_messages={"required": _("Give the street address.")},
    )
    city = forms.CharField(
        label=_("City"),
        max_length=Site._meta.get_field("city").max_length,
        validators=[refuse_control_characters],
        error_messages={"required": _("Give the city.")},
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        required=False,
        max_length=Site._meta.get_field("postal_code").max_length,
        validators=[refuse_control_characters],
    )
    country = forms.CharField(
        label=_("Country (two letters)"),
        max_length=2,
        min_length=2,
        initial=lambda: settings.FIELDSERVICE["COUNTRY"],
    )
    # Empty, the address is geocoded; the map's pin fills them in.
    latitude = coordinate_field("latitude")
    longitude = coordinate_field("longitude")
    access_notes = forms.CharField(
        label=_("Access notes"),
        required=False,
        max_length=texts.ACCESS_NOTES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    model = forms.ModelChoiceField(
        label=_("Appliance model (optional)"),
        queryset=ApplianceModel.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("That appliance model does not exist.")},
    )
    serial_number = forms.CharField(
        label=_("Serial number"),
        required=False,
        max_length=Appliance._meta.get_field("serial_number").max_length,
        validators=[refuse_control_characters],
    )
    purchased_on = forms.DateField(
        label=_("Purchased on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    create_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"]
        if not raw:
            return ""
        number = e164(raw)
        if not number:
            raise forms.ValidationError(
                _("That phone number is not valid: type it as the caller says it."),
                code="invalid",
            )
        return number

    def clean_country(self) -> str:
        country = self.cleaned_data["country"].strip().upper()
        if not (country.isascii() and country.isalpha()):
            raise forms.ValidationError(
                _("Give the country as its two-letter code (IT, ES, BG)."), code="invalid"
            )
        return country

    def clean(self):
        data = super().clean()
        if data.get("serial_number") and data.get("model") is None and "model" not in self.errors:
            self.add_error("model", _("Choose the appliance's model, or leave the serial empty."))
        if data.get("model") is not None and not data.get("serial_number"):
            self.add_error("serial_number", _("Give the serial number from the rating plate."))
        return data


# The ticket page's actions: one small form each (tickets.services has the rules).


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=Ticket.Priority.choices
    )
    reason = forms.CharField(label=_("Why"), required=False, max_length=texts.REASON)


class KindForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of job"), choices=Ticket.Kind.choices)
    reason = forms.CharField(label=_("Why"), required=False, max_length=texts.REASON)


class ReasonForm(forms.Form):
    """Cancel and reopen: the reason is required."""

    reason = forms.CharField(
        label=_("Why"),
        max_length=texts.REASON,
        error_messages={"required": _("Say why.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    """Resolve and close: a note is welcome, not required."""

    reason = forms.CharField(label=_("Note"), required=False, max_length=texts.REASON)


class VisitForm(forms.Form):
    """Another visit for the ticket, with the arrival window the customer asks for, if any, on
    the site's clock (`tz`)."""

    window_day = forms.DateField(
        label=_("Customer's preferred day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    window_from = forms.TimeField(
        label=_("Arrival from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), required=False, min_value=5, max_value=12 * 60
    )

    def __init__(self, *args, tz: ZoneInfo, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz

    def clean(self):
        data = super().clean()
        data["window_start"] = data["window_end"] = None
        day, start = data.get("window_day"), data.get("window_from")
        if bool(day) != bool(start):
            self.add_error("window_day", _("Give both the day and the arrival time, or neither."))
        elif day and too_far_ahead(day):
            self.add_error(
                "window_day",
                _("The arrival window can be at most %(days)d days ahead.")
                % {"days": MAX_DAYS_AHEAD},
            )
        elif day and start:
            data["window_start"] = datetime.datetime.combine(day, start, tzinfo=self.tz)
            data["window_end"] = data["window_start"] + datetime.timedelta(
                minutes=settings.FIELDSERVICE["ARRIVAL_WINDOW_MINUTES"]
            )
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files in one input (Django's documented pattern); a list, maybe empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in (super(MultipleFileField, self).clean(d, initial) for d in files) if f]


class MessageForm(forms.Form):
    """A public reply or an internal note on a ticket, with files (size checked by the
    service, which names the file)."""

    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
        error_messages={"required": _("Write the message.")},
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)


class ConfirmContactForm(forms.Form):
    """Whose address an unknown sender's is: the customer's number (shown on their page)."""

    customer = forms.ModelChoiceField(
        label=_("Customer number"),
        queryset=Customer.objects.all(),
        widget=forms.NumberInput,
        error_messages={
            "required": _("Give the number of the customer this address belongs to."),
            "invalid_choice": _("No customer has that number."),
        },
    )


class PlaceSiteForm(forms.Form):
    """Where the pin of an address goes: both coordinates, from the map or typed."""

    latitude = coordinate_field("latitude")
    longitude = coordinate_field("longitude")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
            field.error_messages["required"] = _("Place the pin on the map.")


class ErrorCodeChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        owner = obj.appliance_model or f"{obj.manufacturer} {obj.get_category_display()}"
        return f"{obj.code} · {obj.title} ({owner})"


def _plain(value: str, *, field: str, label: str, one_line: bool = False) -> str:
    try:
        ensure_plain_text(value, field=field, label=label, one_line=one_line)
    except InvalidInput as err:
        raise forms.ValidationError(err.message, code="control_characters") from err
    return value


class ArticleForm(forms.Form):
    """A knowledge-base article as staff write it; catalog.services.save_article checks it
    again whoever calls it."""

    title = forms.CharField(label=_("Title"), max_length=TITLE, required=False)
    symptoms = forms.CharField(
        label=_("Symptoms"),
        required=False,
        max_length=TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the caller sees or hears."),
    )
    steps = forms.CharField(
        label=_("Steps"),
        required=False,
        max_length=TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text, one step a line: what to walk the caller through."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Article.Visibility.choices,
        initial=Article.Visibility.INTERNAL,
        help_text=_("Public articles are shown to customers in the portal."),
    )
    error_codes = ErrorCodeChoices(
        label=_("Error codes"),
        queryset=ErrorCode.objects.select_related("appliance_model"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": _("Unknown error code: %(value)s.")},
    )
    appliance_models = forms.ModelMultipleChoiceField(
        label=_("Appliance models"),
        queryset=ApplianceModel.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        error_messages={"invalid_choice": _("Unknown appliance model: %(value)s.")},
    )

    def clean_title(self):
        return _plain(
            self.cleaned_data["title"], field="title", label=_("The title"), one_line=True
        )

    def clean_symptoms(self):
        return _plain(self.cleaned_data["symptoms"], field="symptoms", label=_("Symptoms"))

    def clean_steps(self):
        return _plain(self.cleaned_data["steps"], field="steps", label=_("Steps"))


class ArticleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search articles"), required=False, max_length=200)

    def clean_q(self):
        return _plain(self.cleaned_data["q"], field="q", label=_("The search"), one_line=True)


class SolveOnPhoneForm(forms.Form):
    """Solved on the phone: how, and with which article (the ticket's codes' ones first)."""

    resolution_code = forms.ChoiceField(
        label=_("How it was solved"),
        choices=[("", "---------"), *Ticket.Resolution.choices],
        error_messages={"required": _("Choose how the problem was solved.")},
    )
    article = _article_used()
    notes = _what_was_done()

    def __init__(self, *args, suggested=(), others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = article_choices(suggested, others)


def article_choices(suggested, others) -> list:
    """The article picker's options: the ones for the ticket's codes first, then the rest."""
    choices: list = [("", "---------")]
    if suggested:
        choices.append((_("For these codes"), [(a.pk, a.title) for a in suggested]))
    if others:
        choices.append((_("Other articles"), [(a.pk, a.title) for a in others]))
    return choices


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
    maintenance = forms.ChoiceField(
        label=_("Maintenance"),
        required=False,
        choices=[
            *_any(_("Any ticket")),
            ("due", _("Maintenance due in 14 days")),
            ("overdue", _("Maintenance overdue")),
        ],
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
