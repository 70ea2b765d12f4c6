"""Data out: the office's objects (customers, contacts, sites, appliances, contracts, parts,
technicians)
and the rows behind a figure, as CSV or XLSX through django-import-export.

Every text cell that a spreadsheet would read as a formula (= + - @, a tab or a return first)
is written with a leading quote (desk.export.safe_cell), whichever the format: an exported
name such as "=HYPERLINK(...)" stays text when the file is opened.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.formats.base_formats import CSV, XLSX

from catalog.models import Part
from contracts.models import ServiceContract
from customers.models import Appliance, Contact, Customer, Site
from desk.export import safe_cell
from technicians.models import Technician
from tickets.models import Ticket, Visit

FORMATS = {"csv": CSV, "xlsx": XLSX}


class SafeResource(resources.ModelResource):
    """A resource whose every exported text is safe to open in a spreadsheet."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return safe_cell(value) if isinstance(value, str) else value


class CustomerResource(SafeResource):
    class Meta:
        model = Customer
        fields = ("id", "kind", "name", "email", "phone", "language", "external_id")


class ContactResource(SafeResource):
    """An organization's contacts, with the columns their import reads."""

    customer_external_id = fields.Field(
        attribute="customer__external_id", column_name="customer_external_id"
    )
    customer_email = fields.Field(attribute="customer__email", column_name="customer_email")
    organization = fields.Field(attribute="customer__name", column_name="organization")
    email = fields.Field(attribute="user__email", column_name="email")
    first_name = fields.Field(attribute="user__first_name", column_name="first_name")
    last_name = fields.Field(attribute="user__last_name", column_name="last_name")

    class Meta:
        model = Contact
        fields = (
            "id",
            "customer_external_id",
            "customer_email",
            "organization",
            "email",
            "first_name",
            "last_name",
            "phone",
            "role",
        )


class SiteResource(SafeResource):
    customer = fields.Field(attribute="customer__name", column_name="customer")

    class Meta:
        model = Site
        fields = (
            "id",
            "customer",
            "label",
            "address",
            "city",
            "postal_code",
            "country",
            "latitude",
            "longitude",
            "timezone",
        )


class ApplianceResource(SafeResource):
    manufacturer = fields.Field(attribute="model__manufacturer", column_name="manufacturer")
    model_number = fields.Field(attribute="model__model_number", column_name="model_number")

    class Meta:
        model = Appliance
        fields = (
            "id",
            "site",
            "manufacturer",
            "model_number",
            "serial_number",
            "installed_on",
            "warranty_until",
            "location",
            "assigned_to",
        )


class ContractResource(SafeResource):
    customer = fields.Field(attribute="customer__name", column_name="customer")

    class Meta:
        model = ServiceContract
        fields = (
            "id",
            "number",
            "customer",
            "starts_on",
            "ends_on",
            "response_hours",
            "labour",
            "parts_included",
            "hour_bank",
            "low_balance_minutes",
        )


class PartResource(SafeResource):
    class Meta:
        model = Part
        fields = ("id", "sku", "name", "unit_price")


class TechnicianResource(SafeResource):
    username = fields.Field(attribute="user__username", column_name="username")
    first_name = fields.Field(attribute="user__first_name", column_name="first_name")
    last_name = fields.Field(attribute="user__last_name", column_name="last_name")
    email = fields.Field(attribute="user__email", column_name="email")

    class Meta:
        model = Technician
        fields = (
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "region",
            "home_latitude",
            "home_longitude",
            "active",
        )


class TicketRowResource(SafeResource):
    number = fields.Field(attribute="number", column_name="number")
    customer = fields.Field(attribute="customer__name", column_name="customer")

    class Meta:
        model = Ticket
        fields = ("number", "customer", "kind", "status", "priority", "created_at", "resolved_at")


class VisitRowResource(SafeResource):
    ticket = fields.Field(attribute="ticket__number", column_name="ticket")
    customer = fields.Field(attribute="ticket__customer__name", column_name="customer")
    technician = fields.Field(attribute="technician__user__username", column_name="technician")

    class Meta:
        model = Visit
        fields = (
            "id",
            "ticket",
            "customer",
            "technician",
            "status",
            "outcome",
            "en_route_at",
            "actual_start",
            "actual_end",
        )


# What the export page offers: name -> (label, resource, the rows with what they show).
OBJECTS = {
    "customers": (_("Customers"), CustomerResource, lambda: Customer.objects.order_by("pk")),
    "contacts": (
        _("Contacts"),
        ContactResource,
        lambda: Contact.objects.select_related("customer", "user").order_by("pk"),
    ),
    "sites": (_("Sites"), SiteResource, lambda: Site.objects.select_related("customer")),
    "appliances": (
        _("Appliances"),
        ApplianceResource,
        lambda: Appliance.objects.select_related("model").order_by("pk"),
    ),
    "contracts": (
        _("Contracts"),
        ContractResource,
        lambda: ServiceContract.objects.select_related("customer").order_by("pk"),
    ),
    "parts": (_("Parts"), PartResource, lambda: Part.objects.order_by("pk")),
    "technicians": (
        _("Technicians"),
        TechnicianResource,
        lambda: Technician.objects.select_related("user").order_by("pk"),
    ),
}


# The rows behind a figure, by their kind (insights.selectors.counted): the resource that
# writes them, their model and the related rows their columns read.
ROWS: dict[str, tuple[type[SafeResource], type[Model], tuple[str, ...]]] = {
    "visits": (VisitRowResource, Visit, ("ticket__customer", "technician__user")),
    "tickets": (TicketRowResource, Ticket, ("customer",)),
}


def export_objects(name: str, fmt: str) -> bytes | str:
    """Every row of one kind of object as a CSV or XLSX file; KeyError for an unknown one."""
    _label, resource, rows = OBJECTS[name]
    return _file(resource, rows(), fmt)


def export_rows(kind: str, rows: QuerySet, fmt: str) -> bytes | str:
    """The tickets or visits a figure counts (insights.selectors.counted), every one of them."""
    resource, model, related = ROWS[kind]
    listed = model._default_manager.filter(pk__in=rows.values("pk")).select_related(*related)
    return _file(resource, listed.order_by("pk"), fmt)


def _file(resource: type[SafeResource], rows: QuerySet, fmt: str) -> bytes | str:
    """`rows` through `resource` as a file in the format `fmt` names."""
    return FORMATS[fmt]().export_data(resource().export(rows))
