"""Technicians scoped by who asks: dispatchers see all, a technician sees themself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from fieldservice import roles

from .models import Technician

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def technicians_for(user: User) -> QuerySet[Technician]:
    return roles.scoped(
        Technician.objects.select_related("user").prefetch_related("skills"), user, technician="pk"
    )
