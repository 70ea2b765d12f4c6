"""Technicians scoped by who asks (dispatchers see all, a technician sees themself), and what
each was trained and certified on."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from fieldservice import roles

from .models import Technician, TrainingRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def technicians_for(user: User) -> QuerySet[Technician]:
    return roles.scoped(
        Technician.objects.select_related("user").prefetch_related("skills"), user, technician="pk"
    )


def with_qualifications(qs: QuerySet[Technician]) -> QuerySet[Technician]:
    """`qs` with each technician's skills, certifications (soonest to expire first) and
    training records (latest first: the models' own order) fetched in three queries, whatever
    the number of rows."""
    return qs.prefetch_related("skills", "certifications", "training_records")


def training_records(*, technician: Technician) -> QuerySet[TrainingRecord]:
    """A technician's training records, latest course first."""
    return TrainingRecord.objects.filter(technician=technician).order_by("-date", "pk")


def courses_valid_on(*, technician_ids: list[int], day: datetime.date) -> dict[int, list[str]]:
    """The training courses that still count on `day`, per technician, in one query."""
    found: dict[int, list[str]] = {}
    for technician_id, course in (
        TrainingRecord.objects.filter(technician_id__in=technician_ids, date__lte=day)
        .exclude(expires_on__lt=day)
        .order_by("-date", "pk")
        .values_list("technician_id", "course")
    ):
        found.setdefault(technician_id, []).append(course)
    return found
