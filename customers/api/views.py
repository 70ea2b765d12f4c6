"""Customers, their sites, appliances and contracts, and the appliance-model catalog."""

from __future__ import annotations

import django_filters
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from fieldservice import roles
from fieldservice.api import acting_customer, administrators_only, idempotent, valid_input
from fieldservice.api.access import ANY_ROLE, DISPATCHERS

from .. import selectors, services
from ..models import Appliance, ApplianceModel, Customer, Site
from . import serializers as s

WRITERS = frozenset({roles.DISPATCHER, roles.CUSTOMER})


class CustomerFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", help_text="Part of the name.")
    email = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Customer
        fields = ["name", "email", "kind"]


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Customers: all for dispatchers, those behind a technician's visits, a customer's own."""

    serializer_class = s.CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ["id", "name", "created_at"]
    allowed_roles = {
        "list": ANY_ROLE,
        "retrieve": ANY_ROLE,
        "partial_update": WRITERS,
        "create": DISPATCHERS,
    }
    queryset = Customer.objects.none()

    def get_queryset(self):
        return selectors.customers_for(self.request.user)

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return s.CustomerInSerializer
        return s.CustomerSerializer

    @idempotent
    def create(self, request):
        """Add a customer (dispatchers)."""
        data = valid_input(self, s.CustomerInSerializer)
        customer = services.create_customer(**data)
        return Response(s.CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        """Change name, contact details or language (dispatchers; customers their own)."""
        administrators_only(request)
        customer = self.get_object()
        data = valid_input(self, s.CustomerInSerializer, partial=True)
        customer = services.update_customer(customer=customer, **data)
        return Response(s.CustomerSerializer(customer).data)


class SiteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Service addresses, scoped like customers."""

    serializer_class = s.SiteSerializer
    filterset_fields = ["customer", "city"]
    ordering_fields = ["id", "city"]
    allowed_roles = {"list": ANY_ROLE, "retrieve": ANY_ROLE, "create": WRITERS}
    queryset = Site.objects.none()

    def get_queryset(self):
        return selectors.sites_for(self.request.user)

    def get_serializer_class(self):
        return s.SiteInSerializer if self.action == "create" else s.SiteSerializer

    @idempotent
    def create(self, request):
        """Add an address; a customer adds their own, a dispatcher names the customer."""
        administrators_only(request)
        data = dict(valid_input(self, s.SiteInSerializer))
        customer = acting_customer(
            request, data.pop("customer", None), missing="Name the customer whose address this is."
        )
        site = services.add_site(customer=customer, **data)
        return Response(s.SiteSerializer(site).data, status=status.HTTP_201_CREATED)


class ApplianceModelViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalog of appliance models, for everyone signed in; kept in the admin."""

    serializer_class = s.ApplianceModelSerializer
    queryset = ApplianceModel.objects.all()
    filterset_fields = ["manufacturer", "category", "model_number"]
    ordering_fields = ["id", "manufacturer", "model_number"]
    allowed_roles = {"list": ANY_ROLE, "retrieve": ANY_ROLE}


class ApplianceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Registered appliances with serial number and warranty, scoped like customers."""

    serializer_class = s.ApplianceSerializer
    filterset_fields = ["site", "model", "serial_number"]
    ordering_fields = ["id", "serial_number", "warranty_until"]
    allowed_roles = {"list": ANY_ROLE, "retrieve": ANY_ROLE, "create": WRITERS}
    queryset = Appliance.objects.none()

    def get_queryset(self):
        return selectors.appliances_for(self.request.user)

    def get_serializer_class(self):
        return s.ApplianceInSerializer if self.action == "create" else s.ApplianceSerializer

    @idempotent
    def create(self, request):
        """Register an appliance at one of the sites you may see."""
        appliance = services.register_appliance(
            **valid_input(self, s.ApplianceInSerializer), by=request.user
        )
        return Response(s.ApplianceSerializer(appliance).data, status=status.HTTP_201_CREATED)
