"""Form fields every page that takes an address shares: the country, and the map pin's
coordinates (templates/customers/_map_pin.html draws the map that fills them)."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Site


def country_choices() -> list[tuple[str, str]]:
    """The countries by their ISO code, named in the page's language (Babel's CLDR data)."""
    try:
        locale = Locale.parse(get_language() or settings.LANGUAGE_CODE, sep="-")
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    names = {code: name for code, name in locale.territories.items() if len(code) == 2}
    return sorted(names.items(), key=lambda item: item[1])


def country_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Country"),
        choices=country_choices,
        required=False,  # a request without it means the company's country
        initial=settings.FIELDSERVICE["COUNTRY"] or Site._meta.get_field("country").get_default(),
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )


def coordinate_field(which: str) -> forms.FloatField:
    """A coordinate the map's pin writes (or a person types); empty, the address is geocoded."""
    latitude = which == "latitude"
    return forms.FloatField(
        label=_("Latitude") if latitude else _("Longitude"),
        min_value=-90 if latitude else -180,
        max_value=90 if latitude else 180,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", f"data-map-{which}": ""}
        ),
    )


class PinnedAddressMixin(forms.Form):
    """An address's country and the pin's coordinates, both or neither."""

    country = country_field()
    latitude = coordinate_field("latitude")
    longitude = coordinate_field("longitude")

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None) and not self.errors:
            missing = "latitude" if latitude is None else "longitude"
            self.add_error(
                missing,
                _("Give both the latitude and the longitude, or place the pin on the map."),
            )
        return data
