from django.contrib import admin

from .models import ErrorCode, Part


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "unit_price"]
    search_fields = ["sku", "name"]


@admin.register(ErrorCode)
class ErrorCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "manufacturer", "category", "appliance_model"]
    list_filter = ["category", "manufacturer", "skills"]
    search_fields = ["code", "normalized_code", "title", "probable_cause"]
    list_select_related = ["appliance_model"]
    filter_horizontal = ["skills", "parts"]
