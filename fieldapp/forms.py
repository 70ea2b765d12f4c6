"""The technician's job-record form: one form, the `what` field says which record it is."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.commissioning import COMMON, EXTRA
from fieldservice import texts


def quantity_field() -> forms.IntegerField:
    """How many of a part: a whole number from 1 to 999, in the page's form and the phone's."""
    message = _("The quantity must be a whole number from 1 to 999.")
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=999,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


def price_field() -> forms.DecimalField:
    """A repair option's price, as RepairOption.price holds it (10 digits, 2 decimals)."""
    too_big = _("The price must be below 100,000,000.")
    return forms.DecimalField(
        required=False,
        max_digits=10,
        decimal_places=2,
        error_messages={
            "invalid": _("The price must be an amount like 120.50."),
            "max_digits": too_big,
            "max_whole_digits": too_big,
            "max_decimal_places": _("The price has at most 2 decimals."),
        },
    )


def serial_field() -> forms.CharField:
    """The serial of the unit installed, as scanned or typed (Appliance.serial_number)."""
    return forms.CharField(
        required=False,
        max_length=100,
        strip=False,
        error_messages=dict(
            max_length=_("The serial number is at most %(limit_value)d characters."),
            null_characters_not_allowed=_("The serial number contains a null character."),
        ),
    )


# Every checklist item of any category: the service checks those of the visit's appliance.
CHECKLIST_KEYS = list(
    dict.fromkeys(i.key for i in [*COMMON, *(i for x in EXTRA.values() for i in x)])
)


def checked_field() -> forms.MultipleChoiceField:
    """The commissioning checklist's items ticked, by key."""
    return forms.MultipleChoiceField(
        required=False,
        choices=[(key, key) for key in CHECKLIST_KEYS],
        error_messages=dict(
            invalid_choice=_("%(value)s is not a checklist item."),
            invalid_list=_("Send the checklist items ticked as a list."),
        ),
    )


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
            ("commission", "commission"),
        ]
    )
    client_key = forms.CharField(required=False, max_length=64)
    text = forms.CharField(required=False, max_length=5000)
    kind = forms.CharField(required=False, max_length=12)
    part = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={"invalid": _("Unknown part."), "min_value": _("Unknown part.")},
    )
    quantity = quantity_field()
    price = price_field()
    option = forms.IntegerField(required=False)
    signature = forms.CharField(required=False, max_length=2_000_000)
    serial_number = serial_field()
    checked = checked_field()


class HandBackForm(forms.Form):
    """The technician cannot come: the reason goes to the dispatcher."""

    reason = forms.CharField(
        label=_("Why you cannot come"),
        max_length=texts.REASON,
        error_messages=dict(
            required=_("Say why you cannot come."),
            max_length=_("At most %(limit_value)d characters (this has %(show_value)d)."),
        ),
    )
    version = forms.IntegerField(required=False, min_value=0)


class SyncActionForm(forms.Form):
    """One action from the phone's outbox (JSON), checked field by field before anything is
    written: a wrong type or value is refused with a message naming the field, never cast."""

    key = forms.CharField(
        max_length=64,
        error_messages=dict(
            required=_("Each action needs its key."),
            max_length=_("The key is longer than 64 characters."),
            null_characters_not_allowed=_("The key contains a null character."),
        ),
    )
    type = forms.ChoiceField(
        choices=[
            (k, k)
            for k in (
                "step",
                "hand_back",
                "note",
                "part",
                "option",
                "choose",
                "decline",
                "sign",
                "commission",
                "position",
            )
        ],
        error_messages=dict(
            required=_("Each action needs its type."),
            invalid_choice=_("Unknown type of action."),
        ),
    )
    visit = forms.IntegerField(
        min_value=1,
        error_messages=dict(
            required=_("Each action names its visit."),
            invalid=_("The visit must be given by its number."),
            min_value=_("The visit must be given by its number."),
        ),
    )
    version = forms.IntegerField(
        required=False,
        min_value=0,
        error_messages=dict(
            invalid=_("The visit version must be a whole number."),
            min_value=_("The visit version must be a whole number."),
        ),
    )
    force = forms.BooleanField(required=False)
    # "On my way" for a visit not planned for today, confirmed by the technician.
    confirm = forms.BooleanField(required=False)
    to = forms.CharField(required=False, max_length=20)
    reason = forms.CharField(
        required=False,
        max_length=2000,
        error_messages=dict(max_length=_("The reason is longer than 2000 characters.")),
    )
    outcome = forms.CharField(required=False, max_length=30)
    text = forms.CharField(
        required=False,
        max_length=5000,
        strip=False,
        error_messages=dict(
            max_length=_("The text is longer than 5000 characters."),
            null_characters_not_allowed=_("The text contains a null character."),
        ),
    )
    kind = forms.CharField(required=False, max_length=12)
    part = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages=dict(invalid=_("Unknown part."), min_value=_("Unknown part.")),
    )
    quantity = quantity_field()
    price = price_field()
    option = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages=dict(
            invalid=_("Unknown repair option."), min_value=_("Unknown repair option.")
        ),
    )
    signature = forms.CharField(
        required=False,
        max_length=2_000_000,
        error_messages=dict(max_length=_("The signature image is too large.")),
    )
    serial_number = serial_field()
    checked = checked_field()
    # "position": where the phone was, how sure it was (metres), and when it read it.
    latitude = forms.FloatField(
        required=False,
        min_value=-90,
        max_value=90,
        error_messages=dict(
            invalid=_("The latitude must be a number of degrees."),
            min_value=_("The latitude must be between -90 and 90."),
            max_value=_("The latitude must be between -90 and 90."),
        ),
    )
    longitude = forms.FloatField(
        required=False,
        min_value=-180,
        max_value=180,
        error_messages=dict(
            invalid=_("The longitude must be a number of degrees."),
            min_value=_("The longitude must be between -180 and 180."),
            max_value=_("The longitude must be between -180 and 180."),
        ),
    )
    accuracy = forms.FloatField(
        required=False,
        min_value=0,
        error_messages=dict(
            invalid=_("The accuracy must be a number of metres."),
            min_value=_("The accuracy cannot be negative."),
        ),
    )
    recorded_at = forms.DateTimeField(
        required=False,
        error_messages=dict(invalid=_("The time of the position must be a date and time.")),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("type") == "position":
            for name in ("latitude", "longitude", "recorded_at"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("A position needs its latitude, longitude and time."))
        return data

    def first_error(self) -> str:
        return next(iter(self.errors.values()))[0]
