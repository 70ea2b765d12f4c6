from django.contrib import admin

from .models import PlanRun


@admin.register(PlanRun)
class PlanRunAdmin(admin.ModelAdmin):
    list_display = ["day", "days", "area", "status", "progress", "requested_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["requested_by"]
    readonly_fields = ["scenario", "versions", "plan", "preview", "error"]
    date_hierarchy = "day"
