from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "status", "due_at", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["recipient"]
    raw_id_fields = ["visit"]
    readonly_fields = ["attempts", "last_error", "claimed_at", "sent_at"]
    actions = ["resend"]

    @admin.action(description=_("Send again"))
    def resend(self, request, queryset):
        for notification in queryset.filter(status__in=["failed", "cancelled"]):
            services.resend(notification=notification)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "sms", "quiet_from", "quiet_until"]
    list_filter = ["email", "sms"]
    raw_id_fields = ["customer", "technician"]
