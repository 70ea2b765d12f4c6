"""Tickets with their history and actions, and visits with their transitions."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fieldservice import roles
from fieldservice.api import (
    expected_stamp,
    expected_version,
    idempotent,
    valid_input,
    with_etag,
)
from fieldservice.api.access import ANY_ROLE
from fieldservice.api.filters import IsoDateTimeFilter

from .. import services
from ..models import Ticket, TicketEvent, Visit
from ..selectors import tickets_for, visits_for
from . import serializers as s

STAFF = frozenset({roles.DISPATCHER, roles.TECHNICIAN})
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag you read; a stale one gets 412 and changes nothing.",
)
IF_MATCH_REQUIRED = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag you read; without it 428, a stale one 412.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="A retry with the same key and body returns the first answer.",
)


class TicketFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Ticket.Status.choices)
    priority = django_filters.MultipleChoiceFilter(choices=Ticket.Priority.choices)
    coverage = django_filters.ChoiceFilter(choices=Ticket.Coverage.choices)
    technician = django_filters.NumberFilter(
        field_name="visits__technician", distinct=True, help_text="Has a visit with them."
    )
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    sla_due_before = IsoDateTimeFilter(field_name="sla_due_at", lookup_expr="lt")
    updated_since = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Ticket
        fields = ["status", "priority", "coverage", "tier", "customer", "kind", "channel"]


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Trouble tickets: all for dispatchers, a technician's behind their visits, a customer's
    own. Details carry an ETag."""

    serializer_class = s.TicketSerializer
    filterset_class = TicketFilter
    ordering_fields = ["id", "sla_due_at", "created_at", "updated_at", "priority"]
    allowed_roles = {"list": ANY_ROLE, "retrieve": ANY_ROLE, "events": STAFF}
    queryset = Ticket.objects.none()

    def get_queryset(self):
        # The API shows related objects by id: no joins, only the two many-to-many lists and
        # the requesting contact (Ticket.requester), each one query for the page.
        return (
            tickets_for(self.request.user)
            .select_related(None)
            .prefetch_related("error_codes", "required_skills", "requested_by__contacts")
        )

    def get_serializer_class(self):
        return {
            "create": s.TicketInSerializer,
            "partial_update": s.TicketPatchSerializer,
            "escalate": s.EscalateSerializer,
            "transition": s.TicketTransitionSerializer,
            "events": s.TicketEventSerializer,
        }.get(self.action, s.TicketSerializer)

    def _answer(self, ticket: Ticket, code=status.HTTP_200_OK) -> Response:
        ticket = self.get_queryset().get(pk=ticket.pk)
        return with_etag(Response(s.TicketSerializer(ticket).data, status=code), ticket)

    def _change(self, change) -> Response:
        """Read the ticket (404 outside the user's scope), its input (400) and the change stamp
        its If-Match names, then `change(ticket, data, stamp)`: the service compares the stamp
        under the ticket's row lock (412)."""
        found = self.get_object()
        data = valid_input(self, partial=self.action == "partial_update")
        return self._answer(change(found, data, expected_stamp(self.request, found)))

    def retrieve(self, request, pk=None):
        ticket = self.get_object()
        return with_etag(Response(s.TicketSerializer(ticket).data), ticket)

    @extend_schema(responses={201: s.TicketSerializer}, parameters=[IDEMPOTENCY_KEY])
    @idempotent
    def create(self, request):
        """Open a ticket: codes are matched, coverage and the SLA due time decided."""
        ticket = services.open_ticket(**valid_input(self), by=request.user)
        return self._answer(ticket, status.HTTP_201_CREATED)

    @extend_schema(responses=s.TicketSerializer, parameters=[IF_MATCH])
    def partial_update(self, request, pk=None):
        """Change the description or the priority (which moves the SLA due time)."""
        return self._change(
            lambda ticket, data, stamp: services.update_ticket(
                ticket=ticket, by=request.user, expected_stamp=stamp, **data
            )
        )

    @extend_schema(responses=s.TicketSerializer, parameters=[IF_MATCH, IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    @idempotent
    def escalate(self, request, pk=None):
        """Raise the ticket to the next support tier, or lower it, with a reason."""

        def change(ticket, data, stamp):
            tier = services.escalate if data["direction"] == "up" else services.deescalate
            return tier(ticket=ticket, by=request.user, reason=data["reason"], expected_stamp=stamp)

        return self._change(change)

    @extend_schema(responses=s.TicketSerializer, parameters=[IF_MATCH, IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    @idempotent
    def transition(self, request, pk=None):
        """Move the ticket to another status its state machine allows."""
        return self._change(
            lambda ticket, data, stamp: services.transition_ticket(
                ticket=ticket,
                to=data["to"],
                by=request.user,
                reason=data["reason"],
                expected_stamp=stamp,
            )
        )

    @extend_schema(responses=s.TicketEventSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None, ordering_fields=["id"])
    def events(self, request, pk=None):
        """The ticket's history, oldest first."""
        ticket = self.get_object()
        events = TicketEvent.objects.filter(ticket=ticket).select_related("by")
        # The cursor pages order the rows themselves: newest first, unless told otherwise.
        self.paginator.ordering = "pk"
        page = self.paginate_queryset(events)
        return self.get_paginated_response(s.TicketEventSerializer(page, many=True).data)


class VisitFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Visit.Status.choices)
    date_from = IsoDateTimeFilter(
        field_name="planned_start", lookup_expr="gte", help_text="Planned to start from."
    )
    date_to = IsoDateTimeFilter(
        field_name="planned_start", lookup_expr="lt", help_text="Planned to start before."
    )
    updated_since = IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Visit
        fields = ["status", "technician", "ticket", "locked"]


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Visits: all for dispatchers, a technician's own, a customer's own. Details carry an
    ETag; a PATCH needs it as If-Match."""

    serializer_class = s.VisitSerializer
    filterset_class = VisitFilter
    ordering_fields = ["id", "planned_start", "window_start", "updated_at"]
    allowed_roles = {"list": ANY_ROLE, "retrieve": ANY_ROLE, "transition": STAFF}
    if_match_required = True
    queryset = Visit.objects.none()

    def get_queryset(self):
        return visits_for(self.request.user).select_related(None)

    def get_serializer_class(self):
        return {
            "create": s.VisitInSerializer,
            "partial_update": s.VisitPatchSerializer,
            "transition": s.VisitTransitionSerializer,
        }.get(self.action, s.VisitSerializer)

    @staticmethod
    def _answer(visit: Visit, code=status.HTTP_200_OK) -> Response:
        visit.refresh_from_db()
        return with_etag(Response(s.VisitSerializer(visit).data, status=code), visit)

    def retrieve(self, request, pk=None):
        visit = self.get_object()
        return with_etag(Response(s.VisitSerializer(visit).data), visit)

    @extend_schema(responses={201: s.VisitSerializer}, parameters=[IDEMPOTENCY_KEY])
    @idempotent
    def create(self, request):
        """Add an unassigned visit to an open ticket, with the arrival window if promised."""
        data = valid_input(self)
        visit = services.create_visit(by=request.user, **data)
        return self._answer(visit, status.HTTP_201_CREATED)

    @extend_schema(responses=s.VisitSerializer, parameters=[IF_MATCH_REQUIRED])
    def partial_update(self, request, pk=None):
        """Change the arrival window, the length (unassigned visits) or the planner's lock and
        pin. If-Match is required."""
        visit = self.get_object()
        version = expected_version(request, visit, required=True)
        data = dict(valid_input(self, partial=True))
        window = None
        if "window_start" in data:
            window = (data.pop("window_start"), data.pop("window_end"))
        visit = services.update_visit(
            visit=visit, by=request.user, expected_version=version, window=window, **data
        )
        return self._answer(visit)

    @extend_schema(responses=s.VisitSerializer, parameters=[IF_MATCH, IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    @idempotent
    def transition(self, request, pk=None):
        """En route, on site, completed or cannot complete (with an outcome), or cancelled."""
        visit = self.get_object()
        version = expected_version(request, visit)
        data = valid_input(self)
        visit = services.transition_visit(
            visit=visit, by=request.user, expected_version=version, **data
        )
        return self._answer(visit)
