from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from fieldservice.errors import InvalidInput

from .models import HourBankEntry, PreventivePlan, ServiceContract
from .services import check_escalation_contacts


class ServiceContractForm(forms.ModelForm):
    """The back office's contract form: escalation contacts of the contract's organization
    only, with the service's message."""

    class Meta:
        model = ServiceContract
        fields = "__all__"  # noqa: DJ007 - the admin lists every field of a contract

    def clean(self):
        cleaned = super().clean()
        customer = cleaned.get("customer")
        contacts = cleaned.get("escalation_contacts")
        if customer is not None and contacts is not None:
            try:
                check_escalation_contacts(
                    contract=ServiceContract(customer=customer), contacts=contacts
                )
            except InvalidInput as err:
                self.add_error("escalation_contacts", err.message)
        return cleaned


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
    form = ServiceContractForm
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
    raw_id_fields = ["customer", "appliances", "sites", "escalation_contacts"]
    inlines = [HourBankEntryInline]


@admin.register(PreventivePlan)
class PreventivePlanAdmin(SimpleHistoryAdmin):
    list_display = ["contract", "name", "site", "first_due_on", "every_months", "active"]
    list_filter = ["active", "every_months"]
    search_fields = ["contract__number", "name", "site__customer__name"]
    list_select_related = ["contract", "site"]
    raw_id_fields = ["contract", "site", "appliances"]
