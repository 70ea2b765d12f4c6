"""The dispatcher's actions over the API: ranked suggestions for a ticket, assigning a visit;
and the technician's one: handing a visit back when they cannot come."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from fieldservice.api import expected_version, idempotent, valid_input, with_etag
from tickets.api import serializers as ts
from tickets.api.views import IDEMPOTENCY_KEY, IF_MATCH
from tickets.models import Ticket, Visit
from tickets.selectors import tickets_for, visits_for

from .. import services
from ..selectors import board_days, visit_to_place
from ..suggestions import suggest


class SuggestionsQuery(serializers.Serializer):
    date = serializers.DateField(help_text="The day to place the visit on (YYYY-MM-DD).")

    def validate_date(self, day: datetime.date) -> datetime.date:
        first, last = board_days()
        if not first <= day <= last:
            raise serializers.ValidationError(
                _("Choose a day from %(first)s to %(last)s.")
                % {"first": first.isoformat(), "last": last.isoformat()}
            )
        return day


class TicketSuggestionsViewSet(viewsets.GenericViewSet):
    """Ranked technicians for a ticket's visit on a day, as on the board."""

    allowed_roles = {"suggestions": frozenset({"dispatcher"})}
    extra_error_codes = ("409",)  # the ticket has no visit to place
    queryset = Ticket.objects.none()
    serializer_class = ts.SuggestionsSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return tickets_for(self.request.user)

    @extend_schema(
        parameters=[OpenApiParameter("date", datetime.date, required=True, description="The day.")],
        responses=ts.SuggestionsSerializer,
    )
    @action(detail=True, methods=["get"])
    def suggestions(self, request, pk=None):
        """Technicians who can do the ticket's next open visit that day, best first, each with
        the reason; the others with why not."""
        ticket = self.get_object()
        query = valid_input(self, SuggestionsQuery, data=request.query_params)
        visit = visit_to_place(ticket)
        day = query["date"]
        ranked, ineligible = suggest(visit=visit, day=day)
        body = {"visit": visit.pk, "date": day, "ranked": ranked, "ineligible": ineligible}
        return Response(ts.SuggestionsSerializer(body).data)


class VisitAssignViewSet(viewsets.GenericViewSet):
    """Put a visit on a technician's day, move it, or take it off; hand it back."""

    allowed_roles = {
        "assign": frozenset({"dispatcher"}),
        "hand_back": frozenset({"dispatcher", "technician"}),
    }
    queryset = Visit.objects.none()
    serializer_class = ts.AssignSerializer

    def get_serializer_class(self):
        return ts.HandBackSerializer if self.action == "hand_back" else ts.AssignSerializer

    def get_queryset(self):
        return visits_for(self.request.user)

    @extend_schema(
        request=ts.AssignSerializer,
        responses=ts.VisitSerializer,
        parameters=[IF_MATCH, IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def assign(self, request, pk=None):
        """Assign (or move) the visit to a technician at a start time, with the same checks as
        the board; `technician: null` unassigns it. A refused override reason is a 409."""
        visit = self.get_object()
        version = expected_version(request, visit)
        data = valid_input(self, ts.AssignSerializer)
        if data["technician"] is None:
            visit = services.unassign_visit(
                visit=visit,
                by=request.user,
                reason=data["override_reason"],
                expected_version=version,
            )
        else:
            visit = services.assign_visit(
                visit=visit,
                technician=data["technician"],
                start=data["start"],
                by=request.user,
                override_reason=data["override_reason"],
                window_reason=data["window_reason"],
                expected_version=version,
            )
        visit.refresh_from_db()
        return with_etag(Response(ts.VisitSerializer(visit).data), visit)

    @extend_schema(
        request=ts.HandBackSerializer,
        responses=ts.VisitSerializer,
        parameters=[IF_MATCH, IDEMPOTENCY_KEY],
        description=(
            "The technician cannot come (or a dispatcher says so for them): the scheduled visit "
            "goes off their day, back to the queue with its promised window; the reason goes in "
            "the ticket's history and to every dispatcher. The customer is not told. For the "
            "visit's own technician and dispatchers; a visit under way is a 409."
        ),
    )
    @action(detail=True, methods=["post"], url_path="hand-back")
    @idempotent
    def hand_back(self, request, pk=None):
        """Hand a scheduled visit back to dispatch with the reason."""
        visit = self.get_object()
        version = expected_version(request, visit)
        data = valid_input(self, ts.HandBackSerializer)
        visit = services.hand_back_visit(
            visit=visit, by=request.user, reason=data["reason"], expected_version=version
        )
        visit.refresh_from_db()
        return with_etag(Response(ts.VisitSerializer(visit).data), visit)
