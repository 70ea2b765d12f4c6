from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from fieldservice.errors import DomainError

from . import services
from .models import (
    BusinessCalendar,
    Commissioning,
    Holiday,
    JobEntry,
    MaintenanceOccurrence,
    Message,
    MessageAttachment,
    PartUsed,
    RepairOption,
    Signature,
    Ticket,
    TicketEvent,
    Visit,
    VisitBooking,
    VisitPhoto,
)


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone", "opens_at", "closes_at", "workdays", "is_default"]
    inlines = [HolidayInline]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "kind", "from_value", "to_value", "reason", "data"]

    def has_add_permission(self, request, obj=None):
        return False


class VisitInline(admin.TabularInline):
    model = Visit
    extra = 0
    fields = ["status", "technician", "window_start", "window_end", "planned_start", "outcome"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "customer",
        "kind",
        "priority",
        "status",
        "tier",
        "coverage",
        "sla_due_at",
    ]
    list_filter = ["status", "priority", "coverage", "kind", "channel", "tier", "required_skills"]
    search_fields = ["=id", "customer__name", "appliance__serial_number", "reported_codes"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "site", "appliance", "appliance_model", "contract", "created_by"]
    filter_horizontal = ["error_codes", "required_skills"]
    date_hierarchy = "created_at"
    # Status, tier and SLA change only through the services (and their history).
    readonly_fields = [
        "status",
        "tier",
        "coverage",
        "coverage_reason",
        "sla_due_at",
        "sla_paused_at",
    ]
    inlines = [VisitInline, TicketEventInline]
    actions = ["escalate_selected"]

    @admin.action(description=_("Escalate to the next tier"))
    def escalate_selected(self, request, queryset):
        for ticket in queryset:
            try:
                services.escalate(ticket=ticket, by=request.user, reason=_("Escalated in admin"))
            except DomainError as err:
                self.message_user(request, f"{ticket}: {err.message}", messages.WARNING)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "technician", "planned_start", "window_start", "outcome"]
    list_filter = ["status", "outcome", "locked", "technician"]
    search_fields = ["=ticket__id", "ticket__customer__name"]
    list_select_related = ["ticket", "technician__user"]
    raw_id_fields = ["ticket", "technician", "follow_up_of"]
    readonly_fields = ["status", "version"]
    date_hierarchy = "planned_start"


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ["ticket", "at", "by", "kind", "from_value", "to_value"]
    list_filter = ["kind"]
    list_select_related = ["ticket", "by"]
    raw_id_fields = ["ticket", "by"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "calendar"]
    list_filter = ["calendar"]
    date_hierarchy = "date"


@admin.register(JobEntry)
class JobEntryAdmin(admin.ModelAdmin):
    list_display = ["visit", "kind", "text", "by", "at"]
    list_filter = ["kind"]
    search_fields = ["text", "=visit__id"]
    list_select_related = ["visit", "by"]
    raw_id_fields = ["visit", "by"]


@admin.register(PartUsed)
class PartUsedAdmin(admin.ModelAdmin):
    list_display = ["visit", "part", "quantity"]
    search_fields = ["part__sku", "part__name", "=visit__id"]
    list_select_related = ["visit", "part"]
    raw_id_fields = ["visit", "part"]


@admin.register(RepairOption)
class RepairOptionAdmin(admin.ModelAdmin):
    list_display = ["visit", "description", "price", "decision"]
    list_filter = ["decision"]
    search_fields = ["description", "=visit__id"]
    raw_id_fields = ["visit"]


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["visit", "signed_by", "at"]
    search_fields = ["signed_by", "=visit__id"]
    raw_id_fields = ["visit"]


@admin.register(VisitPhoto)
class VisitPhotoAdmin(admin.ModelAdmin):
    list_display = ["visit", "caption", "status", "attempts", "at"]
    list_filter = ["status"]
    search_fields = ["caption", "=visit__id"]
    raw_id_fields = ["visit"]


class MessageAttachmentInline(admin.TabularInline):
    model = MessageAttachment
    extra = 0
    readonly_fields = ["file", "name", "size", "content_type"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["ticket", "visibility", "channel", "author", "sender_address", "created_at"]
    list_filter = ["visibility", "channel"]
    list_select_related = ["ticket", "author"]
    search_fields = ["message_id", "sender_address", "body"]
    readonly_fields = ["message_id", "in_reply_to", "created_at"]
    inlines = [MessageAttachmentInline]


@admin.register(MessageAttachment)
class MessageAttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "message", "size", "content_type"]
    list_select_related = ["message__ticket"]
    search_fields = ["name", "=message__ticket__id"]
    raw_id_fields = ["message"]
    readonly_fields = ["file", "name", "size", "content_type"]


@admin.register(MaintenanceOccurrence)
class MaintenanceOccurrenceAdmin(admin.ModelAdmin):
    """Preventive visits generated from the contracts' plans: the board and the desk show
    them; here for looking one up (they are made and changed by the plan and its visit)."""

    list_display = ["plan", "due_on", "earliest", "latest", "status", "ticket"]
    list_filter = ["status"]
    search_fields = ["plan__contract__number", "plan__name"]
    list_select_related = ["plan__contract", "ticket"]
    raw_id_fields = ["plan", "ticket", "visit"]
    date_hierarchy = "due_on"


@admin.register(VisitBooking)
class VisitBookingAdmin(admin.ModelAdmin):
    """Who a visit holds, lead and helpers, for looking one up: the board's crew form and the
    assignment services keep them (the no-overlap constraint holds for every member)."""

    list_display = ["visit", "technician", "role", "planned_start", "planned_end", "active"]
    list_filter = ["role", "active"]
    search_fields = ["=visit__ticket__id", "technician__user__last_name"]
    list_select_related = ["visit__ticket", "technician__user"]
    raw_id_fields = ["visit", "technician"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Commissioning)
class CommissioningAdmin(admin.ModelAdmin):
    """An installation's commissioning record (serial and checklist), as the phone saved it."""

    list_display = ["visit", "serial_number", "by", "updated_at"]
    search_fields = ["serial_number", "=visit__ticket__id"]
    list_select_related = ["visit__ticket", "by"]
    raw_id_fields = ["visit", "by"]
    readonly_fields = ["visit", "serial_number", "checked", "by", "updated_at"]
