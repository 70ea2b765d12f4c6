"""The office's price lists, labour-time corrections, the invoice list's pages and the header's
links to the money side: bad input is refused naming the field and changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from djmoney.money import Money

from billing.models import ChargeLine, Invoice, LabourCorrection, LabourRate, PartPrice
from billing.services import pricing
from tests import factories
from tests.billing.helpers import completed_work, ensure_rates_and_company
from tickets.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def price_list():
    price_list = pricing.save_price_list(name="Italy", currency="EUR", is_default=True, by=None)
    pricing.set_labour_rate(price_list=price_list, kind="repair", hourly_rate="60.00", by=None)
    return price_list


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_price_lists_page_lists_each_with_its_counts(dispatcher_client, price_list):
    pricing.save_price_list(name="Spain", currency="EUR", by=None)

    page = dispatcher_client.get(reverse("billing:price_lists"))

    assert [p.name for p in page.context["price_lists"]] == ["Italy", "Spain"]
    assert page.context["price_lists"][0].rate_count == 1
    assert reverse("billing:price_list", args=[price_list.pk]).encode() in page.content


def test_a_labour_rate_is_saved_from_the_price_list_page(dispatcher_client, price_list):
    page = dispatcher_client.get(reverse("billing:price_list", args=[price_list.pk]))
    assert b'data-testid="rate-maintenance"' in page.content

    answer = dispatcher_client.post(
        reverse("billing:price_list_rate", args=[price_list.pk]),
        {
            "kind": "maintenance",
            "hourly_rate": "55,50",
            "after_hours_factor": "1,25",
            "weekend_factor": "2",
        },
        follow=True,
    )

    rate = LabourRate.objects.get(price_list=price_list, kind="maintenance")
    assert rate.hourly_rate == Money("55.50", "EUR")
    assert rate.after_hours_factor == Decimal("1.25")
    assert "saved" in " ".join(_messages(answer))


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("hourly_rate", "60.005", "Hourly rate"),
        ("hourly_rate", "-1", "Hourly rate"),
        ("hourly_rate", "sixty", "Hourly rate"),
        ("after_hours_factor", "0.5", "After-hours factor"),
        ("weekend_factor", "2.125", "Weekend factor"),
    ],
)
def test_a_bad_labour_rate_is_refused_naming_the_field(
    dispatcher_client, price_list, field, value, named
):
    data = {"kind": "repair", "hourly_rate": "70", "after_hours_factor": "1.5"}
    data["weekend_factor"] = "2"
    data[field] = value

    answer = dispatcher_client.post(
        reverse("billing:price_list_rate", args=[price_list.pk]), data, follow=True
    )

    assert named in " ".join(_messages(answer))
    rate = LabourRate.objects.get(price_list=price_list, kind="repair")
    assert rate.hourly_rate == Money("60.00", "EUR")  # unchanged
    assert rate.weekend_factor == Decimal("2")


def test_a_part_price_is_added_and_changed_by_sku(dispatcher_client, price_list):
    pump = factories.PartFactory(sku="PUMP-1", name="Drain pump")
    url = reverse("billing:price_list_part", args=[price_list.pk])

    dispatcher_client.post(url, {"sku": "PUMP-1", "price": "42.00"})
    dispatcher_client.post(url, {"sku": "PUMP-1", "price": "39,90"})
    page = dispatcher_client.get(reverse("billing:price_list", args=[price_list.pk]))

    assert PartPrice.objects.get(price_list=price_list, part=pump).price == Money("39.90", "EUR")
    assert b'data-testid="part-PUMP-1"' in page.content
    assert b'value="39.90"' in page.content


@pytest.mark.parametrize(
    ("sku", "price", "named"),
    [("NOPE", "10", "Part (SKU)"), ("PUMP-1", "10.999", "Price of Drain pump")],
)
def test_a_bad_part_price_is_refused_naming_the_field(
    dispatcher_client, price_list, sku, price, named
):
    factories.PartFactory(sku="PUMP-1", name="Drain pump")

    answer = dispatcher_client.post(
        reverse("billing:price_list_part", args=[price_list.pk]),
        {"sku": sku, "price": price},
        follow=True,
    )

    assert named in " ".join(_messages(answer))
    assert not PartPrice.objects.exists()


def _completed_visit(minutes: int = 50) -> Visit:
    visit = completed_work(prices=()).visits.get()
    start = visit.actual_end - datetime.timedelta(minutes=minutes)
    Visit.objects.filter(pk=visit.pk).update(actual_start=start)
    visit.refresh_from_db()
    ChargeLine.objects.create(
        ticket=visit.ticket,
        visit=visit,
        kind=ChargeLine.Kind.LABOUR,
        description="Labour",
        quantity=Decimal("0.833"),
        unit_price=Money("60.00", "EUR"),
    )
    return visit


def test_the_labour_page_corrects_the_minutes_with_the_reason(dispatcher_client, dispatcher):
    ensure_rates_and_company("IT")
    visit = _completed_visit(50)
    url = reverse("billing:labour", args=[visit.pk])
    page = dispatcher_client.get(url)
    assert page.context["measured"] == 50
    assert page.context["form"]["minutes"].value() == 50

    answer = dispatcher_client.post(
        url, {"minutes": "90", "reason": "The phone died on site"}, follow=True
    )

    correction = LabourCorrection.objects.get(visit=visit)
    assert (correction.minutes, correction.measured_minutes, correction.by) == (90, 50, dispatcher)
    assert ChargeLine.objects.get(visit=visit, kind="labour").quantity == Decimal("1.500")
    assert b'data-testid="corrected"' in answer.content
    assert "Labour time corrected." in _messages(answer)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"minutes": "-5", "reason": "x"}, "Labour minutes"),
        ({"minutes": "lots", "reason": "x"}, "Labour minutes"),
        ({"minutes": "2000", "reason": "x"}, "Labour minutes"),
        ({"minutes": "30", "reason": "  "}, "Reason"),
    ],
)
def test_a_bad_labour_correction_is_refused_naming_the_field(dispatcher_client, data, named):
    ensure_rates_and_company("IT")
    visit = _completed_visit(50)

    answer = dispatcher_client.post(reverse("billing:labour", args=[visit.pk]), data)

    assert answer.status_code == 400
    assert named in answer.context["error"]
    assert b'aria-invalid="true"' in answer.content
    assert not LabourCorrection.objects.exists()
    assert ChargeLine.objects.get(visit=visit, kind="labour").quantity == Decimal("0.833")


def test_the_desk_links_a_completed_visit_to_its_labour_page(dispatcher_client):
    ensure_rates_and_company("IT")
    visit = _completed_visit()

    page = dispatcher_client.get(reverse("desk:ticket", args=[visit.ticket.number]))

    assert reverse("billing:labour", args=[visit.pk]).encode() in page.content


def _drafts(n: int, name: str = "Rossi") -> list[Invoice]:
    company = ensure_rates_and_company("IT")
    customer = factories.CustomerFactory(name=name)
    return Invoice.objects.bulk_create(
        [Invoice(company=company, customer=customer) for _ in range(n)]
    )


def test_the_invoice_list_is_paged_and_its_links_keep_the_filters(dispatcher_client):
    _drafts(120)
    _drafts(3, name="Bianchi")
    url = reverse("billing:invoices")

    first = dispatcher_client.get(url, {"show": "draft", "q": "Rossi"})
    last = dispatcher_client.get(url, {"show": "draft", "q": "Rossi", "page": "3"})
    beyond = dispatcher_client.get(url, {"show": "draft", "q": "Rossi", "page": "99"})

    assert len(first.context["invoices"]) == 50
    assert first.context["page"].paginator.num_pages == 3
    assert b"?show=draft&amp;q=Rossi&amp;page=2" in first.content
    assert len(last.context["invoices"]) == 20
    assert {i.customer.name for i in last.context["invoices"]} == {"Rossi"}
    assert b"?show=draft&amp;q=Rossi&amp;page=2" in last.content  # back
    assert beyond.context["page"].number == 3  # a page past the end shows the last
    # The CSV export of the same filters leaves the page out.
    assert b"export.csv?show=draft&amp;q=Rossi" in last.content
    assert b"export.csv?show=draft&amp;q=Rossi&amp;page" not in last.content


def test_a_paged_invoice_list_costs_the_same_queries_for_10_or_50_rows(dispatcher_client):
    _drafts(10)
    url = reverse("billing:invoices")
    dispatcher_client.get(url)  # warm: the session, the user
    with CaptureQueriesContext(connection) as ten:
        dispatcher_client.get(url)
    _drafts(190)
    with CaptureQueriesContext(connection) as full:
        page = dispatcher_client.get(url, {"page": "2"})

    assert len(page.context["invoices"]) == 50
    assert len(full) == len(ten)


def test_a_bad_invoice_filter_is_refused_naming_the_field(dispatcher_client):
    page = dispatcher_client.get(reverse("billing:invoices"), {"show": "everything"})

    assert page.status_code == 400
    assert "Show" in page.context["error"]


def test_the_header_links_each_role_to_the_money_pages_it_may_see(
    dispatcher_client, customer_user, technician
):
    office = dispatcher_client.get(reverse("desk:tickets")).content.decode()
    customer = Client()
    customer.force_login(customer_user)
    portal = customer.get(reverse("portal:home")).content.decode()
    tech = Client()
    tech.force_login(technician.user)
    day = tech.get(reverse("tech:today")).content.decode()

    for name in ("desk:contracts", "billing:invoices", "billing:quotes", "billing:claims"):
        assert f'href="{reverse(name)}"' in office
        assert f'href="{reverse(name)}"' not in portal
        assert f'href="{reverse(name)}"' not in day
    assert f'href="{reverse("billing:price_lists")}"' in office
    for name in ("portal:contracts", "portal:invoices"):
        assert f'href="{reverse(name)}"' in portal
        assert f'href="{reverse(name)}"' not in office
    billing = dispatcher_client.get(reverse("billing:invoices")).content.decode()
    assert 'aria-current="page">Invoices</a>' in billing  # where the dispatcher is
