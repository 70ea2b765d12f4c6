from django.contrib import admin

from .models import (
    Loan,
    LoanerUnit,
    ManufacturerReturn,
    RepairOrder,
    RepairPart,
    RepairStep,
    RepairUnit,
)


class RepairUnitInline(admin.TabularInline):
    model = RepairUnit
    extra = 0
    raw_id_fields = ["appliance"]


class RepairStepInline(admin.TabularInline):
    model = RepairStep
    extra = 0
    readonly_fields = ["status", "at", "by", "notes"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # steps are recorded through depot.services.record_step


class RepairPartInline(admin.TabularInline):
    model = RepairPart
    extra = 0
    readonly_fields = ["part", "quantity", "move", "by", "at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # parts are taken from stock through depot.services.use_part


@admin.register(RepairOrder)
class RepairOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "ticket", "status", "handover", "source", "created_at"]
    list_filter = ["status", "handover", "source"]
    list_select_related = ["ticket"]
    search_fields = ["ticket__customer__name", "units__appliance__serial_number"]
    raw_id_fields = ["ticket", "visit"]
    readonly_fields = ["status"]
    inlines = [RepairUnitInline, RepairStepInline, RepairPartInline]


@admin.register(ManufacturerReturn)
class ManufacturerReturnAdmin(admin.ModelAdmin):
    list_display = ["rma_number", "unit", "sent_at", "back_at"]
    list_select_related = ["unit__appliance"]
    raw_id_fields = ["unit"]


@admin.register(LoanerUnit)
class LoanerUnitAdmin(admin.ModelAdmin):
    list_display = ["serial_number", "model", "description", "active"]
    list_filter = ["active"]
    list_select_related = ["model"]
    search_fields = ["serial_number", "description"]


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):
    list_display = ["unit", "customer", "ticket", "lent_at", "due_on", "returned_at"]
    list_filter = ["returned_at"]
    list_select_related = ["unit", "customer", "ticket"]
    raw_id_fields = ["unit", "ticket", "customer", "repair_order", "lent_at_visit"]
    readonly_fields = ["returned_at", "reminded_before_at", "reminded_after_at"]
