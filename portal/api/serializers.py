"""Free windows and bookings as the API shows and takes them."""

from __future__ import annotations

from rest_framework import serializers

from customers.models import Appliance, ApplianceModel, Customer, Site
from customers.selectors import appliances_for, customers_for, sites_for
from fieldservice import texts
from fieldservice.api import ScopedPrimaryKeyField, free_text
from tickets.api.serializers import TicketSerializer, VisitSerializer
from tickets.models import Ticket

from ..services import BOOKING_HORIZON_DAYS


class JobSerializer(serializers.Serializer):
    site = ScopedPrimaryKeyField(
        scope=sites_for, queryset=Site.objects.all(), help_text="Where the visit goes."
    )
    kind = serializers.ChoiceField(choices=Ticket.Kind.choices, default=Ticket.Kind.REPAIR)
    appliance = ScopedPrimaryKeyField(
        scope=appliances_for,
        queryset=Appliance.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The registered appliance to repair or maintain.",
    )
    appliance_model = serializers.PrimaryKeyRelatedField(
        queryset=ApplianceModel.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The model to install, when no appliance is registered yet.",
    )
    codes = serializers.ListField(
        child=serializers.CharField(max_length=texts.CODE),
        required=False,
        default=list,
        max_length=texts.CODES,
    )

    def validate(self, attrs):
        if attrs["appliance"] is None and attrs["appliance_model"] is None:
            raise serializers.ValidationError(
                {"appliance": ["Choose the appliance, or the model to install."]}
            )
        if attrs["appliance"] is not None and attrs["appliance"].site_id != attrs["site"].pk:
            raise serializers.ValidationError({"appliance": ["The appliance is not at this site."]})
        return attrs


class AvailabilityQuery(JobSerializer):
    days = serializers.IntegerField(min_value=1, max_value=BOOKING_HORIZON_DAYS, default=14)


class WindowSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="Arrival window from.")
    end = serializers.DateTimeField(help_text="Arrival window to.")


class BookingInSerializer(JobSerializer):
    customer = ScopedPrimaryKeyField(
        scope=customers_for,
        queryset=Customer.objects.all(),
        required=False,
        help_text="Dispatchers name the customer; customers book for themselves.",
    )
    window_start = serializers.DateTimeField(help_text="The start of a window from availability.")
    description = free_text(
        max_length=texts.DESCRIPTION, required=False, allow_blank=True, default=""
    )


class BookingSerializer(serializers.Serializer):
    ticket = TicketSerializer()
    visit = VisitSerializer()


class RescheduleSerializer(serializers.Serializer):
    window_start = serializers.DateTimeField(help_text="The start of another free window.")
