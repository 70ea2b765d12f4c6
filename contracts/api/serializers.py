from rest_framework import serializers

from ..models import ServiceContract


class ContractSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceContract
        fields = [
            "id",
            "customer",
            "number",
            "starts_on",
            "ends_on",
            "appliances",
            "sites",
            "response_hours",
            "support_hours",
            "labour",
            "labour_discount_percent",
            "parts_included",
            "included_visits_per_year",
            "hour_bank",
        ]
