"""Drafting invoices from billable work, editing drafts, issuing, credit notes, payments.

Every write checks first and changes nothing when it refuses (a DomainError naming the field).
An issued document is never edited: credit_note() corrects it."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history  # type: ignore[import-untyped]

from customers.models import Customer
from fieldservice.errors import InvalidInput, NeedsConfirmation, TransitionNotAllowed
from tickets.models import Ticket, Visit

from .. import events, totals
from ..models import (
    ChargeLine,
    Company,
    CustomerBilling,
    EInvoiceTransmission,
    Invoice,
    InvoiceLine,
    Payment,
    TaxRate,
)
from . import einvoices, numbering, taxes, transmissions, verifactu

IMMEDIATE_DAYS = 12  # Italy: an immediate invoice within 12 days of the work
DEFERRED_DAY = 15  # Italy: a deferred invoice by the 15th of the month after the work
DONE_TICKET = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)


def _by(instance: Any, by: User | None) -> Any:
    instance._history_user = by  # simple_history records who, outside a request too
    return instance


def _billing(customer: Customer) -> CustomerBilling | None:
    try:
        return customer.billing
    except CustomerBilling.DoesNotExist:
        return None


def _reverse_charge(company: Company, customer: Customer) -> bool:
    billing = _billing(customer)
    if billing is None:
        return False
    return taxes.is_reverse_charge(
        company,
        buyer_country=billing.country,
        vat_number=billing.vat_number,
        is_business=customer.kind == Customer.Kind.COMPANY,
    )


def _tax_fields(company: Company, reverse: bool, rate: TaxRate | None) -> dict:
    if reverse:
        return {
            "tax_rate": None,
            "rate": Decimal("0.00"),
            "category": InvoiceLine.Category.REVERSE_CHARGE,
            "exemption_reason": str(taxes.REVERSE_CHARGE_WORDING),
        }
    if rate is None:
        raise InvalidInput(
            _("No VAT rate is set up for %(country)s.") % {"country": company.country},
            field="tax_rate",
        )
    return {
        "tax_rate": rate,
        "rate": rate.rate,
        "category": rate.category,
        "exemption_reason": rate.legal_reason if rate.category != "S" else "",
    }


def _line_from_charge(
    invoice: Invoice, charge: ChargeLine, position: int, tax: dict
) -> InvoiceLine:
    money: Any = charge.unit_price  # a moneyed.Money (django-money's field)
    if _currency(charge) != invoice.currency:
        raise InvalidInput(
            _("Charges in %(a)s and %(b)s cannot be on one invoice.")
            % {"a": _currency(charge), "b": invoice.currency},
            field="currency",
        )
    line = InvoiceLine(
        invoice=invoice,
        position=position,
        description=charge.description,
        quantity=charge.quantity,
        unit_price=money.amount,
        discount_percent=charge.discount_percent,
        charge=charge,
        visit_date=charge.visit.actual_end.date()
        if charge.visit is not None and charge.visit.actual_end
        else None,
        **tax,
    )
    line.net_amount = totals.line_net(_arith(line, invoice.currency))
    return line


def _currency(charge: ChargeLine) -> str:
    money: Any = charge.unit_price
    return str(money.currency.code)


def _arith(line: InvoiceLine, currency: str) -> totals.Line:
    return totals.Line(
        quantity=line.quantity,
        unit_price=line.unit_price,
        currency=currency,
        discount_percent=line.discount_percent,
        rate=line.rate,
        category=line.category,
    )


def _uninvoiced(charges: QuerySet[ChargeLine]) -> QuerySet[ChargeLine]:
    return charges.filter(payer=ChargeLine.Payer.CUSTOMER, invoice_line__isnull=True)


def _new_invoice(
    customer: Customer, company: Company, currency: str, by: User | None, **fields: Any
) -> Invoice:
    return Invoice(
        company=company,
        customer=customer,
        currency=currency,
        language=customer.language or company.language,
        reverse_charge=_reverse_charge(company, customer),
        created_by=by,
        **fields,
    )


def _set_totals(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    result = totals.compute((_arith(line, invoice.currency) for line in lines), invoice.currency)
    invoice.net_total, invoice.tax_total, invoice.gross_total = (
        result.net,
        result.tax,
        result.gross,
    )
    invoice.stamp_duty = taxes.stamp_duty_for(
        invoice.company, ((line.category, line.net_amount) for line in lines)
    )


@transaction.atomic
def draft_invoice_for_ticket(ticket: Ticket, by: User | None) -> Invoice:
    """A draft of the customer's uninvoiced charges on a resolved or closed ticket."""
    if ticket.status not in DONE_TICKET:
        raise InvalidInput(
            _("Ticket %(number)s is not resolved yet: only completed work is invoiced.")
            % {"number": ticket.number},
            field="ticket",
        )
    charges = list(
        _uninvoiced(ticket.charge_lines.all())
        .select_related("visit")
        .select_for_update(of=("self",))
        .order_by("visit_id", "pk")
    )
    if not charges:
        raise InvalidInput(_("This ticket has nothing left to invoice."), field="ticket")
    for charge in charges:
        if charge.visit is not None and charge.visit.status != Visit.Status.COMPLETED:
            raise InvalidInput(
                _("A visit of this ticket is not completed: only completed work is invoiced."),
                field="visit",
            )
    company = taxes.default_company()
    invoice = _new_invoice(
        ticket.customer,
        company,
        _currency(charges[0]),
        by,
        ticket=ticket,
        work_done_on=_work_date(ticket, charges),
    )
    tax = _tax_fields(company, invoice.reverse_charge, taxes.standard_rate(company.country))
    lines = [_line_from_charge(invoice, c, i, tax) for i, c in enumerate(charges, 1)]
    _set_totals(invoice, lines)
    _by(invoice, by).save()
    try:
        with transaction.atomic():
            bulk_create_with_history(lines, InvoiceLine, default_user=by)
    except IntegrityError:
        raise InvalidInput(_("These charges were invoiced meanwhile."), field="ticket") from None
    return invoice


def _work_date(ticket: Ticket, charges: list[ChargeLine]) -> datetime.date | None:
    ends = [c.visit.actual_end for c in charges if c.visit is not None and c.visit.actual_end]
    when = max(ends) if ends else ticket.resolved_at
    return timezone.localdate(when) if when else None


@transaction.atomic
def draft_invoices_for_period(
    start: datetime.date, end: datetime.date, by: User | None
) -> list[Invoice]:
    """One deferred invoice per customer for the uninvoiced charges of the visits completed
    from `start` to `end` (inclusive), listing the visits. Queries do not grow with rows."""
    if end < start:
        raise InvalidInput(_("The period ends before it starts."), field="end")
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz)
    charges = list(
        _uninvoiced(ChargeLine.objects.all())
        .filter(
            visit__status=Visit.Status.COMPLETED,
            visit__actual_end__gte=since,
            visit__actual_end__lt=until,
            ticket__status__in=DONE_TICKET,
        )
        .select_related("visit", "ticket__customer")
        .order_by("ticket__customer_id", "visit__actual_end", "pk")
    )
    if not charges:
        return []
    company = taxes.default_company()
    by_customer: dict[tuple[int, str], list[ChargeLine]] = defaultdict(list)
    for charge in charges:
        by_customer[(charge.ticket.customer_id, _currency(charge))].append(charge)
    customers = {
        c.pk: c
        for c in Customer.objects.filter(pk__in={k[0] for k in by_customer}).select_related(
            "billing"
        )
    }
    rate = taxes.standard_rate(company.country)
    invoices: list[Invoice] = []
    pending: list[tuple[Invoice, list[ChargeLine]]] = []
    for (customer_id, currency), rows in by_customer.items():
        invoice = _new_invoice(
            customers[customer_id],
            company,
            currency,
            by,
            kind=Invoice.Kind.DEFERRED,
            period_start=start,
            period_end=end,
            work_done_on=end,
        )
        invoices.append(invoice)
        pending.append((invoice, rows))
    bulk_create_with_history(invoices, Invoice, default_user=by)
    lines: list[InvoiceLine] = []
    for invoice, rows in pending:
        tax = _tax_fields(company, invoice.reverse_charge, rate)
        mine = [_line_from_charge(invoice, c, i, tax) for i, c in enumerate(rows, 1)]
        _set_totals(invoice, mine)
        lines.extend(mine)
    try:
        with transaction.atomic():
            bulk_create_with_history(lines, InvoiceLine, default_user=by, batch_size=1000)
    except IntegrityError:
        raise InvalidInput(
            _("Some of these charges were invoiced meanwhile."), field="start"
        ) from None
    Invoice.objects.bulk_update(
        invoices, ["net_total", "tax_total", "gross_total", "stamp_duty"], batch_size=500
    )
    return invoices


def _draft_only(invoice: Invoice) -> None:
    if not invoice.is_draft:
        raise TransitionNotAllowed(
            _("Invoice %(number)s is issued and cannot be changed: issue a credit note.")
            % {"number": invoice.number},
            field="invoice",
        )


@transaction.atomic
def recalculate(invoice: Invoice, by: User | None = None) -> Invoice:
    """Store a draft's line amounts and totals again after an edit."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    _draft_only(invoice)
    lines = list(invoice.lines.all())
    for line in lines:
        line.net_amount = totals.line_net(_arith(line, invoice.currency))
    InvoiceLine.objects.bulk_update(lines, ["net_amount"])
    _set_totals(invoice, lines)
    _by(invoice, by).save()
    return invoice


def _line_values(invoice: Invoice, data: dict) -> dict:
    """Checked values of a line from a form or a caller; the tax rate is the company's."""
    description = str(data.get("description", "")).strip()
    if not description:
        raise InvalidInput(_("A line needs a description."), field="description")
    values = {
        "description": description[:250],
        "quantity": data.get("quantity", Decimal("1")),
        "unit_price": data.get("unit_price"),
        "discount_percent": data.get("discount_percent") or Decimal("0"),
    }
    if values["unit_price"] in (None, ""):
        raise InvalidInput(_("A line needs a unit price."), field="unit_price")
    rate = data.get("tax_rate")
    if invoice.reverse_charge:
        tax = _tax_fields(invoice.company, True, None)
    else:
        if rate is None:
            rate = taxes.standard_rate(invoice.company.country)
        elif rate.country != invoice.company.country:
            raise InvalidInput(
                _("That VAT rate is not one of %(country)s.")
                % {"country": invoice.company.country},
                field="tax_rate",
            )
        tax = _tax_fields(invoice.company, False, rate)
    values.update(tax)
    line = totals.Line(
        quantity=values["quantity"],
        unit_price=values["unit_price"],
        currency=invoice.currency,
        discount_percent=values["discount_percent"],
        rate=values["rate"],
        category=values["category"],
    )
    values["net_amount"] = totals.line_net(line)  # refuses bad input, naming the field
    values["quantity"] = Decimal(str(values["quantity"]))
    values["unit_price"] = Decimal(str(values["unit_price"]))
    values["discount_percent"] = Decimal(str(values["discount_percent"]))
    return values


@transaction.atomic
def add_line(invoice: Invoice, data: dict, by: User | None) -> InvoiceLine:
    invoice = Invoice.objects.select_for_update().select_related("company").get(pk=invoice.pk)
    _draft_only(invoice)
    values = _line_values(invoice, data)
    position = invoice.lines.count() + 1
    line = _by(InvoiceLine(invoice=invoice, position=position, **values), by)
    line.save()
    recalculate(invoice, by)
    return line


@transaction.atomic
def update_line(line: InvoiceLine, data: dict, by: User | None) -> InvoiceLine:
    invoice = Invoice.objects.select_for_update().select_related("company").get(pk=line.invoice_id)
    _draft_only(invoice)
    for name, value in _line_values(invoice, data).items():
        setattr(line, name, value)
    _by(line, by).save()
    recalculate(invoice, by)
    return line


@transaction.atomic
def remove_line(line: InvoiceLine, by: User | None) -> None:
    """Remove a draft's line; its charge goes back to the work not yet invoiced."""
    invoice = Invoice.objects.select_for_update().get(pk=line.invoice_id)
    _draft_only(invoice)
    _by(line, by).delete()
    recalculate(invoice, by)


def _buyer_snapshot(invoice: Invoice) -> None:
    customer = invoice.customer
    billing = _billing(customer)
    site = customer.sites.order_by("pk").first()
    address = billing.address if billing and billing.address else ""
    if not address and site is not None:
        address = ", ".join(p for p in (site.address, site.postal_code, site.city) if p)
    invoice.buyer_name = customer.name
    invoice.buyer_address = address
    invoice.buyer_vat_number = billing.vat_number if billing else ""
    invoice.buyer_tax_code = billing.tax_code if billing else ""
    invoice.buyer_country = (billing.country if billing else "") or (site.country if site else "")


def _check_legal_time(invoice: Invoice, today: datetime.date) -> None:
    if invoice.company.country != "IT" or invoice.kind == Invoice.Kind.CREDIT_NOTE:
        return
    if invoice.kind == Invoice.Kind.DEFERRED and invoice.period_end:
        month_after = (invoice.period_end.replace(day=1) + datetime.timedelta(days=32)).replace(
            day=DEFERRED_DAY
        )
        if today > month_after:
            raise NeedsConfirmation(
                _(
                    "A deferred invoice for work up to %(end)s was due by %(limit)s: "
                    "issuing it now is late."
                )
                % {"end": invoice.period_end, "limit": month_after},
                field="issued_on",
            )
    elif invoice.work_done_on and (today - invoice.work_done_on).days > IMMEDIATE_DAYS:
        raise NeedsConfirmation(
            _("The work was done on %(date)s, more than 12 days ago: issuing it now is late.")
            % {"date": invoice.work_done_on},
            field="issued_on",
        )


def _validate(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    if not lines:
        raise InvalidInput(_("An invoice needs at least one line."), field="lines")
    for line in lines:
        totals.check_line(_arith(line, invoice.currency))
    if not invoice.buyer_name:
        raise InvalidInput(_("The buyer has no name."), field="buyer_name")
    if invoice.reverse_charge and not invoice.buyer_vat_number:
        raise InvalidInput(
            _("Reverse charge needs the buyer's VAT number."), field="buyer_vat_number"
        )
    if invoice.kind == Invoice.Kind.CREDIT_NOTE and invoice.corrects_id is None:
        raise InvalidInput(_("A credit note names the invoice it corrects."), field="corrects")


def issue_invoice(
    invoice: Invoice,
    by: User | None,
    *,
    today: datetime.date | None = None,
    late_confirmed: bool = False,
    cancels: bool = False,
) -> Invoice:
    """Validate, then number and issue, in one transaction: a refusal changes nothing and
    uses no number; a second click (another tab) finds it issued and is refused. A Spanish
    company's document is registered in its VeriFactu chain (a credit note that `cancels` an
    invoice issued in error writes that invoice's cancellation record instead); an Italian
    company's is queued for the exchange (SdI)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("company", "customer")
            .get(pk=invoice.pk)
        )
        if not invoice.is_draft:
            raise TransitionNotAllowed(
                _("This invoice was already issued as %(number)s.") % {"number": invoice.number},
                field="invoice",
            )
        lines = list(invoice.lines.all())
        if invoice.kind != Invoice.Kind.CREDIT_NOTE:
            _buyer_snapshot(invoice)
        _validate(invoice, lines)
        if not late_confirmed:
            _check_legal_time(invoice, today)
        for line in lines:
            line.net_amount = totals.line_net(_arith(line, invoice.currency))
        InvoiceLine.objects.bulk_update(lines, ["net_amount"])
        _set_totals(invoice, lines)
        if invoice.kind == Invoice.Kind.CREDIT_NOTE:
            invoice.stamp_duty = Decimal("0.00")
        einvoices.check_before_numbering(invoice, lines)
        invoice.year = today.year
        invoice.sequence, invoice.number = numbering.next_number(
            invoice.company, invoice.kind, today.year
        )
        invoice.issued_on = today
        if invoice.kind != Invoice.Kind.CREDIT_NOTE:
            invoice.due_on = today + datetime.timedelta(days=invoice.company.payment_days)
        invoice.status = Invoice.Status.ISSUED
        _by(invoice, by).save()
        if invoice.kind == Invoice.Kind.CREDIT_NOTE:
            corrected = Invoice.objects.select_for_update().get(pk=invoice.corrects_id or 0)
            corrected.credited_total = corrected.credited_total + invoice.gross_total
            _by(corrected, by).save(update_fields=["credited_total"])
        if cancels and invoice.corrects is not None:
            verifactu.register_cancellation(invoice.corrects)
        else:
            verifactu.register_issued(invoice)
        transmissions.queue(invoice)
    return invoice


def _credited(invoice: Invoice) -> dict[int, Decimal]:
    """The quantities issued credit notes took, per line position."""
    credited: dict[int, Decimal] = defaultdict(Decimal)
    for position, quantity in InvoiceLine.objects.filter(
        invoice__corrects=invoice, invoice__status=Invoice.Status.ISSUED
    ).values_list("position", "quantity"):
        credited[position] += quantity
    return credited


def left_to_credit(invoice: Invoice) -> list[tuple[InvoiceLine, Decimal]]:
    """Each line of an issued invoice with the quantity no credit note has taken yet."""
    credited = _credited(invoice)
    return [(line, line.quantity - credited[line.position]) for line in invoice.lines.all()]


@transaction.atomic
def credit_note(
    invoice: Invoice,
    *,
    reason: str,
    by: User | None,
    lines: dict[int, Decimal] | None = None,
    today: datetime.date | None = None,
    cancel: bool = False,
) -> Invoice:
    """Issue a credit note correcting an issued invoice: all of it (`lines` None) or the
    given quantities of some of its lines ({line id: quantity}), never more than is left.
    `cancel`: the invoice was issued in error and is cancelled in full (in Spain its VeriFactu
    cancellation record is written instead of a corrective invoice's registration)."""
    invoice = Invoice.objects.select_for_update().select_related("company").get(pk=invoice.pk)
    if invoice.is_draft:
        raise TransitionNotAllowed(_("A draft is edited, not credited."), field="invoice")
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        raise InvalidInput(_("A credit note is not credited again."), field="invoice")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the invoice is corrected."), field="reason")
    credited = _credited(invoice)
    originals = list(invoice.lines.all())
    if cancel and (lines is not None or any(credited.values())):
        raise InvalidInput(
            _("Only an invoice not credited at all is cancelled, in full."), field="cancel"
        )
    wanted = (
        lines
        if lines is not None
        else {line.pk: line.quantity - credited[line.position] for line in originals}
    )
    note = Invoice(
        company=invoice.company,
        customer=invoice.customer,
        kind=Invoice.Kind.CREDIT_NOTE,
        currency=invoice.currency,
        language=invoice.language,
        buyer_name=invoice.buyer_name,
        buyer_address=invoice.buyer_address,
        buyer_vat_number=invoice.buyer_vat_number,
        buyer_tax_code=invoice.buyer_tax_code,
        buyer_country=invoice.buyer_country,
        reverse_charge=invoice.reverse_charge,
        corrects=invoice,
        reason=reason[:250],
        created_by=by,
    )
    new_lines = []
    by_id = {line.pk: line for line in originals}
    for line_id, asked in wanted.items():
        original = by_id.get(line_id)
        if original is None:
            raise InvalidInput(_("That line is not on this invoice."), field="lines")
        quantity = Decimal(str(asked))
        left = original.quantity - credited[original.position]
        if quantity < 0 or quantity > left:
            raise InvalidInput(
                _("At most %(left)s of “%(line)s” can be credited.")
                % {"left": left.normalize(), "line": original.description},
                field="quantity",
            )
        if quantity == 0:
            continue
        new_lines.append(
            InvoiceLine(
                invoice=note,
                position=original.position,
                description=original.description,
                quantity=quantity,
                unit_price=original.unit_price,
                discount_percent=original.discount_percent,
                tax_rate=original.tax_rate,
                rate=original.rate,
                category=original.category,
                exemption_reason=original.exemption_reason,
            )
        )
    if not new_lines:
        raise InvalidInput(_("Nothing is left to credit on this invoice."), field="lines")
    _by(note, by).save()
    InvoiceLine.objects.bulk_create(new_lines)
    return issue_invoice(note, by, today=today, late_confirmed=True, cancels=cancel)


@transaction.atomic
def record_payment(
    invoice: Invoice,
    *,
    amount: Decimal,
    method: str,
    paid_on: datetime.date,
    reference: str = "",
    by: User | None,
) -> Payment:
    """A payment, full or partial; more than is left to pay is refused."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.is_draft or invoice.kind == Invoice.Kind.CREDIT_NOTE:
        raise InvalidInput(_("Payments are recorded on issued invoices."), field="invoice")
    try:
        amount = Decimal(str(amount))
    except ArithmeticError:
        raise InvalidInput(_("The amount must be a number."), field="amount") from None
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(_("The amount must be more than zero."), field="amount")
    if amount != totals.round_money(amount, invoice.currency):
        raise InvalidInput(
            _("The amount has more decimals than %(currency)s allows.")
            % {"currency": invoice.currency},
            field="amount",
        )
    if amount > invoice.balance:
        raise InvalidInput(
            _("The amount is more than the %(left)s left to pay.") % {"left": invoice.balance},
            field="amount",
        )
    if method not in Payment.Method.values:
        raise InvalidInput(_("Choose how it was paid."), field="method")
    if paid_on is None:
        raise InvalidInput(_("Give the date of the payment."), field="paid_on")
    payment = _by(
        Payment(
            invoice=invoice,
            amount=amount,
            method=method,
            paid_on=paid_on,
            reference=(reference or "")[:100],
            recorded_by=by,
        ),
        by,
    )
    payment.save()
    invoice.paid_total = invoice.paid_total + amount
    _by(invoice, by).save(update_fields=["paid_total"])
    return payment


@transaction.atomic
def email_invoice(invoice: Invoice, by: User | None) -> None:
    """Put the issued invoice (its PDF) in the outbox for the customer's email address."""
    invoice = Invoice.objects.select_related("customer").get(pk=invoice.pk)
    if invoice.is_draft:
        raise InvalidInput(_("Issue the invoice before sending it."), field="invoice")
    if not invoice.customer.email:
        raise InvalidInput(_("The customer has no email address."), field="email")
    events.invoice_to_send.send(sender=Invoice, invoice=invoice)


def charges_for(lines: Iterable[InvoiceLine]) -> list[int]:
    return [line.charge_id for line in lines if line.charge_id]


def reissue_rejected(*, invoice: Invoice, by: User | None) -> Invoice:
    """A rejected invoice corrected: an internal credit note cancels it in the books (not
    sent: the exchange never took the invoice) and a new draft with the same lines is made,
    to fix and issue under a new number."""
    with transaction.atomic():
        row = EInvoiceTransmission.objects.select_for_update().filter(invoice=invoice).first()
        if row is None or row.state != EInvoiceTransmission.State.REJECTED:
            raise TransitionNotAllowed(
                _("Only an e-invoice the exchange rejected is issued again."), field="state"
            )
        if invoice.credit_notes.filter(status=Invoice.Status.ISSUED).exists():
            raise TransitionNotAllowed(
                _("Invoice %(number)s was already corrected.") % {"number": invoice.number},
                field="invoice",
            )
        credit_note(
            invoice,
            reason=_("Rejected by the exchange (%(file)s): %(why)s")
            % {"file": row.file_name, "why": row.receipt_message or "-"},
            by=by,
        )
        return _copy_as_draft(invoice, by)


def _copy_as_draft(invoice: Invoice, by: User | None) -> Invoice:
    fields: dict[str, Any] = {
        name: getattr(invoice, name)
        for name in (
            "company",
            "customer",
            "kind",
            "currency",
            "language",
            "reverse_charge",
            "ticket",
            "period_start",
            "period_end",
            "work_done_on",
            "notes",
        )
    }
    draft = Invoice(created_by=by, **fields)
    draft._history_user = by  # type: ignore[attr-defined]
    draft.save()
    lines = list(invoice.lines.all())
    for line in lines:
        line.pk = None
        line.id = None
        line.invoice = draft
        line.charge = None  # the charge stays billed by the first invoice and its credit note
        line._state.adding = True
        line.save()
    return recalculate(draft, by)
