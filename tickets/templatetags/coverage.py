"""`{% contract_entitlements contract as e %}`: what a ticket's contract gives today, for the
ticket page (the intake shows its decision's own)."""

from django import template
from django.utils import timezone

from contracts.models import ServiceContract
from tickets.coverage import Entitlements, entitlements

register = template.Library()


@register.simple_tag
def contract_entitlements(contract: ServiceContract | None) -> Entitlements | None:
    if contract is None:
        return None
    return entitlements(contract, timezone.localdate())
