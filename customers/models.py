"""Who the company serves, where, and what they own: customers, sites, appliances, contracts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from phonenumber_field.modelfields import PhoneNumberField
from timezone_field import TimeZoneField


class Customer(models.Model):
    """A person (a household: an organization of one) or a client company that calls for
    service. Its portal logins are its contacts (Contact), each with a role."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = PhoneNumberField(_("phone"), blank=True, db_index=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Quotes above this amount need an approver's (or an administrator's) acceptance; none: any
    # contact may accept.
    approval_threshold = MoneyField(
        _("approval threshold"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        default_currency="EUR",
    )
    # The customer's number in the system a company moves in from (an import's natural key,
    # beside the email address): a second import of the same file finds the same customer.
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["name"])]
        constraints = [
            # One customer per address, in any case, so a message reaches the right one; many
            # customers taken on the phone have none.
            models.UniqueConstraint(
                Lower("email"),
                name="customer_email_lower_unique",
                condition=~models.Q(email=""),
                violation_error_message=_("Another customer has this email address already."),
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                name="customer_external_id_unique",
                condition=~models.Q(external_id=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A portal user's place in an organization (a customer), with their role there. One person
    may be a contact of several organizations and switches between them in the portal."""

    class Role(models.TextChoices):
        REQUESTER = "requester", _("Requester")
        APPROVER = "approver", _("Approver")
        ADMINISTRATOR = "administrator", _("Administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REQUESTER)
    # The person's own line at the company (the company's switchboard is Customer.phone): the
    # desk finds a caller by it and the technician calls it.
    phone = PhoneNumberField(_("phone"), blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "customer"], name="contact_user_customer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.customer})"

    @property
    def sees_all_tickets(self) -> bool:
        """Approvers and administrators see all the organization's tickets; requesters their
        own."""
        return self.role != self.Role.REQUESTER

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR

    @property
    def name(self) -> str:
        """The person as the desk and the technician call them: full name, else email."""
        return self.user.get_full_name() or self.user.email or self.user.get_username()


class Site(models.Model):
    """An address where appliances stand and technicians go. Its coordinates come from
    geocoding or from a pin a person placed; an address that could not be placed has none
    (`placement` unplaced) and cannot be booked or planned until someone places it."""

    class Placement(models.TextChoices):
        GEOCODED_STREET = "geocoded_street", _("Found at the street")
        GEOCODED_CITY = "geocoded_city", _("Found in the city only")
        PINNED = "pinned", _("Placed on the map by hand")
        UNPLACED = "unplaced", _("Not on the map yet")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="sites"
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    address = models.CharField(_("street address"), max_length=250)
    city = models.CharField(_("city"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, default="IT")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    placement = models.CharField(
        _("placement"),
        max_length=20,
        choices=Placement.choices,
        default=Placement.UNPLACED,
        db_index=True,
    )
    timezone = TimeZoneField(_("time zone"), default=settings.TIME_ZONE)
    access_notes = models.TextField(_("access notes"), blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["customer", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="site_coordinates_valid",
            ),
            # Both coordinates or neither, and none exactly when the site is not placed: a
            # half-placed site would be planned at a point nobody chose.
            models.CheckConstraint(
                condition=(
                    models.Q(latitude__isnull=True, longitude__isnull=True, placement="unplaced")
                    | (
                        models.Q(latitude__isnull=False, longitude__isnull=False)
                        & ~models.Q(placement="unplaced")
                    )
                ),
                name="site_coordinates_with_placement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address}, {self.city}"

    @property
    def is_placed(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class ApplianceModel(models.Model):
    """A catalog entry: one manufacturer's model of an appliance."""

    class Category(models.TextChoices):
        PRINTER = "printer", _("Printer")
        HVAC = "hvac", _("HVAC")
        WASHING_MACHINE = "washing_machine", _("Washing machine")
        REFRIGERATOR = "refrigerator", _("Refrigerator")
        DISHWASHER = "dishwasher", _("Dishwasher")
        # An IT contractor's clients' equipment: their computers, printers and network devices
        # are appliances too, with a place at the site and the person using them.
        PC = "pc", _("PC")
        NETWORK = "network", _("Network")

    manufacturer = models.CharField(_("manufacturer"), max_length=100)
    model_number = models.CharField(_("model number"), max_length=100)
    name = models.CharField(_("name"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=24)

    class Meta:
        verbose_name = _("appliance model")
        verbose_name_plural = _("appliance models")
        ordering = ["manufacturer", "model_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "model_number"], name="appliance_model_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.model_number}"


class Appliance(models.Model):
    """One physical appliance at a site, with its serial number and warranty. A customer whose
    model is not in the catalogue describes it (brand, model as printed, category): it then has
    no model and `needs_matching` until the desk picks the catalogue entry."""

    model = models.ForeignKey(
        ApplianceModel,
        verbose_name=_("model"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    described_manufacturer = models.CharField(_("brand, as described"), max_length=100, blank=True)
    described_model = models.CharField(_("model, as printed"), max_length=100, blank=True)
    described_category = models.CharField(
        _("category, as described"),
        max_length=20,
        choices=ApplianceModel.Category.choices,
        blank=True,
    )
    needs_matching = models.BooleanField(
        _("needs matching to the catalogue"), default=False, db_index=True
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="appliances"
    )
    serial_number = models.CharField(_("serial number"), max_length=100, db_index=True)
    # Where at the site it stands (room, floor, desk) and who uses it: for an organization's
    # computers and printers the technician asks for the person, not the address.
    location = models.CharField(_("location at the site"), max_length=100, blank=True)
    assigned_to = models.CharField(_("assigned to"), max_length=150, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    # Repaired in the workshop and sold on as refurbished (depot.services.mark_refurbished):
    # its own warranty, which coverage uses besides the manufacturer's.
    refurbished_on = models.DateField(_("refurbished on"), null=True, blank=True)
    refurbished_warranty_until = models.DateField(
        _("refurbished warranty until"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("appliance")
        verbose_name_plural = _("appliances")
        ordering = ["site", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["model", "serial_number"], name="appliance_serial"),
            # Without a catalogue model, the description is what the desk matches it by.
            models.CheckConstraint(
                condition=models.Q(model__isnull=False)
                | (
                    models.Q(needs_matching=True)
                    & ~models.Q(described_manufacturer="")
                    & ~models.Q(described_model="")
                    & ~models.Q(described_category="")
                ),
                name="appliance_model_or_description",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_label} #{self.serial_number}"

    @property
    def model_label(self) -> str:
        """The catalogue model, or what the customer described while it is not matched."""
        if self.model_id is not None:
            return str(self.model)
        return f"{self.described_manufacturer} {self.described_model}"

    @property
    def category(self) -> str:
        return self.model.category if self.model is not None else self.described_category
