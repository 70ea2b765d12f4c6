"""What inbound email leaves for an agent: senders to confirm, and mail that could not be read."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fieldservice.errors import DomainError
from fieldservice.media import file_response
from fieldservice.roles import dispatcher_required

from .. import inbound
from ..forms import (
    ConfirmContactForm,
)
from ..models import PendingContact, QuarantinedMail


@dispatcher_required
def mail_quarantine(request):
    return render(
        request,
        "desk/mail_quarantine.html",
        {"quarantined": QuarantinedMail.objects.all()[:200]},
    )


@dispatcher_required
def mail_quarantine_raw(request, mail_id: int):
    kept = get_object_or_404(QuarantinedMail, pk=mail_id)
    response = file_response(kept.raw)
    response["Content-Type"] = "message/rfc822"
    response["Content-Disposition"] = content_disposition_header(True, f"quarantine-{kept.pk}.eml")
    return response


@dispatcher_required
def mail_pending(request):
    pending = PendingContact.objects.filter(status=PendingContact.Status.PENDING)[:200]
    return render(
        request, "desk/mail_pending.html", {"pending": pending, "form": ConfirmContactForm()}
    )


@require_POST
@dispatcher_required
def mail_pending_confirm(request, contact_id: int):
    contact = get_object_or_404(PendingContact, pk=contact_id)
    form = ConfirmContactForm(request.POST)
    if form.is_valid():
        try:
            ticket = inbound.confirm_contact(
                contact=contact, customer=form.cleaned_data["customer"], by=request.user
            )
        except DomainError as err:
            form.add_error("customer" if err.field == "customer" else None, err.message)
        else:
            messages.success(request, _("%(number)s opened.") % {"number": ticket.number})
            return redirect("desk:mail_pending")
    pending = PendingContact.objects.filter(status=PendingContact.Status.PENDING)[:200]
    return render(
        request,
        "desk/mail_pending.html",
        {"pending": pending, "form": ConfirmContactForm(), "errors_for": contact.pk, "bad": form},
        status=400,
    )


@require_POST
@dispatcher_required
def mail_pending_dismiss(request, contact_id: int):
    contact = get_object_or_404(PendingContact, pk=contact_id)
    inbound.dismiss_contact(contact=contact)
    messages.success(request, _("Dismissed."))
    return redirect("desk:mail_pending")
