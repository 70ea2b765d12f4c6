"""The skills catalog and the technicians (kept in the admin)."""

from __future__ import annotations

from rest_framework import viewsets

from fieldservice import roles
from fieldservice.api.access import ANY_ROLE

from ..models import Skill, Technician
from ..selectors import technicians_for
from . import serializers as s

STAFF = frozenset({roles.DISPATCHER, roles.TECHNICIAN})


class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    """Skills a job can need and a technician can have; some need a valid certification."""

    serializer_class = s.SkillSerializer
    queryset = Skill.objects.all()
    filterset_fields = ["code", "appliance_category", "requires_certification"]
    ordering_fields = ["id", "code"]
    allowed_roles = {"list": ANY_ROLE, "retrieve": ANY_ROLE}


class TechnicianViewSet(viewsets.ReadOnlyModelViewSet):
    """Technicians: dispatchers see all, a technician sees their own record."""

    serializer_class = s.TechnicianSerializer
    filterset_fields = ["region", "active"]
    ordering_fields = ["id", "region"]
    allowed_roles = {"list": STAFF, "retrieve": STAFF}
    queryset = Technician.objects.none()

    def get_queryset(self):
        return technicians_for(self.request.user)
