import datetime

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Certification, Skill, Technician, TimeOff, TrainingRecord, WorkingHours


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


class TrainingRecordInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0
    exclude = ["updated_by"]


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "requires_certification", "appliance_category"]
    list_filter = ["requires_certification", "appliance_category"]
    search_fields = ["name", "code"]


@admin.register(Technician)
class TechnicianAdmin(admin.ModelAdmin):
    list_display = ["__str__", "phone", "region", "active"]
    list_filter = ["active", "region", "skills"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "phone"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    filter_horizontal = ["skills"]
    inlines = [WorkingHoursInline, CertificationInline, TrainingRecordInline, TimeOffInline]


class ExpiryFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            ("expired", _("Expired")),
            ("30", _("Expires within 30 days")),
            ("90", _("Expires within 90 days")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        if self.value() in ("30", "90"):
            return queryset.filter(
                expires_on__gte=today,
                expires_on__lte=today + datetime.timedelta(days=int(self.value())),
            )
        return queryset


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["technician", "kind", "number", "expires_on"]
    list_filter = [ExpiryFilter, "kind"]
    search_fields = ["number", "technician__user__last_name"]
    list_select_related = ["technician__user"]
    filter_horizontal = ["skills"]


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ["technician", "course", "date", "trainer", "expires_on"]
    list_filter = [ExpiryFilter]
    search_fields = ["course", "trainer", "technician__user__last_name"]
    list_select_related = ["technician__user"]
    exclude = ["updated_by"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["technician", "starts_at", "ends_at", "reason"]
    list_select_related = ["technician__user"]
    date_hierarchy = "starts_at"


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = [
        "technician",
        "weekday",
        "starts_at",
        "ends_at",
        "break_starts_at",
        "break_ends_at",
    ]
    list_filter = ["weekday"]
    search_fields = ["technician__user__last_name", "technician__user__first_name"]
    list_select_related = ["technician__user"]
