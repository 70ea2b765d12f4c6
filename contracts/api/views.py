"""Service contracts, read-only: kept at the desk and in the admin."""

from __future__ import annotations

from rest_framework import viewsets

from fieldservice import roles

from .. import selectors
from ..models import ServiceContract
from . import serializers as s


class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    """Service contracts: dispatchers see all, customers their own."""

    serializer_class = s.ContractSerializer
    filterset_fields = ["customer"]
    ordering_fields = ["id", "ends_on"]
    allowed_roles = {
        "list": frozenset({roles.DISPATCHER, roles.CUSTOMER}),
        "retrieve": frozenset({roles.DISPATCHER, roles.CUSTOMER}),
    }
    queryset = ServiceContract.objects.none()

    def get_queryset(self):
        return selectors.contracts_for(self.request.user).prefetch_related("appliances", "sites")
