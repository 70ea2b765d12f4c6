"""Approval before billable work. A client company's contract (or, without an amount there,
the organization's approval threshold) says above which amount a technician's billable work
waits for the client: the technician asks instead of proceeding, the organization's approvers
(and administrators) get an email with a signed link of their own, and one of them approves or
declines without logging in. Until it is approved, the quote cannot be signed on the phone."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact, Customer
from fieldservice.errors import InvalidInput, NotAllowed, TransitionNotAllowed
from fieldservice.money import Money
from tickets.models import Ticket

from .. import events
from ..models import Quote, WorkApproval
from . import pricing

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# How long an approver's link works: the request is for work waiting on a visit.
LINK_MAX_AGE = datetime.timedelta(days=3)
_SALT = "billing.work_approval"
APPROVER_ROLES = (Contact.Role.APPROVER, Contact.Role.ADMINISTRATOR)


class ApprovalRefused(InvalidInput):
    code = "approval_refused"


def approval_limit(quote: Quote) -> Any | None:
    """The amount above which the quote's work needs the client's approval (a djmoney Money):
    the contract's, else the organization's approval threshold; None when nothing is set."""
    contract = quote.ticket.contract
    if contract is not None and contract.work_approval_above is not None:
        return contract.work_approval_above
    customer = quote.ticket.customer
    if customer.kind == Customer.Kind.COMPANY and customer.approval_threshold is not None:
        return customer.approval_threshold
    return None


def needs_approval(quote: Quote) -> bool:
    """Whether the quote is billable work above its approval limit: not a warranty job, and
    its total more than the limit."""
    limit = approval_limit(quote)
    if limit is None or quote.ticket.coverage == Ticket.Coverage.WARRANTY:
        return False
    return quote.total > limit.amount


def latest_approval(quote: Quote) -> WorkApproval | None:
    return WorkApproval.objects.filter(quote=quote).order_by("-requested_at", "-pk").first()


def _money(value: Any) -> str:
    return str(Money(value.amount, str(value.currency)))


def ensure_approved(quote: Quote) -> None:
    """NotAllowed while the quote's work needs the client's approval and has none: the
    technician asks for it instead of proceeding."""
    if not needs_approval(quote):
        return
    if WorkApproval.objects.filter(quote=quote, status=WorkApproval.Status.APPROVED).exists():
        return
    raise NotAllowed(
        _("This work is above %(amount)s: the client's approval is needed before it is done.")
        % {"amount": _money(approval_limit(quote))}
    )


def approvers(customer_id: int) -> list[Contact]:
    """The organization's contacts who may approve work: approvers and administrators, active,
    with an email address."""
    return list(
        Contact.objects.filter(
            customer_id=customer_id, role__in=APPROVER_ROLES, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user", "customer")
        .order_by("pk")
    )


@transaction.atomic
def request_approval(*, quote: Quote, by: User | None) -> WorkApproval:
    """Ask the organization's approvers to approve the quote's billable work: the request is
    recorded and each approver is emailed a signed link of their own (approval_requested).
    Refused when the work needs no approval, a request waits already, or it is approved."""
    quote = Quote.objects.select_for_update().select_related("ticket__customer").get(pk=quote.pk)
    if quote.status not in (Quote.Status.DRAFT, Quote.Status.SENT):
        raise TransitionNotAllowed(
            _("The quote is %(s)s already.") % {"s": quote.get_status_display().lower()}
        )
    limit = approval_limit(quote)
    if limit is None or not needs_approval(quote):
        raise ApprovalRefused(_("This work does not need the client's approval."))
    previous = latest_approval(quote)
    if previous is not None and previous.status == WorkApproval.Status.PENDING:
        raise ApprovalRefused(_("The client's approval was asked already: wait for the answer."))
    if previous is not None and previous.status == WorkApproval.Status.APPROVED:
        raise ApprovalRefused(_("The client approved this work already."))
    if not approvers(quote.ticket.customer_id):
        raise ApprovalRefused(
            _("%(organization)s has no approver to ask: call the client.")
            % {"organization": quote.ticket.customer.name}
        )
    approval = WorkApproval(
        quote=quote,
        visit=quote.visit,
        requested_by=by,
        expires_at=timezone.now() + LINK_MAX_AGE,
    )
    pricing.set_money(approval, "amount", quote.total, quote.currency)
    pricing.set_money(approval, "limit", limit.amount, str(limit.currency))
    approval.save()
    events.approval_requested.send(sender=WorkApproval, approval=approval)
    return approval


def approval_token(approval: WorkApproval, contact: Contact) -> str:
    """The signed link's token: this request, decided by this contact, for LINK_MAX_AGE."""
    return signing.dumps({"approval": approval.pk, "contact": contact.pk}, salt=_SALT)


def approval_from_token(token: str) -> tuple[WorkApproval, Contact]:
    """The request and the contact a signed link names. A tampered or expired link is refused,
    and so is a contact who is not (or no longer) an approver of the request's organization."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=LINK_MAX_AGE)
        approval_pk, contact_pk = int(data["approval"]), int(data["contact"])
    except signing.SignatureExpired as exc:
        raise InvalidInput(
            _("This link has expired: ask the technician to send a new request."), field="token"
        ) from exc
    except (signing.BadSignature, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(
            _("This link is not valid: it may have been cut or changed."), field="token"
        ) from exc
    approval = (
        WorkApproval.objects.select_related(
            "quote__ticket__customer", "quote__ticket__site", "visit__technician__user"
        )
        .filter(pk=approval_pk)
        .first()
    )
    contact = Contact.objects.select_related("user", "customer").filter(pk=contact_pk).first()
    if approval is None or contact is None:
        raise InvalidInput(_("This link is not valid any more."), field="token")
    if contact.customer_id != approval.quote.ticket.customer_id:
        raise NotAllowed(_("Only a contact of the company the work is for can decide it."))
    if contact.role not in APPROVER_ROLES or not contact.user.is_active:
        raise NotAllowed(_("Only your company's approvers can decide this work."))
    return approval, contact


@transaction.atomic
def decide_approval(*, token: str, approve: bool, name: str = "") -> WorkApproval:
    """An approver approves or declines the work through their signed link, once: a request
    decided already is refused."""
    approval, contact = approval_from_token(token)
    approval = WorkApproval.objects.select_for_update().get(pk=approval.pk)
    if approval.status != WorkApproval.Status.PENDING:
        raise TransitionNotAllowed(
            _("This request was decided already: %(status)s.")
            % {"status": approval.get_status_display().lower()}
        )
    name = name.strip() or contact.user.get_full_name() or contact.user.get_username()
    if len(name) > 200:
        raise InvalidInput(_("The name is at most 200 characters."), field="name")
    approval.status = WorkApproval.Status.APPROVED if approve else WorkApproval.Status.DECLINED
    approval.decided_at = timezone.now()
    approval.decided_by = contact
    approval.decided_by_name = name
    approval.save(update_fields=["status", "decided_at", "decided_by", "decided_by_name"])
    events.approval_decided.send(sender=WorkApproval, approval=approval)
    return approval
