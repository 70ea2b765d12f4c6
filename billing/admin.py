from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import LabourRate, PartPrice, PriceList, Quote, QuoteLine, WarrantyClaim


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
