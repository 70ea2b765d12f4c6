"""The back office's view of stock: locations, reorder points, suppliers and orders are kept
here; the ledger, levels and serials are read-only (they change only through stock moves)."""

from django.contrib import admin

from .models import (
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderPoint,
    Reservation,
    SerialNumber,
    StockLevel,
    StockLocation,
    StockMove,
    Supplier,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockLocation)
class StockLocationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "technician", "restocked_from", "is_workshop", "is_active")
    list_filter = ("kind", "is_workshop", "is_active")
    search_fields = ("name",)
    list_select_related = ("technician__user", "restocked_from")
    raw_id_fields = ("technician",)


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnly):
    list_display = ("part", "location", "on_hand", "reserved")
    list_filter = ("location",)
    search_fields = ("part__sku", "part__name")
    list_select_related = ("part", "location")


@admin.register(StockMove)
class StockMoveAdmin(ReadOnly):
    list_display = ("at", "kind", "part", "quantity", "from_location", "to_location", "shortfall")
    list_filter = ("kind",)
    search_fields = ("part__sku", "key", "reason")
    list_select_related = ("part", "from_location", "to_location")
    date_hierarchy = "at"


@admin.register(SerialNumber)
class SerialNumberAdmin(ReadOnly):
    list_display = ("serial", "part", "location")
    search_fields = ("serial", "part__sku")
    list_select_related = ("part", "location")


@admin.register(Reservation)
class ReservationAdmin(ReadOnly):
    list_display = ("ticket", "part", "location", "quantity", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("ticket", "part", "location")


@admin.register(ReorderPoint)
class ReorderPointAdmin(admin.ModelAdmin):
    list_display = ("part", "location", "minimum", "target")
    list_filter = ("location",)
    search_fields = ("part__sku", "part__name")
    list_select_related = ("part", "location")
    raw_id_fields = ("part",)


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ("name", "email")
    search_fields = ("name",)


class LineInline(admin.TabularInline):
    model = PurchaseOrderLine
    extra = 0
    readonly_fields = ("received",)
    raw_id_fields = ("part",)


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(admin.ModelAdmin):
    list_display = ("__str__", "warehouse", "status", "expected_on", "created_at")
    list_filter = ("status", "warehouse")
    list_select_related = ("supplier", "warehouse")
    readonly_fields = ("status",)
    inlines = [LineInline]
