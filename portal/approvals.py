"""An approver's answer to a request for billable work, through the signed link in their email,
without logging in: the link opens that one request and nothing else."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from billing.services import approvals
from fieldservice.errors import DomainError


def approval_link(request, token: str):
    try:
        approval, contact = approvals.approval_from_token(token)
    except DomainError as err:
        return render(request, "portal/approval.html", {"refused": err.message}, status=400)
    status, error = 200, None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action not in ("approve", "decline"):
                raise approvals.ApprovalRefused(_("Choose to approve or to decline the work."))
            approvals.decide_approval(
                token=token, approve=action == "approve", name=request.POST.get("name", "")
            )
        except DomainError as err:
            error, status = err.message, 400
        else:
            if action == "approve":
                messages.success(request, _("Thank you: the work is approved."))
            else:
                messages.success(request, _("The work is declined."))
            return redirect("portal:approval", token=token)
        approval.refresh_from_db()
    return render(
        request,
        "portal/approval.html",
        {"approval": approval, "quote": approval.quote, "contact": contact, "error": error},
        status=status,
    )
