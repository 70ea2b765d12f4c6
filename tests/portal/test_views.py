import datetime
import re
import time

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.urls import reverse

from customers.models import Appliance, Customer, Site
from notifications.models import Notification, Preference
from portal import services
from tests.factories import (
    ApplianceFactory,
    ApplianceModelFactory,
    CustomerFactory,
    ErrorCodeFactory,
    SiteFactory,
    TechnicianFactory,
    UserFactory,
)
from tests.helpers import at
from tickets.models import Ticket, TicketEvent, Visit

pytestmark = pytest.mark.django_db


def rows() -> dict[str, int]:
    """How many rows each table a portal page may write holds: bad input changes none."""
    tables = (User, Customer, Site, Appliance, Ticket, TicketEvent, Visit, Notification, Preference)
    return {table.__name__: table.objects.count() for table in tables}


def signup_data(**changes) -> dict:
    return {
        "name": "Giulia Bianchi",
        "email": "giulia@example.com",
        "password": "a-long-pass-42",
        "address": "Via Roma 1",
        "city": "Rome",
        "postal_code": "00184",
        "phone": "+39 312 345 6789",
        "latitude": "41.9",
        "longitude": "12.5",
        **changes,
    }


def booked_visit(next_monday: datetime.date) -> Visit:
    """A repair booked a week after next Monday, well before the change cut-off."""
    TechnicianFactory()
    appliance = ApplianceFactory()
    _, visit = services.book_visit(
        customer=appliance.site.customer,
        site=appliance.site,
        kind="repair",
        appliance=appliance,
        window_start=at(next_monday + datetime.timedelta(days=7), 10),
    )
    return visit


@pytest.fixture
def customer(customer_user):
    return customer_user.contacts.get().customer


@pytest.fixture
def portal(client, customer_user):
    client.force_login(customer_user)
    return client


def test_sign_up_creates_login_customer_and_site(client):
    response = client.post(
        reverse("portal:signup"),
        {
            "name": "Giulia Bianchi",
            "email": "Giulia@Example.com",
            "password": "a-long-pass-42",
            "address": "Via Roma 1",
            "city": "Rome",
            "postal_code": "00184",
            "phone": "+39 312 345 6789",
            "latitude": 41.9,
            "longitude": 12.5,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="giulia@example.com")
    assert user.groups.filter(name="customer").exists()
    contact = user.contacts.get()
    assert contact.role == "administrator"
    assert contact.customer.sites.get().address == "Via Roma 1"


def test_sign_up_without_a_pin_assumes_no_place_it_marks_what_it_found(client):
    """No place is filled in for the customer (a city centre for everybody would misroute
    every technician): without a pin the address is geocoded, and the site says how closely."""
    page = client.get(reverse("portal:signup"))
    response = client.post(
        reverse("portal:signup"),
        {
            "name": "Giulia Bianchi",
            "email": "giulia@example.com",
            "password": "a-long-pass-42",
            "address": "Via Roma 1",
            "city": "Rome",
            "postal_code": "00184",
            "phone": "+39 312 345 6789",
        },
    )

    assert 'id="locate"' in page.text
    assert 'name="latitude"' in page.text
    assert 'name="latitude" value' not in page.text  # nothing filled in for the customer
    assert response.status_code == 302
    site = Site.objects.get(customer__email="giulia@example.com")
    assert site.placement == Site.Placement.GEOCODED_CITY


def test_sign_up_twice_or_with_a_weak_password_says_why(client):
    UserFactory(username="taken@example.com", email="taken@example.com")
    data = {
        "name": "X",
        "email": "taken@example.com",
        "password": "a-long-pass-42",
        "address": "Via Roma 1",
        "city": "Rome",
        "postal_code": "00184",
        "phone": "+39 312 345 6789",
        "latitude": 41.9,
        "longitude": 12.5,
    }

    taken = client.post(reverse("portal:signup"), data)
    weak = client.post(
        reverse("portal:signup"), {**data, "email": "new@example.com", "password": "123"}
    )

    assert taken.status_code == 400
    assert "exists already" in taken.text
    assert weak.status_code == 400
    assert "too short" in weak.text
    assert not User.objects.filter(username="new@example.com").exists()


def test_sign_up_with_an_email_longer_than_a_login_name_says_so(client):
    email = ("g" * 160) + "@example.com"  # a valid address, longer than a username holds
    before = rows()

    response = client.post(reverse("portal:signup"), signup_data(email=email))

    assert response.status_code == 400
    assert "at most 150 characters" in " ".join(response.context["form"].errors["email"])
    assert rows() == before


def test_customer_adds_an_appliance_with_warranty_from_the_model(portal, customer):
    site = SiteFactory(customer=customer)
    model = ApplianceModelFactory(warranty_months=24)

    response = portal.post(
        reverse("portal:add_appliance"),
        {"site": site.pk, "model": model.pk, "serial_number": "WM-1", "purchased_on": "2026-01-15"},
    )

    assert response.status_code == 302
    assert site.appliances.get().warranty_until == datetime.date(2028, 1, 15)


@pytest.mark.parametrize(
    ("purchased_on", "words"),
    [
        ("2999-01-01", "in the future"),
        ("0001-01-01", "cannot be before 1980-01-01"),
        ("32/13/2020", "valid date"),
    ],
)
def test_adding_an_appliance_with_an_impossible_purchase_date_says_why(
    portal, customer, purchased_on, words
):
    site = SiteFactory(customer=customer)
    model = ApplianceModelFactory()
    before = rows()

    response = portal.post(
        reverse("portal:add_appliance"),
        {"site": site.pk, "model": model.pk, "serial_number": "SN1", "purchased_on": purchased_on},
    )

    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors["purchased_on"])
    assert rows() == before


def test_code_search_explains_a_code_for_the_customers_appliance(portal, customer):
    appliance = ApplianceFactory(site__customer=customer)
    ErrorCodeFactory(code="F05", title="Drain fault")

    response = portal.get(reverse("portal:code_search"), {"appliance": appliance.pk, "codes": "f0"})

    assert response.status_code == 200
    assert "F05" in response.text
    assert "Drain fault" in response.text


@pytest.mark.parametrize("appliance", ["abc", "1.5", "[]", "-1"])
def test_code_search_with_a_malformed_appliance_id_is_refused_naming_the_appliance(
    portal, appliance
):
    response = portal.get(reverse("portal:code_search"), {"appliance": appliance, "codes": "F0"})

    assert response.status_code == 400
    assert "Choose one of your appliances." in response.text


def test_booking_offers_windows_then_books_one(portal, customer, next_monday):
    TechnicianFactory()
    appliance = ApplianceFactory(site__customer=customer)
    params = {"kind": "repair", "appliance": appliance.pk, "description": "leaks"}

    page = portal.get(reverse("portal:book"), params)
    later = next_monday + datetime.timedelta(days=1)
    window = at(later, 10).isoformat()
    booked = portal.post(reverse("portal:book"), {**params, "window": window})

    assert page.status_code == 200
    assert "Choose an arrival window" in page.text
    assert booked.status_code == 302
    ticket = Ticket.objects.get()
    assert booked["Location"] == reverse("portal:ticket", args=[ticket.pk])
    visit = ticket.visits.get()
    assert visit.status == Visit.Status.SCHEDULED
    assert visit.window_start == at(later, 10)


def test_booking_a_taken_window_says_so_and_shows_the_next(portal, customer, next_monday):
    TechnicianFactory(weekdays=[2])
    appliance = ApplianceFactory(site__customer=customer)

    response = portal.post(
        reverse("portal:book"),
        {"kind": "repair", "appliance": appliance.pk, "window": at(next_monday, 10).isoformat()},
        follow=True,
    )

    assert "no longer free" in response.text
    assert "Choose an arrival window" in response.text
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "window",
    ["9999-12-31T10:00:00+0000", "9999-12-31T23:00+0000", "3000-01-06T10:00:00+01:00"],
)
def test_booking_a_window_far_beyond_those_offered_is_refused(portal, customer, window):
    TechnicianFactory()
    appliance = ApplianceFactory(site__customer=customer)
    before = rows()

    response = portal.post(
        reverse("portal:book"), {"kind": "repair", "appliance": appliance.pk, "window": window}
    )

    assert response.status_code == 400
    assert "That window is not offered" in " ".join(response.context["form"].errors["window"])
    assert rows() == before


@pytest.mark.parametrize("offset", ["-23:00", "+16:00"])
def test_booking_a_window_with_an_offset_no_place_has_is_refused_beside_it(
    portal, customer, next_monday, offset
):
    TechnicianFactory()
    appliance = ApplianceFactory(site__customer=customer)
    day = (next_monday + datetime.timedelta(days=1)).isoformat()
    before = rows()

    response = portal.post(
        reverse("portal:book"),
        {"kind": "repair", "appliance": appliance.pk, "window": f"{day}T10:00:00{offset}"},
    )

    assert response.status_code == 400
    assert "-14:00 to +14:00" in " ".join(response.context["form"].errors["window"])
    assert rows() == before


def test_a_booking_described_past_its_limit_is_refused_beside_the_field(
    portal, customer, next_monday
):
    TechnicianFactory()
    appliance = ApplianceFactory(site__customer=customer)
    window = at(next_monday + datetime.timedelta(days=1), 10).isoformat()
    before = rows()

    response = portal.post(
        reverse("portal:book"),
        {"kind": "repair", "appliance": appliance.pk, "window": window, "description": "x" * 5001},
    )

    assert response.status_code == 400
    assert "at most 5000 characters" in " ".join(response.context["form"].errors["description"])
    assert rows() == before


def test_another_customers_ticket_is_404(portal, next_monday):
    TechnicianFactory()
    other = ApplianceFactory(site__customer=CustomerFactory())
    ticket, _ = services.book_visit(
        customer=other.site.customer,
        site=other.site,
        kind="repair",
        appliance=other,
        window_start=at(next_monday + datetime.timedelta(days=1), 10),
    )

    assert portal.get(reverse("portal:ticket", args=[ticket.pk])).status_code == 404


def test_tracking_page_shows_window_and_first_name(portal, customer, next_monday):
    TechnicianFactory(user__first_name="Marco")
    appliance = ApplianceFactory(site__customer=customer)
    ticket, _ = services.book_visit(
        customer=customer,
        site=appliance.site,
        kind="repair",
        appliance=appliance,
        window_start=at(next_monday + datetime.timedelta(days=1), 10),
    )

    page = portal.get(reverse("portal:ticket", args=[ticket.pk])).text

    assert "Your technician: Marco" in page
    assert "Change or cancel" in page


def test_signed_link_moves_the_visit_without_logging_in(client, next_monday):
    TechnicianFactory()
    appliance = ApplianceFactory()
    day = next_monday + datetime.timedelta(days=7)
    _, visit = services.book_visit(
        customer=appliance.site.customer,
        site=appliance.site,
        kind="repair",
        appliance=appliance,
        window_start=at(day, 10),
    )
    url = reverse("portal:manage", args=[services.booking_token(visit)])

    page = client.get(url)
    moved = client.post(url, {"window": at(day, 14).isoformat()}, follow=True)

    assert page.status_code == 200
    assert "Move it to" in page.text
    assert "Your visit is moved." in moved.text
    visit.refresh_from_db()
    assert visit.window_start == at(day, 14)
    assert client.get(reverse("portal:home")).status_code == 302  # the link logs nobody in


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose one of the windows shown."),
        ({"action": "move"}, "Choose one of the windows shown."),
        ({"window": ""}, "Choose one of the windows shown."),
        ({"window": "garbage"}, "Choose one of the windows shown."),
        ({"window": "9999-12-31T10:00:00+0000"}, "That window is not offered"),
        ({"window": "3000-01-06T10:00:00+01:00"}, "That window is not offered"),
        # Offsets PostgreSQL cannot compare: refused before they reach a query.
        ({"window": "2030-01-07T10:00:00-23:00"}, "Choose one of the windows shown."),
        ({"window": "2030-01-07T10:00:00+16:00"}, "Choose one of the windows shown."),
    ],
)
def test_signed_link_without_an_offered_window_says_so_and_moves_nothing(
    client, next_monday, data, message
):
    visit = booked_visit(next_monday)
    url = reverse("portal:manage", args=[services.booking_token(visit)])
    window_before = visit.window_start
    before = rows()

    response = client.post(url, data)

    assert response.status_code == 400
    assert message in " ".join(str(m) for m in response.context["messages"])
    visit.refresh_from_db()
    assert visit.window_start == window_before
    assert rows() == before


def test_signed_link_of_a_deleted_visit_says_the_booking_no_longer_exists(client, next_monday):
    visit = booked_visit(next_monday)
    url = reverse("portal:manage", args=[services.booking_token(visit)])
    visit.ticket.delete()

    page = client.get(url)
    moved = client.post(url, {"window": at(next_monday + datetime.timedelta(days=8), 10)})

    assert page.status_code == 400
    assert "This booking no longer exists." in page.text
    assert moved.status_code == 400
    assert "This booking no longer exists." in moved.text
    assert not Visit.objects.exists()


def test_report_link_of_a_deleted_visit_says_there_is_no_report(client, next_monday):
    visit = booked_visit(next_monday)
    url = reverse("portal:report", args=[services.report_token(visit)])
    visit.ticket.delete()

    page = client.get(url)

    assert page.status_code == 400
    assert "This visit has no service report." in page.text


def test_tampered_link_grants_nothing(client):
    page = client.get(reverse("portal:manage", args=["not-a-real-token"]))

    assert page.status_code == 400
    assert "not valid" in page.text


def test_model_search_by_manufacturer_or_number(portal):
    ApplianceModelFactory(manufacturer="Bosch", model_number="WAN28208IT")
    ApplianceModelFactory(manufacturer="LG", model_number="F4WV709P1E")

    page = portal.get(reverse("portal:add_appliance"), {"q": "bosch wan28"}).text

    assert "WAN28208IT" in page
    assert "F4WV709P1E" not in page


@pytest.mark.parametrize("q", ["Bo\x00sch", "W" * 101])
def test_a_model_search_postgresql_cannot_run_is_a_400_naming_the_search(portal, q):
    ApplianceModelFactory(manufacturer="Bosch", model_number="WAN28208IT")

    response = portal.get(reverse("portal:add_appliance"), {"q": q})

    assert response.status_code == 400
    text = " ".join(str(m) for m in response.context["messages"])
    assert "Find the model" in text
    assert "WAN28208IT" in response.text  # the page still offers every model


def test_password_reset_by_email(
    client, customer_user, mailoutbox, django_capture_on_commit_callbacks
):
    customer_user.email = "giulia@example.com"
    customer_user.save()

    with django_capture_on_commit_callbacks(execute=True):  # the outbox hands the email out
        response = client.post(reverse("password_reset"), {"email": "giulia@example.com"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = next(word for word in mailoutbox[0].body.split() if "/reset/" in word)
    form = client.get(link.strip(), follow=True)
    done = client.post(
        form.wsgi_request.path,
        {"new_password1": "another-pass-77", "new_password2": "another-pass-77"},
    )
    assert done.status_code == 302
    customer_user.refresh_from_db()
    assert customer_user.check_password("another-pass-77")


def test_login_is_locked_after_repeated_failures(client, customer_user, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "customer", "password": "wrong"})

    locked = client.post(reverse("login"), {"username": "customer", "password": "pw-secret-123"})

    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_a_booking_sent_twice_books_once(portal, customer, next_monday):
    """A double click on a window, or Back and send again: the page's key finds the first."""
    TechnicianFactory()
    appliance = ApplianceFactory(site__customer=customer)
    params = {"kind": "repair", "appliance": appliance.pk, "description": "leaks"}
    page = portal.get(reverse("portal:book"), params)
    key = re.search(r'name="client_key" value="([0-9a-f]{32})"', page.text).group(1)
    window = at(next_monday + datetime.timedelta(days=1), 10).isoformat()

    first = portal.post(reverse("portal:book"), {**params, "window": window, "client_key": key})
    second = portal.post(reverse("portal:book"), {**params, "window": window, "client_key": key})

    ticket = Ticket.objects.get()
    assert first["Location"] == second["Location"] == reverse("portal:ticket", args=[ticket.pk])
    assert ticket.visits.count() == 1


def _signed_days_ago(days: int, *, salt: str, visit) -> str:
    """A link as it was signed `days` ago (the signer's clock moved back, nothing else)."""

    class Then(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - days * 86400)

    return Then(salt=salt).sign_object({"visit": visit.pk}, compress=True)


def test_links_past_their_days_say_they_expired_and_those_within_work(client, next_monday):
    visit = booked_visit(next_monday)
    old_booking = _signed_days_ago(31, salt=services.TOKEN_SALT, visit=visit)
    fresh_booking = _signed_days_ago(29, salt=services.TOKEN_SALT, visit=visit)
    old_report = _signed_days_ago(366, salt=services.REPORT_SALT, visit=visit)

    expired = client.get(reverse("portal:manage", args=[old_booking]))
    works = client.get(reverse("portal:manage", args=[fresh_booking]))
    report = client.get(reverse("portal:report", args=[old_report]))

    assert expired.status_code == 400
    assert "This link has expired." in expired.text
    assert works.status_code == 200
    assert report.status_code == 400
    assert "This link has expired." in report.text


@pytest.mark.parametrize("contents", [["visit", 1], {"visit": "1"}, {"visit": None}, {}, "x"])
@pytest.mark.parametrize(
    ("name", "salt"), [("portal:manage", "portal.booking"), ("portal:report", "portal.report")]
)
def test_a_signed_link_with_malformed_contents_is_not_valid(client, name, salt, contents):
    token = signing.dumps(contents, salt=salt, compress=True)

    page = client.get(reverse(name, args=[token]))

    assert page.status_code == 400
    assert "not valid" in page.text


def _finished(visit: Visit) -> Visit:
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.COMPLETED)
    visit.refresh_from_db()
    return visit


def test_booking_and_report_links_stop_when_the_customers_login_is_deactivated(client, next_monday):
    visit = booked_visit(next_monday)
    customer = visit.ticket.customer
    login = UserFactory(role="customer")
    customer.contacts.create(user=login, role="administrator")
    manage = reverse("portal:manage", args=[services.booking_token(visit)])
    report = reverse("portal:report", args=[services.report_token(visit)])
    login.is_active = False
    login.save()

    page = client.get(manage)
    cancel = client.post(manage, {"action": "cancel"})
    visit.refresh_from_db()
    still_booked = visit.status
    _finished(visit)
    report_page = client.get(report)

    assert page.status_code == cancel.status_code == report_page.status_code == 400
    assert "This link is not valid." in page.text
    assert "This link is not valid." in report_page.text
    assert customer.name not in page.text + report_page.text
    assert still_booked == Visit.Status.SCHEDULED


def test_links_of_a_customer_without_a_login_keep_working(client, next_monday):
    """A customer who only ever phoned has no login to deactivate: their links still work."""
    visit = booked_visit(next_monday)
    assert not visit.ticket.customer.contacts.exists()

    page = client.get(reverse("portal:manage", args=[services.booking_token(visit)]))
    report = client.get(reverse("portal:report", args=[services.report_token(_finished(visit))]))

    assert page.status_code == 200
    assert report.status_code == 200


def _booked_link(next_monday, days_ahead: int):
    technician = TechnicianFactory()
    appliance = ApplianceFactory()
    _, visit = services.book_visit(
        customer=appliance.site.customer,
        site=appliance.site,
        kind="repair",
        appliance=appliance,
        window_start=at(next_monday + datetime.timedelta(days=days_ahead), 10),
    )
    return technician, visit, reverse("portal:manage", args=[services.booking_token(visit)])


def test_past_the_cutoff_the_link_offers_no_button_that_would_fail_and_gives_the_number(
    client, next_monday, settings
):
    _technician, _visit, url = _booked_link(next_monday, days_ahead=1)
    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "CHANGE_CUTOFF_HOURS": 24 * 30,
        "COMPANY_PHONE": "+39 06 555 0101",
    }

    page = client.get(url).text

    assert "Please call us on 06 555 0101" in page  # national: the company is in Italy
    assert "Cancel the visit" not in page
    assert 'name="window"' not in page


def test_cancel_is_offered_even_when_no_other_window_is_free(client, next_monday):
    technician, visit, url = _booked_link(next_monday, days_ahead=7)
    technician.active = False  # nobody left to move the visit to
    technician.save()

    page = client.get(url)

    assert 'name="window"' not in page.text
    assert "Cancel the visit" in page.text
    assert client.post(url, {"action": "cancel"}).status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED


def test_code_search_says_when_a_code_is_not_known(portal, customer):
    appliance = ApplianceFactory(site__customer=customer)
    ErrorCodeFactory(appliance_model=appliance.model, code="F05")

    unknown = portal.get(reverse("portal:code_search"), {"appliance": appliance.pk, "codes": "Z9"})
    known = portal.get(reverse("portal:code_search"), {"appliance": appliance.pk, "codes": "F0"})

    assert "We do not know the code Z9" in unknown.text
    assert "We do not know" not in known.text


def test_a_cancelled_request_on_the_home_page_shows_no_time_as_booked(
    portal, customer, next_monday
):
    TechnicianFactory()
    appliance = ApplianceFactory(site__customer=customer)
    start = at(next_monday + datetime.timedelta(days=7), 10)
    ticket, visit = services.book_visit(
        customer=customer,
        site=appliance.site,
        kind="repair",
        appliance=appliance,
        window_start=start,
    )
    booked = portal.get(reverse("portal:home")).text
    services.cancel_booking(visit=visit)

    home = portal.get(reverse("portal:home")).text

    shown = f"{start:%a} {start.day} {start:%b} 10:00"
    assert shown in booked
    assert ticket.number in home
    assert shown not in home
