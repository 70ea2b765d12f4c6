from django.contrib import admin

from .models import Appliance, ApplianceModel, Contact, Customer, Site


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "email", "phone"]
    list_filter = ["kind", "language"]
    search_fields = [
        "name",
        "email",
        "phone",
        "sites__appliances__serial_number",
        "contacts__user__email",
    ]
    inlines = [ContactInline, SiteInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """Who is a contact of which organization, in which role (the portal's administrators keep
    their own at /portal/contacts/)."""

    list_display = ["user", "customer", "role", "phone", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__last_name", "customer__name", "phone"]
    list_select_related = ["user", "customer"]
    raw_id_fields = ["user", "customer"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["address", "city", "customer", "timezone"]
    list_filter = ["city", "country"]
    search_fields = ["address", "city", "postal_code", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]


@admin.register(ApplianceModel)
class ApplianceModelAdmin(admin.ModelAdmin):
    list_display = ["manufacturer", "model_number", "name", "category", "warranty_months"]
    list_filter = ["category", "manufacturer"]
    search_fields = ["manufacturer", "model_number", "name"]


@admin.register(Appliance)
class ApplianceAdmin(admin.ModelAdmin):
    list_display = [
        "serial_number",
        "model",
        "needs_matching",
        "described_manufacturer",
        "described_model",
        "site",
        "location",
        "assigned_to",
        "warranty_until",
    ]
    # The desk's queue of appliances customers described: pick the model, untick the flag.
    list_filter = ["needs_matching", "model__category", "model__manufacturer"]
    search_fields = [
        "serial_number",
        "model__model_number",
        "described_model",
        "site__customer__name",
        "location",
        "assigned_to",
    ]
    list_select_related = ["model", "site"]
    raw_id_fields = ["site"]
    date_hierarchy = "warranty_until"
