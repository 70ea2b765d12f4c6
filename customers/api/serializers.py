"""Customers' records as the API shows them (output) and takes them (input)."""

from __future__ import annotations

from django.conf import settings
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from fieldservice import texts
from fieldservice.api import ScopedPrimaryKeyField, free_text

from ..models import Appliance, ApplianceModel, Customer, Site
from ..selectors import customers_for, sites_for

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class CustomerSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(read_only=True, help_text="E.164 phone number, or empty.")

    class Meta:
        model = Customer
        fields = ["id", "kind", "name", "email", "phone", "language", "created_at"]


class CustomerInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="The person's or company's name.")
    # Customer.email holds 254 characters; Django's validator lets up to 320 through.
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    phone = PhoneNumberField(
        required=False, allow_blank=True, default="", help_text="Phone number, E.164 or local."
    )
    kind = serializers.ChoiceField(choices=Customer.Kind.choices, default=Customer.Kind.PERSON)
    language = serializers.ChoiceField(
        choices=LANGUAGES, default="en", help_text="Language of the messages sent to them."
    )


class SiteSerializer(serializers.ModelSerializer):
    timezone = serializers.CharField(source="timezone.key", read_only=True)

    class Meta:
        model = Site
        fields = [
            "id",
            "customer",
            "label",
            "address",
            "city",
            "postal_code",
            "country",
            "latitude",
            "longitude",
            "placement",
            "timezone",
            "access_notes",
        ]


class SiteInSerializer(serializers.Serializer):
    customer = ScopedPrimaryKeyField(
        scope=customers_for,
        queryset=Customer.objects.all(),
        required=False,
        help_text="Whose address; customers may leave it out for their own.",
    )
    address = serializers.CharField(max_length=250)
    city = serializers.CharField(max_length=100)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    country = serializers.CharField(
        min_length=2, max_length=2, required=False, default="", help_text="ISO 3166 code."
    )
    latitude = serializers.FloatField(
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
        default=None,
        help_text="With longitude, where a person placed the pin; left out, the address is "
        "geocoded, and one that cannot be found is saved with placement `unplaced`.",
    )
    longitude = serializers.FloatField(
        min_value=-180, max_value=180, required=False, allow_null=True, default=None
    )
    access_notes = free_text(
        max_length=texts.ACCESS_NOTES, required=False, allow_blank=True, default=""
    )


class ApplianceModelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplianceModel
        fields = ["id", "manufacturer", "model_number", "name", "category", "warranty_months"]


class ApplianceSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="site.customer_id", read_only=True)

    class Meta:
        model = Appliance
        fields = [
            "id",
            "site",
            "customer",
            "model",
            "serial_number",
            "installed_on",
            "warranty_until",
            "location",
            "assigned_to",
        ]


class ApplianceInSerializer(serializers.Serializer):
    site = ScopedPrimaryKeyField(
        scope=sites_for, queryset=Site.objects.all(), help_text="Where the appliance stands."
    )
    model = serializers.PrimaryKeyRelatedField(queryset=ApplianceModel.objects.all())
    serial_number = serializers.CharField(max_length=100)
    purchased_on = serializers.DateField(required=False, allow_null=True, default=None)
    warranty_until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Leave out to follow the model's warranty from the purchase date. "
        "Dispatchers only: from anyone else it is a 400.",
    )
