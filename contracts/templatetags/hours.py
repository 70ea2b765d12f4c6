"""`{{ minutes|hours }}`: a bank's minutes as hours and minutes (150 -> 2:30)."""

from django import template

from contracts.hours import hours_text

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    return hours_text(minutes or 0)
