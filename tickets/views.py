"""A visit's job-record files (its photos, the signature), for those who may see the visit: its
technician, dispatchers and the ticket's customer. Anyone else, signed in or not, gets a 404,
the same as for a file that does not exist."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from fieldservice.media import file_response

from .models import VisitPhoto
from .selectors import attachments_for, visits_for


def photo(request, photo_id: int):
    found = get_object_or_404(
        VisitPhoto.objects.filter(visit__in=visits_for(request.user)), pk=photo_id
    )
    return file_response(found.image)


def signature(request, visit_id: int):
    visit = get_object_or_404(visits_for(request.user).select_related("signature"), pk=visit_id)
    signed = getattr(visit, "signature", None)  # the reverse one-to-one may be missing
    if signed is None:
        raise Http404
    return file_response(signed.image)


def attachment(request, attachment_id: int):
    """A file of a ticket's conversation: dispatchers see every one, the ticket's customer the
    public ones; always downloaded, never shown inline (it came from outside)."""
    found = get_object_or_404(attachments_for(request.user), pk=attachment_id)
    response = file_response(found.file)
    response["Content-Disposition"] = content_disposition_header(True, found.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
