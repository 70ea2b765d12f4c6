"""The API lists' date-time filter: ISO 8601 with a UTC offset PostgreSQL can compare
(fieldservice.forms.usable_offset)."""

from __future__ import annotations

import django_filters
from django_filters.fields import IsoDateTimeField

from ..forms import check_offset


class OffsetCheckedDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        return check_offset(super().to_python(value))


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time; an offset further than 14 hours from UTC is a 400 naming the
    filter."""

    field_class = OffsetCheckedDateTimeField
