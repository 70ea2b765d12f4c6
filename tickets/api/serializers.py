"""Tickets, their history and visits as the API shows them (output) and takes them (input)."""

from __future__ import annotations

from rest_framework import serializers

from customers.models import Appliance, ApplianceModel, Contact, Customer, Site
from customers.selectors import appliances_for, customers_for, sites_for
from fieldservice import texts
from fieldservice.api import ScopedPrimaryKeyField, free_text
from technicians.models import Technician

from ..models import Ticket, TicketEvent, Visit
from ..selectors import tickets_for
from ..services.visits import LONGEST_VISIT, SHORTEST_VISIT


class RequesterSerializer(serializers.ModelSerializer):
    """The organization's contact who asked for a ticket."""

    name = serializers.CharField(read_only=True, help_text="Full name, else email address.")

    class Meta:
        model = Contact
        fields = ["id", "name"]


class TicketSerializer(serializers.ModelSerializer):
    requested_by = RequesterSerializer(
        source="requester",
        read_only=True,
        allow_null=True,
        help_text="The organization's contact who asked for the ticket (null when none).",
    )
    error_codes = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="Catalog codes matched."
    )
    required_skills = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="Skills the job needs."
    )

    class Meta:
        model = Ticket
        fields = [
            "id",
            "customer",
            "site",
            "appliance",
            "appliance_model",
            "kind",
            "reported_codes",
            "unknown_codes",
            "error_codes",
            "required_skills",
            "description",
            "channel",
            "priority",
            "status",
            "tier",
            "coverage",
            "coverage_reason",
            "contract",
            "requested_by",
            "sla_due_at",
            "sla_paused_at",
            "response_due_at",
            "responded_at",
            "resolved_at",
            "created_at",
            "updated_at",
        ]


class TicketInSerializer(serializers.Serializer):
    customer = ScopedPrimaryKeyField(scope=customers_for, queryset=Customer.objects.all())
    site = ScopedPrimaryKeyField(scope=sites_for, queryset=Site.objects.all())
    appliance = ScopedPrimaryKeyField(
        scope=appliances_for, queryset=Appliance.objects.all(), required=False, allow_null=True
    )
    appliance_model = serializers.PrimaryKeyRelatedField(
        queryset=ApplianceModel.objects.all(),
        required=False,
        allow_null=True,
        help_text="For installing an appliance not registered yet.",
    )
    kind = serializers.ChoiceField(choices=Ticket.Kind.choices, default=Ticket.Kind.REPAIR)
    codes = serializers.ListField(
        child=serializers.CharField(max_length=texts.CODE),
        required=False,
        default=list,
        max_length=texts.CODES,
        help_text="Error codes as the customer reads them off the display.",
    )
    description = free_text(
        max_length=texts.DESCRIPTION, required=False, allow_blank=True, default=""
    )
    channel = serializers.ChoiceField(choices=Ticket.Channel.choices, default=Ticket.Channel.PHONE)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, default=3)


class TicketPatchSerializer(serializers.Serializer):
    description = free_text(max_length=texts.DESCRIPTION, required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, required=False)


class EscalateSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(
        choices=[("up", "up"), ("down", "down")],
        default="up",
        help_text="up: to the next support tier; down: back one tier.",
    )
    reason = free_text(max_length=texts.REASON, help_text="Why the tier changes.")


class TicketTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Ticket.Status.choices, help_text="The new status.")
    reason = free_text(max_length=texts.REASON, required=False, allow_blank=True, default="")


class TicketEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = TicketEvent
        fields = ["id", "at", "by", "kind", "from_value", "to_value", "reason", "data"]


class SuggestionSerializer(serializers.Serializer):
    technician = serializers.IntegerField(source="technician.pk")
    name = serializers.CharField(source="technician.__str__")
    start = serializers.DateTimeField(help_text="The earliest start that fits.")
    extra_km = serializers.FloatField(help_text="Driving added to the day.")
    extra_minutes = serializers.FloatField()
    free_minutes = serializers.IntegerField(help_text="Length of the free gap used.")
    load = serializers.IntegerField(help_text="Visits already that day.")
    reason = serializers.CharField(help_text="Why this technician, in words.")


class IneligibleSerializer(serializers.Serializer):
    technician = serializers.IntegerField(source="technician.pk")
    name = serializers.CharField(source="technician.__str__")
    reason = serializers.CharField(help_text="Why not.")


class SuggestionsSerializer(serializers.Serializer):
    visit = serializers.IntegerField(help_text="The visit the suggestions place.")
    date = serializers.DateField()
    ranked = SuggestionSerializer(many=True)
    ineligible = IneligibleSerializer(many=True)


class VisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = [
            "id",
            "ticket",
            "technician",
            "status",
            "duration_minutes",
            "window_start",
            "window_end",
            "planned_start",
            "planned_end",
            "en_route_at",
            "actual_start",
            "actual_end",
            "outcome",
            "outcome_notes",
            "follow_up_of",
            "locked",
            "pinned",
            "version",
            "created_at",
            "updated_at",
        ]


class VisitInSerializer(serializers.Serializer):
    ticket = ScopedPrimaryKeyField(scope=tickets_for, queryset=Ticket.objects.all())
    window_start = serializers.DateTimeField(required=False, allow_null=True, default=None)
    window_end = serializers.DateTimeField(required=False, allow_null=True, default=None)
    duration_minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=SHORTEST_VISIT,
        max_value=LONGEST_VISIT,
    )


class VisitPatchSerializer(serializers.Serializer):
    window_start = serializers.DateTimeField(required=False, allow_null=True)
    window_end = serializers.DateTimeField(required=False, allow_null=True)
    duration_minutes = serializers.IntegerField(
        required=False, min_value=SHORTEST_VISIT, max_value=LONGEST_VISIT
    )
    locked = serializers.BooleanField(required=False, help_text="The planner keeps it where it is.")
    pinned = serializers.BooleanField(required=False, help_text="The planner keeps its time too.")

    def validate(self, attrs):
        if ("window_start" in attrs) != ("window_end" in attrs):
            raise serializers.ValidationError(
                {"window_end": ["Give both ends of the arrival window."]}
            )
        return attrs


class AssignSerializer(serializers.Serializer):
    technician = serializers.PrimaryKeyRelatedField(
        queryset=Technician.objects.filter(active=True),
        allow_null=True,
        help_text="Who does the visit; null takes it off their day.",
    )
    start = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Planned start, with time zone."
    )
    override_reason = free_text(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="Why a missing skill, licence or working hours is overridden.",
    )
    window_reason = free_text(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text=(
            "Why the visit moves outside the arrival window the customer was promised; without "
            "one such a move is a 409 (breaks_promised_window)."
        ),
    )

    def validate(self, attrs):
        if attrs["technician"] is not None and attrs["start"] is None:
            raise serializers.ValidationError({"start": ["Give the planned start."]})
        return attrs


class HandBackSerializer(serializers.Serializer):
    reason = free_text(
        max_length=texts.REASON,
        help_text="Why the technician cannot come; the dispatchers read it.",
    )


class VisitTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Visit.Status.choices, help_text="The new status.")
    reason = free_text(max_length=texts.REASON, required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(
        choices=Visit.Outcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="For completed or cannot_complete.",
    )
    confirm_not_today = serializers.BooleanField(
        required=False,
        default=False,
        help_text="For en_route to a visit not planned for today: without it, 409.",
    )
