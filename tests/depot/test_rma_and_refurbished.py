"""A unit under the manufacturer's warranty sent on and back; a refurbished unit's own warranty,
which coverage uses for its next owner."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from depot import services
from depot.models import RepairOrder
from fieldservice.errors import InvalidInput, TransitionNotAllowed
from tests import factories
from tickets.coverage import decide_coverage
from tickets.models import Ticket

S = RepairOrder.Status


def _order(warranty_days: int | None):
    until = timezone.localdate() + datetime.timedelta(days=warranty_days) if warranty_days else None
    appliance = factories.ApplianceFactory(warranty_until=until)
    ticket = factories.open_ticket(appliance=appliance)
    order = services.open_repair_order(
        ticket=ticket,
        appliances=[appliance],
        handover=RepairOrder.Handover.DROP_OFF,
        source=RepairOrder.Source.DESK,
        by=None,
    )
    for step in (S.RECEIVED, S.DIAGNOSING):
        services.record_step(order=order, to=step, by=None)
    return order


def test_a_unit_under_warranty_goes_to_the_manufacturer_and_the_order_waits_for_it(db):
    order = _order(warranty_days=200)
    unit = order.units.get()

    rma = services.send_to_manufacturer(unit=unit, rma_number="BSH-991", by=None)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.record_step(order=order, to=S.READY, by=None)
    assert "BSH-991" in refused.value.message
    services.back_from_manufacturer(rma=rma, by=None)
    services.record_step(order=order, to=S.READY, by=None)
    order.refresh_from_db()
    assert order.status == S.READY


def test_a_unit_out_of_warranty_is_not_sent_to_the_manufacturer(db):
    order = _order(warranty_days=None)

    with pytest.raises(InvalidInput) as refused:
        services.send_to_manufacturer(unit=order.units.get(), rma_number="X-1", by=None)

    assert "not under the manufacturer's warranty" in refused.value.message
    assert not order.units.get().manufacturer_returns.exists()


def test_a_unit_is_at_the_manufacturer_once_at_a_time(db):
    order = _order(warranty_days=30)
    unit = order.units.get()
    services.send_to_manufacturer(unit=unit, rma_number="A-1", by=None)

    with pytest.raises(TransitionNotAllowed):
        services.send_to_manufacturer(unit=unit, rma_number="A-2", by=None)

    assert unit.manufacturer_returns.count() == 1


def test_an_empty_rma_number_is_refused_naming_the_field(db):
    order = _order(warranty_days=30)

    with pytest.raises(InvalidInput) as refused:
        services.send_to_manufacturer(unit=order.units.get(), rma_number="  ", by=None)

    assert refused.value.field == "rma_number"


def test_a_refurbished_unit_sold_on_is_covered_by_its_own_warranty(db):
    order = _order(warranty_days=None)
    services.record_step(order=order, to=S.READY, by=None)
    unit = order.units.get()

    appliance = services.mark_refurbished(unit=unit, warranty_months=12, by=None)

    buyer_site = factories.SiteFactory()
    appliance.site = buyer_site
    appliance.save()
    decision = decide_coverage(
        customer=buyer_site.customer,
        appliance=appliance,
        on=timezone.localdate() + datetime.timedelta(days=300),
    )
    assert decision.coverage == Ticket.Coverage.WARRANTY
    assert "Refurbished" in decision.reason
    later = decide_coverage(
        customer=buyer_site.customer,
        appliance=appliance,
        on=timezone.localdate() + datetime.timedelta(days=400),
    )
    assert later.coverage == Ticket.Coverage.BILLABLE


def test_a_unit_is_refurbished_only_once_it_is_ready(db):
    order = _order(warranty_days=None)

    with pytest.raises(TransitionNotAllowed):
        services.mark_refurbished(unit=order.units.get(), warranty_months=12, by=None)

    assert order.units.get().appliance.refurbished_on is None


@pytest.mark.parametrize("months", [0, 61])
def test_a_refurbished_warranty_out_of_range_is_refused_naming_the_field(db, months):
    order = _order(warranty_days=None)
    services.record_step(order=order, to=S.READY, by=None)

    with pytest.raises(InvalidInput) as refused:
        services.mark_refurbished(unit=order.units.get(), warranty_months=months, by=None)

    assert refused.value.field == "warranty_months"
