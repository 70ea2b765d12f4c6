from django.contrib import admin

from .models import WeeklySummary


@admin.register(WeeklySummary)
class WeeklySummaryAdmin(admin.ModelAdmin):
    list_display = ("week_start", "written_at")
