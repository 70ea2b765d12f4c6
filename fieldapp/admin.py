from django.contrib import admin

from .models import SyncAction


@admin.register(SyncAction)
class SyncActionAdmin(admin.ModelAdmin):
    list_display = ["key", "technician", "visit", "kind", "at"]
    list_filter = ["kind"]
    search_fields = ["key", "=visit__id"]
    raw_id_fields = ["technician", "visit"]
    readonly_fields = ["result"]
