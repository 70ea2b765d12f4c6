"""Quotes: built from the repair options a technician offered or at the desk, sent with a
signed link, accepted or declined in the portal, through the link or signed on the
technician's phone. An accepted quote is the work to do: the repair options it lists are the
ones chosen, and the visit that completes the job bills its lines at the quoted prices
(billing.services.charges)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Part
from customers.models import Contact
from fieldservice.errors import DomainError, InvalidInput, NotAllowed, TransitionNotAllowed
from fieldservice.money import Money
from tickets.models import RepairOption, Ticket, Visit
from tickets.services import decide_option

from .. import events
from ..models import ChargeLine, Quote, QuoteLine
from . import approvals, pricing

if TYPE_CHECKING:
    from django.contrib.auth.models import User

QUOTE_VALID_DAYS = 30
# How long the emailed link works; the quote's own validity is checked besides.
LINK_MAX_AGE = datetime.timedelta(days=60)
_SALT = "billing.quote"
_signer = signing.TimestampSigner(salt=_SALT)
# A drawn signature, as on the visit (tickets.services.sign_visit's limit).
_SIGNATURE_MAX = 512 * 1024


class QuoteRefused(DomainError):
    code = "quote_refused"


@dataclass(frozen=True)
class LineInput:
    description: str
    unit_price: object
    quantity: object = "1"
    discount_percent: object = "0"
    kind: str = ChargeLine.Kind.OTHER
    part: Part | None = None
    repair_option: RepairOption | None = None


def _clean_line(data: LineInput, *, currency: str, n: int) -> QuoteLine:
    what = {"n": n}
    description = data.description.strip()
    if not description or len(description) > 250:
        raise InvalidInput(
            _("Line %(n)d: describe it in 1 to 250 characters.") % what, field="description"
        )
    if data.kind not in ChargeLine.Kind.values:
        raise InvalidInput(_("Line %(n)d: unknown kind.") % what, field="kind")
    try:
        quantity = Decimal(str(data.quantity).strip().replace(",", "."))
        discount = Decimal(str(data.discount_percent).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(
            _("Line %(n)d: the quantity and the discount are numbers.") % what, field="quantity"
        ) from exc
    if not quantity.is_finite() or quantity <= 0 or quantity >= 10_000_000:
        raise InvalidInput(
            _("Line %(n)d: the quantity must be more than zero.") % what, field="quantity"
        )
    if quantity != quantity.quantize(Decimal("0.001")):
        raise InvalidInput(
            _("Line %(n)d: the quantity has at most three decimals.") % what, field="quantity"
        )
    if not discount.is_finite() or not 0 <= discount <= 100:
        raise InvalidInput(
            _("Line %(n)d: the discount is between 0 and 100%%.") % what, field="discount_percent"
        )
    price = pricing.clean_amount(
        data.unit_price,
        currency=currency,
        field="unit_price",
        label=_("Line %(n)d: unit price") % what,
    )
    if price >= 10_000_000_000:
        raise InvalidInput(_("Line %(n)d: the price is too large.") % what, field="unit_price")
    line = QuoteLine(
        kind=data.kind,
        description=description,
        part=data.part,
        repair_option=data.repair_option,
        quantity=quantity,
        discount_percent=discount.quantize(Decimal("0.01")),
    )
    pricing.set_money(line, "unit_price", price, currency)
    return line


@transaction.atomic
def create_quote(
    *,
    ticket: Ticket,
    lines: list[LineInput],
    by: User | None,
    visit: Visit | None = None,
    valid_until: datetime.date | None = None,
) -> Quote:
    """A draft quote for the ticket, in the currency of the customer's price list."""
    if ticket.status not in Ticket.OPEN_STATUSES:
        raise QuoteRefused(
            _("The ticket is %(s)s: quote open tickets only.") % {"s": ticket.get_status_display()}
        )
    if not lines:
        raise InvalidInput(_("A quote needs at least one line."), field="lines")
    today = timezone.localdate()
    valid_until = valid_until or today + datetime.timedelta(days=QUOTE_VALID_DAYS)
    if valid_until < today:
        raise InvalidInput(_("The quote must be valid until today or later."), field="valid_until")
    price_list = pricing.price_list_for(customer=ticket.customer, contract=ticket.contract)
    cleaned = [
        _clean_line(line, currency=price_list.currency, n=n) for n, line in enumerate(lines, 1)
    ]
    quote = Quote.objects.create(
        ticket=ticket,
        visit=visit,
        currency=price_list.currency,
        valid_until=valid_until,
        created_by=by,
    )
    quote.number = f"Q-{quote.created_at:%Y}-{quote.pk:06d}"
    quote.save(update_fields=["number"])
    for line in cleaned:
        line.quote = quote
    QuoteLine.objects.bulk_create(cleaned)
    return quote


def quote_from_options(*, visit: Visit, by: User | None) -> Quote:
    """A draft quote of the repair options still open on the visit, one line each."""
    options = list(visit.repair_options.filter(decision=RepairOption.Decision.OFFERED))
    if not options:
        raise QuoteRefused(_("The visit has no repair options offered to quote."))
    return create_quote(
        ticket=visit.ticket,
        visit=visit,
        by=by,
        lines=[
            LineInput(description=o.description, unit_price=o.price, repair_option=o)
            for o in options
        ],
    )


def quote_token(quote: Quote) -> str:
    return _signer.sign(str(quote.pk))


def quote_from_token(token: str) -> Quote:
    """The quote a signed link names: a tampered or expired link is refused."""
    try:
        pk = int(_signer.unsign(token, max_age=LINK_MAX_AGE))
    except signing.SignatureExpired as exc:
        raise InvalidInput(
            _("This link has expired: ask us for a new one."), field="token"
        ) from exc
    except (signing.BadSignature, ValueError) as exc:
        raise InvalidInput(
            _("This link is not valid: it may have been cut or changed."), field="token"
        ) from exc
    quote = Quote.objects.filter(pk=pk).exclude(status=Quote.Status.DRAFT).first()
    if quote is None:
        raise InvalidInput(_("This link is not valid any more."), field="token")
    return quote


@transaction.atomic
def send_quote(*, quote: Quote, by: User | None) -> Quote:
    """Send a draft (or send again a sent quote) to the customer with its signed link."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status not in (Quote.Status.DRAFT, Quote.Status.SENT):
        raise TransitionNotAllowed(
            _("The quote is %(s)s: it cannot be sent.") % {"s": quote.get_status_display()}
        )
    if quote.valid_until < timezone.localdate():
        raise QuoteRefused(_("The quote expired on %(d)s.") % {"d": quote.valid_until})
    quote.status = Quote.Status.SENT
    quote.sent_at = timezone.now()
    quote.save(update_fields=["status", "sent_at"])
    events.quote_sent.send(sender=Quote, quote=quote, token=quote_token(quote))
    return quote


def _check_decidable(quote: Quote, *, how: str, today: datetime.date) -> None:
    allowed = (
        (Quote.Status.DRAFT, Quote.Status.SENT) if how == Quote.How.PHONE else (Quote.Status.SENT,)
    )
    if quote.status not in allowed:
        raise TransitionNotAllowed(
            _("The quote is %(s)s already.") % {"s": quote.get_status_display().lower()}
        )
    if quote.valid_until < today:
        raise QuoteRefused(
            _("The quote expired on %(d)s: ask for a new one.") % {"d": quote.valid_until}
        )


def needs_approver(quote: Quote) -> bool:
    """Whether accepting the quote takes an approver: its total is above its customer's
    approval threshold (an organization with none lets any contact accept)."""
    threshold = quote.ticket.customer.approval_threshold
    return threshold is not None and quote.total > threshold.amount  # type: ignore[attr-defined]


def _check_approval(quote: Quote, *, how: str, by: User | None) -> None:
    """Above the organization's threshold only an approver or an administrator accepts, in
    the portal: not a requester, nor the emailed link (which does not say who clicks it)."""
    if how == Quote.How.PHONE or not needs_approver(quote):
        return
    threshold: Any = quote.ticket.customer.approval_threshold  # a djmoney Money
    words = {"amount": str(Money(threshold.amount, str(threshold.currency)))}
    if how == Quote.How.LINK or by is None or not by.is_authenticated:
        raise NotAllowed(
            _(
                "Quotes above %(amount)s are accepted by your company's approver: sign in to "
                "the portal as an approver."
            )
            % words
        )
    role = (
        Contact.objects.filter(user=by, customer_id=quote.ticket.customer_id)
        .values_list("role", flat=True)
        .first()
    )
    if role not in (Contact.Role.APPROVER, Contact.Role.ADMINISTRATOR):
        raise NotAllowed(
            _("Quotes above %(amount)s need your company's approver: ask them to accept it.")
            % words
        )


@transaction.atomic
def decide_quote(
    *,
    quote: Quote,
    accept: bool,
    how: str,
    by: User | None = None,
    name: str = "",
    signature_png: bytes | None = None,
    today: datetime.date | None = None,
) -> Quote:
    """The customer accepts or declines the quote: recorded with who, when and how. Accepted,
    its repair options are the chosen ones. Signed on the phone, a drawn signature and the
    signer's name are required."""
    if how not in Quote.How.values:
        raise InvalidInput(_("Unknown way of deciding."), field="how")
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    _check_decidable(quote, how=how, today=today or timezone.localdate())
    if accept:
        _check_approval(quote, how=how, by=by)
        if how == Quote.How.PHONE:
            # Billable work above the client's limit is not signed for on site before one of
            # the organization's approvers approved it (billing.services.approvals).
            approvals.ensure_approved(quote)
    name = name.strip() or (by.get_full_name() if by is not None else "")
    if how == Quote.How.PHONE:
        if not name:
            raise InvalidInput(_("Write the name of who signs."), field="signed_by")
        if not signature_png:
            raise InvalidInput(_("Draw the signature first."), field="signature")
        if len(signature_png) > _SIGNATURE_MAX:
            raise InvalidInput(_("The signature image is too large."), field="signature")
        if not signature_png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise InvalidInput(_("The signature must be a PNG image."), field="signature")
    if len(name) > 200:
        raise InvalidInput(_("The name is at most 200 characters."), field="signed_by")
    quote.status = Quote.Status.ACCEPTED if accept else Quote.Status.DECLINED
    quote.decided_at = timezone.now()
    quote.decided_by = by if by is not None and by.is_authenticated else None
    quote.decided_by_name = name
    quote.decided_how = how
    if signature_png:
        quote.signature.save(f"quote-{quote.pk}.png", ContentFile(signature_png), save=False)
    quote.save()
    if accept:
        _choose_options(quote)
    events.quote_decided.send(sender=Quote, quote=quote)
    return quote


def _choose_options(quote: Quote) -> None:
    """The quote's lines are done together, so every option it lists is chosen; the others
    offered on those visits are declined. tickets' decide_option picks one option a visit,
    so a quote of one option goes through it, and a quote of several sets them at once."""
    options = [
        line.repair_option
        for line in quote.lines.select_related("repair_option__visit")
        if line.repair_option is not None
        and line.repair_option.visit.status != Visit.Status.CANCELLED
    ]
    if len(options) == 1:
        decide_option(option=options[0], chosen=True)
    elif options:
        visits = {o.visit_id for o in options}
        chosen = [o.pk for o in options]
        RepairOption.objects.filter(visit__in=visits).exclude(pk__in=chosen).update(
            decision=RepairOption.Decision.DECLINED
        )
        RepairOption.objects.filter(pk__in=chosen).update(decision=RepairOption.Decision.CHOSEN)


@transaction.atomic
def expire_quotes(*, today: datetime.date | None = None) -> int:
    """Sent quotes past their date become expired (kept). Safe to run twice."""
    today = today or timezone.localdate()
    return Quote.objects.filter(
        status__in=[Quote.Status.DRAFT, Quote.Status.SENT], valid_until__lt=today
    ).update(status=Quote.Status.EXPIRED)
