"""Correcting a visit's labour minutes, under /billing/visits/<id>/labour/: the minutes that
are charged in place of the on-site times, with the reason, which is recorded with who and
when (billing.services.charges.correct_labour; a labour line already built follows)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fieldservice.errors import DomainError
from fieldservice.forms import errors_in_words
from fieldservice.roles import dispatcher_required
from tickets.models import Visit

from . import selectors
from .forms import LabourCorrectionForm
from .services import charges


@dispatcher_required
def labour(request, visit_id: int):
    try:
        visit = selectors.labour_of(visit_id)
    except Visit.DoesNotExist:
        raise Http404 from None
    correction = getattr(visit, "labour_correction", None)
    form = LabourCorrectionForm(
        request.POST or None,
        initial={"minutes": correction.minutes if correction else charges.labour_minutes(visit)},
    )
    error = ""
    if request.method == "POST":
        if not form.is_valid():
            error = errors_in_words(form)
        else:
            try:
                charges.correct_labour(visit=visit, by=request.user, **form.cleaned_data)
            except DomainError as err:
                error = err.message
            else:
                messages.success(request, _("Labour time corrected."))
                return redirect("billing:labour", visit.pk)
    return render(
        request,
        "billing/labour.html",
        {
            "visit": visit,
            "correction": correction,
            "measured": charges.on_site_minutes(visit),
            "form": form,
            "error": error,
        },
        status=400 if error else 200,
    )
