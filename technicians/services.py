"""Writes on technicians' records: their training records, kept by staff."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from fieldservice import roles, texts
from fieldservice.errors import InvalidInput, NotAllowed

from .models import Technician, TrainingRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import User

COURSE = 200
TRAINER = 200
NOTES = 2000


def _ensure_may_edit(by: User) -> None:
    if not roles.may_edit_staff_records(by):
        raise NotAllowed(_("Only office staff change training records."))


@transaction.atomic
def save_training_record(
    *,
    technician: Technician,
    course: str,
    date: datetime.date,
    by: User,
    trainer: str = "",
    expires_on: datetime.date | None = None,
    notes: str = "",
    record: TrainingRecord | None = None,
) -> TrainingRecord:
    """Add a training record to a technician, or change `record` (one of theirs)."""
    _ensure_may_edit(by)
    course, trainer = course.strip(), trainer.strip()
    if not course:
        raise InvalidInput(_("Name the course."), field="course")
    texts.ensure_length(course, limit=COURSE, field="course")
    texts.ensure_length(trainer, limit=TRAINER, field="trainer")
    texts.ensure_length(notes, limit=NOTES, field="notes")
    if expires_on is not None and expires_on < date:
        raise InvalidInput(
            _("The expiry date cannot be before the date of the course."), field="expires_on"
        )
    if record is None:
        record = TrainingRecord(technician=technician)
    elif record.technician_id != technician.pk:
        raise InvalidInput(_("That record is another technician's."), field="record")
    record.course, record.date, record.trainer = course, date, trainer
    record.expires_on, record.notes, record.updated_by = expires_on, notes, by
    record.save()
    return record


@transaction.atomic
def delete_training_record(*, record: TrainingRecord, by: User) -> None:
    """Remove a training record entered by mistake."""
    _ensure_may_edit(by)
    record.delete()
