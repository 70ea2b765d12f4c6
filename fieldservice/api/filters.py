"""The API lists' date-time filter: ISO 8601 with a UTC offset PostgreSQL can compare.

Python reads offsets up to 23:59, PostgreSQL refuses 16 hours or more with an error, so a
filter passed them on as a 500. No place on Earth is further than 14 hours from UTC."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

MAX_UTC_OFFSET = datetime.timedelta(hours=14)


def usable_offset(moment: datetime.datetime) -> bool:
    """Whether a date-time is naive or at most MAX_UTC_OFFSET from UTC."""
    offset = moment.utcoffset()
    return offset is None or abs(offset) <= MAX_UTC_OFFSET


class OffsetCheckedDateTimeField(IsoDateTimeField):
    default_error_messages = {"utc_offset": _("Give a UTC offset from -14:00 to +14:00.")}

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is not None and not usable_offset(moment):
            raise forms.ValidationError(self.error_messages["utc_offset"], code="utc_offset")
        return moment


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time; an offset further than 14 hours from UTC is a 400 naming the
    filter."""

    field_class = OffsetCheckedDateTimeField
