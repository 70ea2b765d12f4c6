"""The back office: companies and VAT rates, price lists, quotes and warranty claims, each with
its history; invoices read-only once issued (a mistake is corrected by a credit note, made at
/billing/)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Company,
    CustomerBilling,
    EInvoiceTransmission,
    Invoice,
    InvoiceLine,
    LabourRate,
    NumberSeries,
    PartPrice,
    Payment,
    PriceList,
    Quote,
    QuoteLine,
    TaxRate,
    VerifactuRecord,
    WarrantyClaim,
    WorkApproval,
)


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin):
    list_display = ("legal_name", "country", "vat_number", "is_default")


@admin.register(TaxRate)
class TaxRateAdmin(SimpleHistoryAdmin):
    list_display = ("country", "kind", "rate", "legal_reason", "active")
    list_filter = ("country", "kind", "active")


@admin.register(CustomerBilling)
class CustomerBillingAdmin(SimpleHistoryAdmin):
    list_display = ("customer", "vat_number", "country")
    raw_id_fields = ("customer",)


class LineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    raw_id_fields = ("charge",)

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.is_draft

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.is_draft

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.is_draft


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(SimpleHistoryAdmin):
    list_display = ("number", "kind", "status", "customer", "issued_on", "gross_total")
    list_filter = ("status", "kind", "company")
    search_fields = ("number", "customer__name")
    raw_id_fields = ("customer", "ticket", "corrects")
    inlines = (LineInline, PaymentInline)
    # Numbers, statuses and totals are the services' to set, never typed in.
    readonly_fields = (
        "status",
        "number",
        "sequence",
        "year",
        "issued_on",
        "net_total",
        "tax_total",
        "stamp_duty",
        "gross_total",
        "paid_total",
        "credited_total",
    )

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(NumberSeries)
class NumberSeriesAdmin(SimpleHistoryAdmin):
    list_display = ("company", "kind", "year", "last_number")
    readonly_fields = ("last_number",)

    def has_delete_permission(self, request, obj=None):
        return False


class LabourRateInline(admin.TabularInline):
    model = LabourRate
    extra = 0


@admin.register(PriceList)
class PriceListAdmin(SimpleHistoryAdmin):
    list_display = ["name", "currency", "is_default", "callout_fee", "travel"]
    list_filter = ["currency", "is_default"]
    search_fields = ["name"]
    filter_horizontal = ["customers", "contracts"]
    inlines = [LabourRateInline]


@admin.register(LabourRate)
class LabourRateAdmin(SimpleHistoryAdmin):
    list_display = ["price_list", "kind", "hourly_rate", "after_hours_factor", "weekend_factor"]
    list_filter = ["price_list", "kind"]
    list_select_related = ["price_list"]


@admin.register(PartPrice)
class PartPriceAdmin(SimpleHistoryAdmin):
    list_display = ["price_list", "part", "price"]
    list_filter = ["price_list"]
    search_fields = ["part__sku", "part__name"]
    list_select_related = ["price_list", "part"]


class QuoteLineInline(admin.TabularInline):
    model = QuoteLine
    extra = 0
    raw_id_fields = ["part", "repair_option"]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["number", "ticket", "status", "valid_until", "decided_how", "decided_at"]
    list_filter = ["status", "decided_how"]
    search_fields = ["number", "ticket__number"]
    raw_id_fields = ["ticket", "visit", "billed_visit"]
    inlines = [QuoteLineInline]


@admin.register(WarrantyClaim)
class WarrantyClaimAdmin(admin.ModelAdmin):
    list_display = ["manufacturer", "status", "opened_at"]
    list_filter = ["status", "manufacturer"]
    filter_horizontal = ["lines"]


@admin.register(VerifactuRecord)
class VerifactuRecordAdmin(admin.ModelAdmin):
    """Read only: the chain is appended to by issuing, never edited."""

    list_display = ["issuer_nif", "position", "kind", "invoice_number", "invoice_date", "hash"]
    list_filter = ["kind", "issuer_nif"]
    search_fields = ["invoice_number", "hash"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EInvoiceTransmission)
class EInvoiceTransmissionAdmin(admin.ModelAdmin):
    """Read only: sending and receipts go through billing.services.transmissions."""

    list_display = ["file_name", "invoice", "state", "sent_at", "receipt_kind", "receipt_at"]
    list_filter = ["state"]
    list_select_related = ["invoice"]
    search_fields = ["file_name", "invoice__number"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkApproval)
class WorkApprovalAdmin(admin.ModelAdmin):
    """Requests for a client's approval of billable work: decided through the approver's
    link only, so the back office reads them."""

    list_display = ["quote", "status", "amount", "requested_by", "requested_at", "decided_by_name"]
    list_filter = ["status"]
    search_fields = ["quote__number", "quote__ticket__number", "quote__ticket__customer__name"]
    list_select_related = ["quote", "requested_by"]
    readonly_fields = [f.name for f in WorkApproval._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
