"""The customer's forms: each names what is wrong beside the field."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from catalog.codes import split_codes
from customers.forms import PinnedAddressMixin
from customers.models import Appliance, ApplianceModel, Contact, Site
from customers.services import EARLIEST_PURCHASE
from fieldservice import texts
from fieldservice.forms import AwareDateTimeField, SubmitOnceForm
from tickets.models import Ticket


class SignUpForm(PinnedAddressMixin, forms.Form):
    field_order = ("name", "email", "phone", "language", "password", "address", "postal_code")

    name = forms.CharField(label=_("Your name"), max_length=200)
    # The email becomes the login name, which holds 150 characters.
    email = forms.EmailField(label=_("Email"), max_length=150)
    # Checked and stored as E.164 by the service; the technician calls it, SMS go to it.
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Give a phone number, so the technician can call you.")},
    )
    # Each language in its own words; blank (a hand-made request) means the page's.
    language = forms.ChoiceField(
        label=_("Language for our messages"),
        choices=[
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ],
        required=False,
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    address = forms.CharField(
        label=_("Street and number"),
        max_length=250,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    postal_code = forms.CharField(
        label=_("Postcode"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    # No default place: one filled in for everybody (the city centre) would send technicians
    # and the planner to the wrong street. The map's pin or "Use my location" fills the
    # coordinates; left empty, the address is geocoded (PinnedAddressMixin's fields).

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class ModelSearchForm(forms.Form):
    """The add-appliance page's search for a model, by what its rating plate says."""

    q = forms.CharField(
        label=_("Find the model (manufacturer or model number)"), required=False, max_length=100
    )


class ApplianceForm(forms.Form):
    """An appliance by its catalogue model, or, when the model is not in the list, described
    (brand, model as printed, category) for the desk to match (customers.register_appliance
    checks the description)."""

    DESCRIBED = ("described_manufacturer", "described_model", "described_category")

    site = forms.ModelChoiceField(label=_("Address"), queryset=Site.objects.none())
    model = forms.ModelChoiceField(
        label=_("Model"), required=False, queryset=ApplianceModel.objects.all()
    )
    described_manufacturer = forms.CharField(label=_("Brand"), required=False, max_length=100)
    described_model = forms.CharField(
        label=_("Model, as printed on the rating plate"), required=False, max_length=100
    )
    described_category = forms.ChoiceField(
        label=_("What kind of appliance?"),
        required=False,
        choices=[("", _("Choose…")), *ApplianceModel.Category.choices],
    )
    serial_number = forms.CharField(label=_("Serial number"), max_length=100)
    purchased_on = forms.DateField(
        label=_("Purchase date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "min": EARLIEST_PURCHASE.isoformat()}),
    )

    def __init__(self, *args, customer, model_query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = customer.sites.all()
        if model_query:
            # Find the model by manufacturer or model number, as printed on the rating plate.
            words = model_query.split()
            models = ApplianceModel.objects.all()
            for word in words:
                models = models.filter(
                    Q(manufacturer__icontains=word) | Q(model_number__icontains=word)
                )
            self.fields["model"].queryset = models
            if not models.exists():
                # Nothing found: what they searched for is likely the model as printed.
                self.fields["described_model"].initial = model_query

    def described_fields(self):
        return [self[name] for name in self.DESCRIBED]


class CodeSearchForm(forms.Form):
    """What the booking page sends while the customer types a code from the display."""

    appliance = forms.ModelChoiceField(
        label=_("Which appliance?"),
        required=False,
        queryset=Appliance.objects.none(),
        error_messages={"invalid_choice": _("Choose one of your appliances.")},
    )
    codes = forms.CharField(label=_("Code on the display, if any"), required=False, max_length=100)

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appliance"].queryset = Appliance.objects.filter(
            site__customer=customer
        ).select_related("model")


class BookingForm(SubmitOnceForm):
    """What the customer needs, then a window. Each kind of job asks its own fields
    (FIELDS_BY_KIND, which book.html's fieldsets follow); the page shows those of the kind
    chosen, and only they are checked."""

    FIELDS_BY_KIND: ClassVar[dict[str, tuple[str, ...]]] = {
        Ticket.Kind.REPAIR: ("appliance", "codes", "description"),
        Ticket.Kind.MAINTENANCE: ("appliance", "description"),
        Ticket.Kind.INSTALLATION: ("site", "model", "description"),
    }

    kind = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[
            ("", _("Choose…")),
            (Ticket.Kind.REPAIR, _("A repair")),
            (Ticket.Kind.INSTALLATION, _("An installation")),
            (Ticket.Kind.MAINTENANCE, _("Maintenance")),
        ],
        error_messages={
            "required": _("Choose what you need: a repair, an installation or maintenance.")
        },
    )
    appliance = forms.ModelChoiceField(
        label=_("Which appliance?"),
        required=False,
        queryset=Appliance.objects.none(),
        error_messages={"invalid_choice": _("Choose one of your appliances.")},
    )
    site = forms.ModelChoiceField(
        label=_("Where should we install it?"),
        required=False,
        queryset=Site.objects.none(),
        error_messages={"invalid_choice": _("Choose one of your addresses.")},
    )
    model = forms.ModelChoiceField(
        label=_("Model to install"), required=False, queryset=ApplianceModel.objects.all()
    )
    codes = forms.CharField(
        label=_("Code on the display, if any"),
        required=False,
        max_length=100,
        # What the code means shows below as the customer types (portal:code_search).
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "hx-get": reverse_lazy("portal:code_search"),
                "hx-trigger": "keyup changed delay:250ms",
                "hx-target": "#code-help",
                "hx-include": "#job",
            }
        ),
    )
    description = forms.CharField(
        label=_("What is wrong? Anything the technician should know?"),
        required=False,
        max_length=texts.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    window = AwareDateTimeField(
        required=False,
        widget=forms.HiddenInput,
        input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"],
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appliance"].queryset = Appliance.objects.filter(
            site__customer=customer
        ).select_related("model", "site")
        self.fields["site"].queryset = customer.sites.all()

    def chosen_kind(self) -> str:
        """The kind the customer chose, once the form is sent ("" before)."""
        kind = self.data.get("kind", "") if self.is_bound else ""
        return kind if kind in self.FIELDS_BY_KIND else ""

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Ticket.Kind.INSTALLATION:
            if not data.get("site") and "site" not in self.errors:
                self.add_error("site", _("Choose where to install it."))
            if not data.get("model") and "model" not in self.errors:
                self.add_error("model", _("Choose the model to install."))
            data["appliance"] = None
        elif kind in self.FIELDS_BY_KIND:
            if data.get("appliance"):
                data["site"] = data["appliance"].site
            elif "appliance" not in self.errors:
                self.add_error("appliance", _("Choose the appliance, or add it first."))
            data["model"] = None
        # Codes are read off a broken appliance's display: only a repair sends them.
        data["code_list"] = split_codes(data.get("codes", "")) if kind == Ticket.Kind.REPAIR else []
        window = data.get("window")
        if window is not None and window < datetime.datetime.now(datetime.UTC):
            self.add_error("window", _("That window is in the past. Choose another one."))
        return data


class ContactForm(forms.Form):
    """An organization's administrator adds a contact by their email address, with a role and
    their own phone line if they have one."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Contact.Role.choices)
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


class ContactRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Contact.Role.choices)
