from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import HourBankEntry, PreventivePlan, ServiceContract


class HourBankEntryInline(admin.TabularInline):
    model = HourBankEntry
    extra = 0
    fields = ["on", "kind", "minutes", "note", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    raw_id_fields = ["created_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        # The bank's ledger is never edited: a mistake is corrected by an adjustment line.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ServiceContract)
class ServiceContractAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "customer",
        "starts_on",
        "ends_on",
        "response_hours",
        "support_hours",
        "hour_bank",
    ]
    list_filter = ["ends_on", "support_hours", "labour", "hour_bank"]
    search_fields = ["number", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "appliances", "sites"]
    inlines = [HourBankEntryInline]


@admin.register(PreventivePlan)
class PreventivePlanAdmin(SimpleHistoryAdmin):
    list_display = ["contract", "name", "site", "first_due_on", "every_months", "active"]
    list_filter = ["active", "every_months"]
    search_fields = ["contract__number", "name", "site__customer__name"]
    list_select_related = ["contract", "site"]
    raw_id_fields = ["contract", "site", "appliances"]
