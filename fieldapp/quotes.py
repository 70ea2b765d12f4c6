"""The technician's quote on the phone: the repair options offered on the visit made into a
quote, which the customer signs there and then; billable work above the client company's limit
waits for one of its approvers instead (billing.services.approvals)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from billing.models import Quote
from billing.services import approvals, quotes
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
            action = request.POST.get("action")
            if action == "build":
                quotes.quote_from_options(visit=visit, by=request.user)
            elif current is None:
                raise quotes.QuoteRefused(_("There is no quote to sign on this visit."))
            elif action == "ask_approval":
                approvals.request_approval(quote=current, by=request.user)
                messages.success(request, _("The client's approvers are asked by email."))
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
        {
            "visit": visit,
            "quote": current,
            "decided": decided,
            "needs_approval": current is not None and approvals.needs_approval(current),
            "approval": approvals.latest_approval(current) if current is not None else None,
        },
        status=status,
    )
