from django.contrib import admin

from .models import PendingContact, QuarantinedMail


@admin.register(PendingContact)
class PendingContactAdmin(admin.ModelAdmin):
    list_display = ["address", "name", "subject", "status", "customer", "received_at"]
    list_filter = ["status"]
    list_select_related = ["customer"]
    search_fields = ["address", "name", "subject"]


@admin.register(QuarantinedMail)
class QuarantinedMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "reason"]
    search_fields = ["sender", "subject", "reason"]
