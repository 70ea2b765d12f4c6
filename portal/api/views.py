"""Free arrival windows and bookings: what the portal does, for integrations and apps."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from customers.models import Appliance
from dispatch import availability
from fieldservice import roles
from fieldservice.api import acting_customer, idempotent, valid_input, with_etag
from tickets.api.views import IDEMPOTENCY_KEY
from tickets.models import Visit
from tickets.selectors import visits_for

from .. import services
from . import serializers as s

BOOKERS = frozenset({roles.DISPATCHER, roles.CUSTOMER})


class AvailabilityViewSet(viewsets.GenericViewSet):
    """Arrival windows over the coming days that an able technician can really keep."""

    allowed_roles = {"list": BOOKERS}
    serializer_class = s.WindowSerializer
    pagination_class = None
    filter_backends = []
    queryset = Appliance.objects.none()

    @extend_schema(
        parameters=[
            s.AvailabilityQuery,
            OpenApiParameter(
                "codes", str, many=True, explode=True, description="Error codes, repeated."
            ),
        ],
        responses=s.WindowSerializer(many=True),
    )
    def list(self, request):
        """Free windows for a job at a site: the skills come from the appliance's category and
        the codes, the length from the kind of job."""
        params = request.query_params.copy()
        data = valid_input(
            self, s.AvailabilityQuery, data={**params.dict(), "codes": params.getlist("codes")}
        )
        appliance, model = data["appliance"], data["appliance_model"]
        windows = availability.free_windows(
            skills=services.job_skills(appliance=appliance, model=model, codes=data["codes"]),
            minutes=services.job_minutes(kind=data["kind"], appliance=appliance, model=model),
            site=data["site"],
            days=data["days"],
        )
        return Response(s.WindowSerializer(windows, many=True).data)


class BookingViewSet(viewsets.GenericViewSet):
    """Book a visit in a free window (ticket and visit in one call), move it or cancel it."""

    allowed_roles = {"create": BOOKERS, "reschedule": BOOKERS, "cancel": BOOKERS}
    serializer_class = s.BookingInSerializer
    queryset = Visit.objects.none()

    def get_queryset(self):
        return visits_for(self.request.user)

    @extend_schema(responses={201: s.BookingSerializer}, parameters=[IDEMPOTENCY_KEY])
    @idempotent
    def create(self, request):
        """Open the ticket, create the visit in the window and give it to a technician who can
        keep it, all or nothing; a window just taken is a 409."""
        data = dict(valid_input(self, s.BookingInSerializer))
        customer = acting_customer(
            request, data.pop("customer", None), missing="Name the customer who books."
        )
        ticket, visit = services.book_visit(customer=customer, by=request.user, **data)
        body = s.BookingSerializer({"ticket": ticket, "visit": visit}).data
        return with_etag(Response(body, status=status.HTTP_201_CREATED), visit)

    @extend_schema(
        request=s.RescheduleSerializer,
        responses=s.BookingSerializer,
        parameters=[IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def reschedule(self, request, pk=None):
        """Move the booked visit to another free window, up to the change cut-off."""
        visit = self.get_object()
        data = valid_input(self, s.RescheduleSerializer)
        visit = services.reschedule_booking(
            visit=visit, window_start=data["window_start"], by=request.user
        )
        return self._answer(visit)

    @extend_schema(request=None, responses=s.BookingSerializer, parameters=[IDEMPOTENCY_KEY])
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, pk=None):
        """Cancel the booked visit and its ticket, up to the change cut-off."""
        visit = services.cancel_booking(visit=self.get_object(), by=request.user)
        return self._answer(visit)

    @staticmethod
    def _answer(visit: Visit) -> Response:
        visit.refresh_from_db()
        body = s.BookingSerializer({"ticket": visit.ticket, "visit": visit}).data
        return with_etag(Response(body), visit)
