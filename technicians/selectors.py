"""Technicians scoped by who asks: dispatchers see all, a technician sees themself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from fieldservice import roles

from .models import Technician

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User


def technicians_for(user: User) -> QuerySet[Technician]:
    qs = Technician.objects.select_related("user").prefetch_related("skills")
    if roles.has_role(user, roles.DISPATCHER):
        return qs
    if roles.has_role(user, roles.TECHNICIAN) and hasattr(user, "technician"):
        return qs.filter(pk=user.technician.pk)
    return qs.none()
