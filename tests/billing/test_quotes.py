"""Quotes: built from repair options or at the desk, decided in the portal, through the
signed link or on the phone; refused when expired, tampered or not the customer's."""

from __future__ import annotations

import base64
import datetime
import io
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from billing import tasks
from billing.models import PriceList, Quote
from billing.services import pricing, quotes
from demo.quotes import seed_quotes
from fieldservice.errors import InvalidInput, TransitionNotAllowed
from notifications.models import Notification
from notifications.services import deliver
from tests import factories
from tests.helpers import assign_today
from tickets import services as tickets
from tickets.models import RepairOption

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def price_list(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    price_list = pricing.save_price_list(name="Italy", currency="EUR", is_default=True, by=None)
    pricing.set_labour_rate(price_list=price_list, kind="repair", hourly_rate="60.00", by=None)
    return price_list


@pytest.fixture
def customer_ticket(customer_user):
    appliance = factories.ApplianceFactory(site__customer=customer_user.contacts.get().customer)
    return factories.open_ticket(appliance=appliance)


def desk_quote(ticket, **kwargs):
    return quotes.create_quote(
        ticket=ticket,
        by=None,
        lines=[
            quotes.LineInput(description="Drain pump", unit_price="35.10", quantity="3"),
            quotes.LineInput(description="Labour", unit_price="60", quantity="0.333"),
        ],
        **kwargs,
    )


def test_totals_are_the_sum_of_lines_rounded_to_cents(customer_ticket):
    quote = desk_quote(customer_ticket)
    assert [line.amount for line in quote.lines.all()] == [Decimal("105.30"), Decimal("19.98")]
    assert quote.total == Decimal("125.28")
    assert quote.number.startswith("Q-")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (quotes.LineInput(description="Pump", unit_price="1.234"), "unit_price"),
        (quotes.LineInput(description="Pump", unit_price="10", quantity="-1"), "quantity"),
        (quotes.LineInput(description="Pump", unit_price="10", discount_percent="120"), "discount"),
        (quotes.LineInput(description=" ", unit_price="10"), "describe"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_written(customer_ticket, line, field):
    with pytest.raises(InvalidInput) as err:
        quotes.create_quote(ticket=customer_ticket, by=None, lines=[line])
    assert field in (err.value.field or "") or field in err.value.message
    assert "Line 1" in err.value.message
    assert not Quote.objects.exists()


def test_a_quote_of_the_repair_options_chooses_them_when_accepted(technician):
    visit = assign_today(factories.new_visit(), technician)
    visit = tickets.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = tickets.transition_visit(visit=visit, to="on_site", by=None)
    pump = tickets.offer_option(visit=visit, description="Replace pump", price=Decimal("85"))
    board = tickets.offer_option(visit=visit, description="Replace board", price=Decimal("190"))

    quote = quotes.quote_from_options(visit=visit, by=technician.user)
    assert [(line.description, line.amount) for line in quote.lines.all()] == [
        ("Replace pump", Decimal("85.00")),
        ("Replace board", Decimal("190.00")),
    ]
    quote.lines.filter(repair_option=board).delete()
    quotes.send_quote(quote=quote, by=None)
    quotes.decide_quote(quote=quote, accept=True, how="link", name="Anna Verdi")

    pump.refresh_from_db()
    board.refresh_from_db()
    assert (pump.decision, board.decision) == (
        RepairOption.Decision.CHOSEN,
        RepairOption.Decision.DECLINED,
    )
    quote.refresh_from_db()
    assert (quote.status, quote.decided_by_name, quote.decided_how) == (
        "accepted",
        "Anna Verdi",
        "link",
    )
    assert quote.decided_at is not None


def test_accepting_after_valid_until_is_refused_and_changes_nothing(customer_ticket):
    quote = desk_quote(customer_ticket)
    quotes.send_quote(quote=quote, by=None)
    later = quote.valid_until + datetime.timedelta(days=1)
    with pytest.raises(quotes.QuoteRefused, match="expired"):
        quotes.decide_quote(quote=quote, accept=True, how="portal", today=later)
    quote.refresh_from_db()
    assert quote.status == "sent"
    assert quotes.expire_quotes(today=later) == 1
    quote.refresh_from_db()
    assert quote.status == "expired"
    assert quotes.expire_quotes(today=later) == 0


def test_a_decided_quote_cannot_be_decided_again(customer_ticket):
    quote = desk_quote(customer_ticket)
    quotes.send_quote(quote=quote, by=None)
    quotes.decide_quote(quote=quote, accept=False, how="portal")
    with pytest.raises(TransitionNotAllowed):
        quotes.decide_quote(quote=quote, accept=True, how="portal")
    quote.refresh_from_db()
    assert quote.status == "declined"


def test_the_customer_accepts_in_the_portal_and_another_customer_gets_404(
    client, customer_user, customer_ticket
):
    other_customer = factories.UserFactory(username="customer-b", role="customer")
    factories.CustomerFactory(user=other_customer)
    quote = desk_quote(customer_ticket)
    url = reverse("portal:quote", args=[quote.pk])
    client.force_login(customer_user)
    assert client.get(url).status_code == 404  # a draft is not shown yet
    quotes.send_quote(quote=quote, by=None)
    page = client.get(url)
    assert page.status_code == 200
    assert "125.28" in page.content.decode()

    client.force_login(other_customer)
    assert client.post(url, {"action": "accept"}).status_code == 404

    client.force_login(customer_user)
    assert client.post(url, {"action": "accept"}).status_code == 302
    quote.refresh_from_db()
    assert (quote.status, quote.decided_by, quote.decided_how) == (
        "accepted",
        customer_user,
        "portal",
    )


def test_the_signed_link_decides_that_quote_without_login(client, customer_ticket):
    quote = desk_quote(customer_ticket)
    quotes.send_quote(quote=quote, by=None)
    token = quotes.quote_token(quote)
    url = reverse("portal:quote_link", args=[token])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "decline", "name": "Anna"}).status_code == 302
    quote.refresh_from_db()
    assert (quote.status, quote.decided_how, quote.decided_by) == ("declined", "link", None)
    # The link grants nothing else: the portal's own page still needs a login.
    assert client.get(reverse("portal:quote", args=[quote.pk])).status_code == 302


def test_a_tampered_or_expired_link_is_refused_with_a_clear_page(client, customer_ticket):
    quote = desk_quote(customer_ticket)
    quotes.send_quote(quote=quote, by=None)
    token = quotes.quote_token(quote)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    page = client.post(reverse("portal:quote_link", args=[tampered]), {"action": "accept"})
    assert page.status_code == 400
    assert "not valid" in page.content.decode()

    old = signing.TimestampSigner(salt="billing.quote")
    old.timestamp = lambda: signing.b62_encode(  # type: ignore[method-assign]
        int((timezone.now() - datetime.timedelta(days=90)).timestamp())
    )
    page = client.get(reverse("portal:quote_link", args=[old.sign(str(quote.pk))]))
    assert page.status_code == 400
    assert "expired" in page.content.decode()
    quote.refresh_from_db()
    assert quote.status == "sent"


def _png_data_url() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_the_customer_signs_on_the_technicians_phone(client, technician):
    visit = assign_today(factories.new_visit(), technician)
    visit = tickets.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = tickets.transition_visit(visit=visit, to="on_site", by=None)
    tickets.offer_option(visit=visit, description="Replace pump", price=Decimal("85"))
    client.force_login(technician.user)
    url = reverse("tech:quote", args=[visit.pk])

    assert client.post(url, {"action": "build"}).status_code == 302
    unsigned = client.post(url, {"action": "accept", "signed_by": "Anna"})
    assert unsigned.status_code == 400
    assert Quote.objects.get().status == "draft"

    signed = client.post(
        url, {"action": "accept", "signed_by": "Anna Verdi", "signature": _png_data_url()}
    )
    assert signed.status_code == 302
    quote = Quote.objects.get()
    assert (quote.status, quote.decided_how, quote.decided_by_name) == (
        "accepted",
        "phone",
        "Anna Verdi",
    )
    assert quote.signature.name.endswith(".png")

    other = factories.TechnicianFactory(user__username="other-tech")
    client.force_login(other.user)
    assert client.get(url).status_code == 404


def test_office_pages_list_and_send(
    dispatcher_client, customer_ticket, django_assert_max_num_queries
):
    for _ in range(5):
        desk_quote(customer_ticket)
    with django_assert_max_num_queries(8):
        page = dispatcher_client.get(reverse("billing:quotes"))
    assert page.status_code == 200
    quote = Quote.objects.first()
    assert dispatcher_client.post(reverse("billing:quote_send", args=[quote.pk])).status_code == 302
    quote.refresh_from_db()
    assert quote.status == "sent"

    answer = dispatcher_client.post(
        reverse("billing:quote_new", args=[customer_ticket.number]),
        {"description_0": "Pump", "price_0": "-3"},
    )
    assert answer.status_code == 302
    assert Quote.objects.count() == 5


def test_the_demo_has_a_list_per_country_and_quotes_in_each_state(price_list):
    for _ in range(5):
        factories.open_ticket()
    assert seed_quotes() == 5
    assert seed_quotes() == 0
    assert set(Quote.objects.values_list("status", flat=True)) == set(Quote.Status.values)
    assert set(PriceList.objects.values_list("name", flat=True)) >= {"Italia", "España", "България"}
    assert PriceList.objects.get(is_default=True).name == "Italia"


def test_sending_emails_the_signed_link_through_the_outbox(client, customer_ticket, mailoutbox):
    quote = desk_quote(customer_ticket)
    quotes.send_quote(quote=quote, by=None)

    row = Notification.objects.get(kind=Notification.Kind.QUOTE_SENT)
    assert row.recipient == customer_ticket.customer.email
    assert deliver(notification_id=row.pk)
    body = mailoutbox[0].body
    assert quote.number in mailoutbox[0].subject
    assert "125.28" in body
    link = row.payload["quote_url"]
    assert link in body
    assert client.get(urlparse(link).path).status_code == 200


def test_beat_expires_quotes_past_their_date(settings, customer_ticket):
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].startswith("billing.")
    )
    assert entry["task"] == "billing.tasks.expire_quotes"
    quote = desk_quote(customer_ticket, valid_until=timezone.localdate())
    Quote.objects.filter(pk=quote.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert tasks.expire_quotes() == 1
    assert tasks.expire_quotes() == 0


def test_the_desk_ticket_page_drafts_a_quote(dispatcher_client, customer_ticket):
    page = dispatcher_client.get(reverse("desk:ticket", args=[customer_ticket.number]))
    assert reverse("billing:quote_new", args=[customer_ticket.number]) in page.content.decode()
    answer = dispatcher_client.post(
        reverse("billing:quote_new", args=[customer_ticket.number]),
        {"description_0": "Drain pump", "quantity_0": "2", "price_0": "35.10"},
    )
    quote = Quote.objects.get()
    assert answer["Location"] == reverse("billing:quote", args=[quote.pk])
    assert (quote.status, quote.total) == ("draft", Decimal("70.20"))
