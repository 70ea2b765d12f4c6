"""Technicians' training records: read by dispatchers, kept by office staff."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fieldservice.errors import DomainError, NotAllowed
from fieldservice.roles import dispatcher_required, may_edit_staff_records
from technicians import services as technician_services
from technicians.models import Technician, TrainingRecord
from technicians.selectors import technicians_for, with_qualifications

from ..forms import (
    TrainingRecordForm,
)


def _training_page(request, technician: Technician, *, form=None, editing=None, status=200):
    technician = with_qualifications(technicians_for(request.user)).get(pk=technician.pk)
    return render(
        request,
        "desk/training.html",
        {
            "technician": technician,
            "records": technician.training_records.all(),
            "certifications": technician.certifications.all(),
            "today": timezone.localdate(),
            "may_edit": may_edit_staff_records(request.user),
            "form": form or TrainingRecordForm(),
            "editing": editing,
        },
        status=status,
    )


def _save_training(request, technician: Technician, record: TrainingRecord | None):
    if not may_edit_staff_records(request.user):
        raise PermissionDenied
    form = TrainingRecordForm(request.POST)
    if form.is_valid():
        try:
            saved = technician_services.save_training_record(
                technician=technician, record=record, by=request.user, **form.cleaned_data
            )
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(request, _("Saved: %(course)s.") % {"course": saved.course})
            return redirect("desk:training", technician_id=technician.pk)
    return _training_page(request, technician, form=form, editing=record, status=400)


@dispatcher_required
def training(request, technician_id: int):
    """A technician's training and certifications; staff add a record here."""
    technician = get_object_or_404(technicians_for(request.user), pk=technician_id)
    if request.method == "POST":
        return _save_training(request, technician, None)
    return _training_page(request, technician)


@dispatcher_required
def training_record(request, technician_id: int, record_id: int):
    """One training record to change (staff); the page shows its form filled in."""
    technician = get_object_or_404(technicians_for(request.user), pk=technician_id)
    record = get_object_or_404(TrainingRecord, pk=record_id, technician=technician)
    if request.method == "POST":
        return _save_training(request, technician, record)
    form = TrainingRecordForm(
        initial={
            "course": record.course,
            "date": record.date,
            "trainer": record.trainer,
            "expires_on": record.expires_on,
            "notes": record.notes,
        }
    )
    return _training_page(request, technician, form=form, editing=record)


@require_POST
@dispatcher_required
def delete_training_record(request, technician_id: int, record_id: int):
    technician = get_object_or_404(technicians_for(request.user), pk=technician_id)
    record = get_object_or_404(TrainingRecord, pk=record_id, technician=technician)
    try:
        technician_services.delete_training_record(record=record, by=request.user)
    except NotAllowed as err:
        raise PermissionDenied(err.message) from err
    messages.success(request, _("Deleted: %(course)s.") % {"course": record.course})
    return redirect("desk:training", technician_id=technician.pk)
