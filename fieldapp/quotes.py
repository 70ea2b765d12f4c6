"""The technician's quote on the phone: the repair options offered on the visit made into a
quote, which the customer signs there and then."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from billing.models import Quote
from billing.services import quotes
from fieldservice.errors import DomainError
from fieldservice.roles import technician_required
from tickets.selectors import visits_for
from tickets.services import png_from_data_url


@technician_required
def quote(request, visit_id: int):
    visit = get_object_or_404(visits_for(request.user), pk=visit_id)
    current = (
        Quote.objects.filter(visit=visit, status__in=[Quote.Status.DRAFT, Quote.Status.SENT])
        .prefetch_related("lines")
        .first()
    )
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "build":
                quotes.quote_from_options(visit=visit, by=request.user)
            elif current is None:
                raise quotes.QuoteRefused(_("There is no quote to sign on this visit."))
            else:
                quotes.decide_quote(
                    quote=current,
                    accept=request.POST.get("action") != "decline",
                    how=Quote.How.PHONE,
                    by=request.user,
                    name=request.POST.get("signed_by", ""),
                    signature_png=png_from_data_url(request.POST.get("signature", "")),
                )
                messages.success(request, _("The customer's decision is recorded."))
        except DomainError as err:
            messages.error(request, err.message)
            status = 400
        else:
            return redirect("tech:quote", visit_id=visit.pk)
    decided = Quote.objects.filter(visit=visit).exclude(
        status__in=[Quote.Status.DRAFT, Quote.Status.SENT]
    )
    return render(
        request,
        "fieldapp/quote.html",
        {"visit": visit, "quote": current, "decided": decided},
        status=status,
    )
