"""Each figure of insights.kpis on a small hand-built history whose right answer is counted by
hand in the test's comments."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from billing.models import ChargeLine, Company, Invoice, InvoiceLine, Quote
from contracts.models import HourBankEntry
from insights import kpis
from tests import factories
from tickets.models import Ticket, Visit

from .history import MONDAY, at, ticket, visit

pytestmark = pytest.mark.django_db


def week(**filters) -> kpis.Scope:
    """The history's week, Monday 00:00 to the next Monday 00:00 in Rome."""
    return kpis.Scope(start=at(0, 0), end=at(7, 0), **filters)


@pytest.fixture
def tech():
    return factories.TechnicianFactory(region="North")


@pytest.fixture
def other_tech():
    return factories.TechnicianFactory(region="South")


def test_first_time_fix_counts_first_visits_fixed_with_no_follow_up(tech):
    # Four tickets whose first visit ended this week:
    # a: fixed, nothing after -> first-time fix
    # b: needs parts, a second visit two days later -> not
    # c: "fixed", but the same appliance is visited again 10 days later -> not
    # d: fixed, the same appliance visited again 40 days later -> still a first-time fix
    a = ticket(opened=at(0, 8))
    visit(a, tech, start=at(0, 10))
    b = ticket(opened=at(0, 8))
    visit(b, tech, start=at(1, 10), outcome=Visit.Outcome.NEEDS_PARTS)
    visit(b, tech, start=at(3, 10))
    c = ticket(opened=at(0, 8))
    visit(c, tech, start=at(2, 10))
    again = ticket(opened=at(11, 8), appliance=c.appliance)
    visit(again, tech, start=at(12, 10))
    d = ticket(opened=at(0, 8))
    visit(d, tech, start=at(2, 14))
    later = ticket(opened=at(41, 8), appliance=d.appliance)
    visit(later, tech, start=at(42, 10))

    total, weekly = kpis.first_time_fix(week())

    # b's second visit is not a first visit; the later tickets' visits fall outside the week.
    assert (total.part, total.whole) == (2, 4)
    assert total.percent == 50.0
    assert weekly == [(MONDAY, kpis.Share(2, 4))]
    ids = set(
        kpis.first_visits(week()).filter(first_time_fix=True).values_list("ticket", flat=True)
    )
    assert ids == {a.pk, d.pk}


def test_first_time_fix_follows_the_technician_filter(tech, other_tech):
    visit(ticket(opened=at(0, 8)), tech, start=at(0, 10))
    visit(ticket(opened=at(0, 8)), other_tech, start=at(0, 12), outcome=Visit.Outcome.NEEDS_PARTS)

    assert kpis.first_time_fix(week(technician=other_tech))[0] == kpis.Share(0, 1)
    assert kpis.first_time_fix(week(area="North"))[0] == kpis.Share(1, 1)


def test_repeat_visits_by_model_and_by_code(tech):
    # Model A: three fixes this week, two of them come back within 30 days. Model B: one fix,
    # no return. Error code E1 is on two of model A's tickets, one of which came back.
    model_a = factories.ApplianceModelFactory(manufacturer="Acme", model_number="A1")
    model_b = factories.ApplianceModelFactory(manufacturer="Acme", model_number="B2")
    code = factories.ErrorCodeFactory(appliance_model=model_a, code="E1")
    fixes = []
    for n in range(3):
        appliance = factories.ApplianceFactory(model=model_a)
        t = ticket(opened=at(0, 8), appliance=appliance)
        fixes.append(visit(t, tech, start=at(n, 10)))
    fixes[0].ticket.error_codes.add(code)
    fixes[2].ticket.error_codes.add(code)
    for fix in fixes[:2]:
        back = ticket(opened=at(20, 8), appliance=fix.ticket.appliance)
        visit(back, tech, start=at(20, 10))
    visit(
        ticket(opened=at(0, 8), appliance=factories.ApplianceFactory(model=model_b)),
        tech,
        start=at(4, 10),
    )

    by_model = kpis.repeats_by_model(week())
    by_code = kpis.repeats_by_code(week())

    assert [(r["label"], r["part"], r["whole"]) for r in by_model] == [("Acme A1", 2, 3)]
    assert by_model[0]["share"].percent == pytest.approx(66.7)
    assert [(r["label"], r["part"], r["whole"]) for r in by_code] == [("E1", 1, 2)]


def test_repeats_by_code_count_a_ticket_under_each_code_and_codes_by_their_text(tech):
    # One ticket with two codes (E1, E2) fixed and back within 30 days: a repeat under both.
    # Model B's own "E1" on another fixed ticket counts under the same E1; a fixed ticket
    # without a code is in no row.
    model_a = factories.ApplianceModelFactory(manufacturer="Acme", model_number="A1")
    model_b = factories.ApplianceModelFactory(manufacturer="Acme", model_number="B2")
    e1 = factories.ErrorCodeFactory(appliance_model=model_a, code="E1")
    e2 = factories.ErrorCodeFactory(appliance_model=model_a, code="E2")
    e1_b = factories.ErrorCodeFactory(appliance_model=model_b, code="E1")
    first = visit(
        ticket(opened=at(0, 8), appliance=factories.ApplianceFactory(model=model_a)),
        tech,
        start=at(0, 10),
    )
    first.ticket.error_codes.add(e1, e2)
    visit(ticket(opened=at(15, 8), appliance=first.ticket.appliance), tech, start=at(15, 10))
    other = visit(
        ticket(opened=at(0, 8), appliance=factories.ApplianceFactory(model=model_b)),
        tech,
        start=at(1, 10),
    )
    other.ticket.error_codes.add(e1_b)
    visit(
        ticket(opened=at(0, 8), appliance=factories.ApplianceFactory(model=model_b)),
        tech,
        start=at(2, 10),
    )

    by_code = kpis.repeats_by_code(week())

    assert [(r["label"], r["part"], r["whole"]) for r in by_code] == [("E1", 1, 2), ("E2", 1, 1)]


def test_sla_compliance_for_response_and_resolution(tech):
    now = at(6, 12)
    # a: answered in time, resolved late; b: answered late, resolved in time;
    # c: never answered and past its response due time, resolution still running;
    # d: cancelled, left out.
    ticket(
        opened=at(0, 8),
        response_due_at=at(0, 12),
        responded_at=at(0, 9),
        sla_due_at=at(1, 12),
        resolved_at=at(2, 12),
        status=Ticket.Status.RESOLVED,
    )
    ticket(
        opened=at(1, 8),
        response_due_at=at(1, 12),
        responded_at=at(1, 13),
        sla_due_at=at(3, 12),
        resolved_at=at(2, 12),
        status=Ticket.Status.RESOLVED,
    )
    ticket(opened=at(2, 8), response_due_at=at(2, 12), sla_due_at=at(9, 12))
    ticket(opened=at(2, 8), response_due_at=at(2, 9), status=Ticket.Status.CANCELLED)

    figures = kpis.sla_compliance(week(), now)

    assert figures.response == kpis.Share(1, 3)
    assert figures.resolution == kpis.Share(1, 2)
    assert figures.weekly == [(MONDAY, kpis.Share(1, 3), kpis.Share(1, 2))]


def test_mean_time_to_repair_over_field_repairs(tech):
    # Repaired in 4 h and in 20 h after a completed visit; a remote fix (no visit) is left out.
    a = ticket(opened=at(0, 8), resolved_at=at(0, 12), status=Ticket.Status.RESOLVED)
    visit(a, tech, start=at(0, 10))
    b = ticket(opened=at(1, 8), resolved_at=at(2, 4), status=Ticket.Status.CLOSED)
    visit(b, tech, start=at(1, 10))
    ticket(opened=at(1, 8), resolved_at=at(1, 9), status=Ticket.Status.RESOLVED)

    found = kpis.mean_time_to_repair(week())

    assert found.count == 2
    assert found.hours == 12.0


def test_utilization_splits_shift_time(tech):
    # The factory's technician works 08-17 with an hour's break every day: 8 h a day, 56 h in
    # the week. On site 2 h + 4 h = 6 h, on the road 30 + 90 min = 2 h; idle 48 h.
    visit(ticket(opened=at(0, 7)), tech, start=at(0, 9), minutes=120, travel=30)
    visit(ticket(opened=at(0, 7)), tech, start=at(1, 9), minutes=240, travel=90)

    (row,) = kpis.utilization(week(technician=tech))

    assert row.shift == datetime.timedelta(hours=56)
    assert row.working == datetime.timedelta(hours=6)
    assert row.travelling == datetime.timedelta(hours=2)
    assert row.idle == datetime.timedelta(hours=48)
    assert (row.working_share, row.travelling_share, row.idle_share) == (10.7, 3.6, 85.7)
    (area,) = kpis.utilization(week(), by_area=True)
    assert (area.area, area.shift, area.working, area.travelling) == (
        "North",
        row.shift,
        row.working,
        row.travelling,
    )


def test_travel_per_visit_is_the_mean_road_time(tech):
    visit(ticket(opened=at(0, 7)), tech, start=at(0, 9), travel=20)
    visit(ticket(opened=at(0, 7)), tech, start=at(1, 9), travel=40)
    visit(ticket(opened=at(0, 7)), tech, start=at(2, 9))  # no departure recorded: left out

    found = kpis.travel_per_visit(week())

    assert (found.count, found.minutes) == (2, 30)


def test_remote_fixes_share_of_resolved_tickets(tech):
    # Three tickets resolved this week: two on the phone, one after a visit.
    for hour in (9, 10):
        ticket(
            opened=at(0, 8),
            resolved_at=at(0, hour),
            resolved_remotely_at=at(0, hour),
            status=Ticket.Status.RESOLVED,
            resolution_code=Ticket.Resolution.RESET_DONE,
        )
    fixed = ticket(opened=at(0, 8), resolved_at=at(1, 12), status=Ticket.Status.RESOLVED)
    visit(fixed, tech, start=at(1, 10))

    assert kpis.remote_fixes(week()) == kpis.Share(2, 3)


def test_backlog_by_age(tech):
    now = at(40, 12)
    ticket(opened=now - datetime.timedelta(hours=2))
    ticket(opened=now - datetime.timedelta(days=2))
    ticket(opened=now - datetime.timedelta(days=2, hours=5))
    ticket(opened=now - datetime.timedelta(days=10))
    ticket(opened=now - datetime.timedelta(days=35))
    ticket(opened=now - datetime.timedelta(days=35), status=Ticket.Status.CLOSED)

    ages = dict(kpis.backlog_by_age(week(), now))

    assert ages == {"day": 1, "days3": 2, "week": 0, "month": 1, "older": 1}
    assert kpis.backlog_tickets(week(), now, "days3").count() == 2


def test_quotes_accepted_share_of_decided(tech, dispatcher):
    t = ticket(opened=at(0, 8))
    statuses = [Quote.Status.ACCEPTED] * 2 + [Quote.Status.DECLINED, Quote.Status.SENT]
    for status in statuses:
        Quote.objects.create(
            ticket=t, status=status, currency="EUR", valid_until=MONDAY, sent_at=at(1, 9)
        )
    # Sent the week before: not counted.
    Quote.objects.create(
        ticket=t,
        status=Quote.Status.ACCEPTED,
        currency="EUR",
        valid_until=MONDAY,
        sent_at=at(-2, 9),
    )

    found = kpis.quotes_accepted(week())

    assert (found.sent, found.accepted, found.declined, found.expired) == (4, 2, 1, 0)
    assert found.decided == kpis.Share(2, 3)


def _issued(customer, t, *, kind=Invoice.Kind.INVOICE, number="1"):
    company = Company.objects.first() or Company.objects.create(legal_name="Servizi Srl")
    return Invoice.objects.create(
        company=company,
        customer=customer,
        kind=kind,
        status=Invoice.Status.ISSUED,
        number=number,
        issued_on=MONDAY + datetime.timedelta(days=2),
        ticket=t,
    )


def test_revenue_and_margin_by_kind_and_technician(tech, settings):
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "INSIGHTS_LABOUR_COST_PER_HOUR": "30.00"}
    # A repair: 2 h of labour billed 100.00 (costs 60.00) and a part billed 80.00 whose
    # catalog price is 50.00; margin 70.00. An installation's call-out fee of 40.00 with no
    # visit (costs nothing), and a credit note of 10.00 on the repair.
    repair = ticket(opened=at(0, 8))
    v = visit(repair, tech, start=at(0, 10))
    part = factories.PartFactory(unit_price=Decimal("50.00"))
    charges = [
        (ChargeLine.Kind.LABOUR, Decimal(2), Decimal("50.00"), None),
        (ChargeLine.Kind.PART, Decimal(1), Decimal("80.00"), part),
    ]
    invoice = _issued(repair.customer, repair)
    for kind, quantity, price, the_part in charges:
        charge = ChargeLine.objects.create(
            ticket=repair,
            visit=v,
            kind=kind,
            description=kind,
            part=the_part,
            quantity=quantity,
            unit_price=price,
            payer=ChargeLine.Payer.CUSTOMER,
        )
        InvoiceLine.objects.create(
            invoice=invoice,
            description=kind,
            quantity=quantity,
            unit_price=price,
            net_amount=quantity * price,
            charge=charge,
        )
    install = ticket(opened=at(0, 8), kind=Ticket.Kind.INSTALLATION)
    InvoiceLine.objects.create(
        invoice=_issued(install.customer, install, number="2"),
        description="Call-out",
        quantity=Decimal(1),
        unit_price=Decimal("40.00"),
        net_amount=Decimal("40.00"),
    )
    credit = _issued(repair.customer, repair, kind=Invoice.Kind.CREDIT_NOTE, number="3")
    InvoiceLine.objects.create(
        invoice=credit,
        description="Goodwill",
        quantity=Decimal(1),
        unit_price=Decimal("10.00"),
        net_amount=Decimal("10.00"),
    )

    by_kind = {
        r["key"]: (r["revenue"], r["cost"], r["margin"]) for r in kpis.revenue_by_kind(week())
    }
    by_tech = {r["key"]: (r["revenue"], r["margin"]) for r in kpis.revenue_by_technician(week())}

    assert by_kind == {
        "repair": (Decimal("170.00"), Decimal("110.00"), Decimal("60.00")),
        "installation": (Decimal("40.00"), Decimal("0.00"), Decimal("40.00")),
    }
    assert by_tech == {
        tech.pk: (Decimal("180.00"), Decimal("70.00")),
        None: (Decimal("30.00"), Decimal("30.00")),
    }


def test_hour_banks_running_low():
    on = MONDAY
    low = factories.ServiceContractFactory(
        hour_bank=True,
        low_balance_minutes=120,
        starts_on=on - datetime.timedelta(days=10),
        ends_on=on + datetime.timedelta(days=300),
    )
    fine = factories.ServiceContractFactory(
        hour_bank=True,
        low_balance_minutes=120,
        starts_on=low.starts_on,
        ends_on=low.ends_on,
    )
    for contract, used in ((low, -540), (fine, -300)):
        HourBankEntry.objects.create(
            contract=contract, kind=HourBankEntry.Kind.PURCHASE, minutes=600, on=low.starts_on
        )
        HourBankEntry.objects.create(
            contract=contract, kind=HourBankEntry.Kind.DRAW, minutes=used, on=on
        )

    found = list(kpis.hour_banks_low(week(), on))

    assert [(c.number, c.minutes_left) for c in found] == [(low.number, 60)]


def test_the_tickets_filters_narrow_the_visits_and_the_tickets_figures_alike(tech):
    repair = ticket(opened=at(0, 8), kind=Ticket.Kind.REPAIR, responded_at=at(0, 9))
    visit(repair, tech, start=at(1, 10))
    install = ticket(opened=at(0, 8), kind=Ticket.Kind.INSTALLATION, responded_at=at(0, 9))
    visit(install, tech, start=at(1, 14), outcome=Visit.Outcome.NEEDS_PARTS)

    repairs = week(kind=Ticket.Kind.REPAIR)
    theirs = week(customer=install.customer)

    assert kpis.first_time_fix(repairs)[0] == kpis.Share(1, 1)  # on the visits' summaries
    assert kpis.first_time_fix(theirs)[0] == kpis.Share(0, 1)
    assert kpis.sla_compliance(repairs, at(7, 0)).response.whole == 1  # the tickets'
    assert kpis.sla_compliance(theirs, at(7, 0)).response.whole == 1
