"""Screenshots of the main pages for the README (issue 25), taken from a small, believable day:
the dispatcher's board, its ticket panel and the intake at a desk's width, the technician's day
and job on a 390x844 phone, and the customer's booking and tracking. Each page is checked to
have rendered (its heading shows) before it is saved under docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from customers.models import ApplianceModel
from dispatch.services import assign_visit
from tests.factories import (
    ApplianceFactory,
    ApplianceModelFactory,
    CustomerFactory,
    ErrorCodeFactory,
    PartFactory,
    SiteFactory,
    TechnicianFactory,
    UserFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import finish_visit, tomorrow_at
from tickets.services import transition_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESK = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# Kept small enough for a README: the PNGs are committed.
MAX_BYTES = 300 * 1024

TECHNICIANS = [
    ("Marco", "Rossi", "Roma Nord"),
    ("Luca", "Ferrari", "Roma Sud"),
    ("Giulia", "Conti", "Roma Nord"),
    ("Paolo", "Greco", "Fiumicino"),
]
CUSTOMERS = [
    ("Anna Colombo", "Via Appia Nuova 112"),
    ("Giorgio Ricci", "Viale Marconi 45"),
    ("Elena Romano", "Via Nomentana 230"),
    ("Davide Moretti", "Piazza Bologna 8"),
    ("Chiara Galli", "Via Cassia 901"),
    ("Stefano Bruno", "Via Tiburtina 77"),
    ("Francesca Leone", "Via Ostiense 150"),
]


def _save(page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert 0 < path.stat().st_size <= MAX_BYTES, f"{path.name}: {path.stat().st_size} bytes"


@pytest.fixture
def day():
    """Tomorrow: the technician's app shows it, and nothing in it depends on the hour now."""
    return tomorrow_at(8).date()


@pytest.fixture
def company(day):
    """A dispatcher, four technicians, seven customers and a day of visits in every state."""
    UserFactory(username="dispatcher", role="dispatcher", first_name="Sofia", last_name="Marchetti")
    techs = [
        TechnicianFactory(
            user__username="tech" if n == 0 else f"tech-{n}",
            user__first_name=first,
            user__last_name=last,
            region=region,
        )
        for n, (first, last, region) in enumerate(TECHNICIANS)
    ]
    washer = ApplianceModelFactory(manufacturer="Bosch", model_number="WAN28208IT")
    dishwasher = ApplianceModelFactory(
        manufacturer="Miele",
        model_number="G 7110 SC",
        category=ApplianceModel.Category.DISHWASHER,
    )
    pump = PartFactory(name="Drain pump", sku="BSH-00145")
    ErrorCodeFactory(
        manufacturer="Bosch",
        code="F21",
        title="Drum does not turn",
        probable_cause="Motor brushes worn or tacho generator faulty",
        fix_steps="Check the motor brushes; measure the tacho coil (170-230 ohm).",
    )
    ErrorCodeFactory(
        manufacturer="Bosch",
        code="E18",
        title="Water not draining",
        probable_cause="Blocked pump filter or a failed drain pump",
        fix_steps="Empty the filter; if the pump hums without turning, replace it.",
    ).parts.add(pump)
    ErrorCodeFactory(
        manufacturer="Miele",
        category=ApplianceModel.Category.DISHWASHER,
        code="F11",
        title="Drain fault",
        probable_cause="Kinked drain hose or a blocked non-return valve",
    )
    customer_user = UserFactory(
        username="customer", role="customer", first_name="Anna", last_name="Colombo"
    )
    appliances = []
    for n, (name, address) in enumerate(CUSTOMERS):
        customer = CustomerFactory(name=name, user=customer_user if n == 0 else None)
        site = SiteFactory(customer=customer, address=address, city="Roma")
        appliances.append(ApplianceFactory(site=site, model=dishwasher if n % 3 == 2 else washer))

    def ticket(n: int, codes: list[str], description: str, priority: int = 3):
        return open_ticket(
            appliance=appliances[n], codes=codes, description=description, priority=priority
        )

    def planned(n, codes, description, tech, hour, minute=0, priority=3):
        visit = new_visit(
            ticket(n, codes, description, priority),
            window_start=tomorrow_at(hour),
            window_end=tomorrow_at(hour + 2),
        )
        return assign_visit(visit=visit, technician=tech, start=tomorrow_at(hour, minute), by=None)

    marco, luca, giulia, paolo = techs
    # Marco's day, the one his phone shows: one done, one under way, two still to come.
    finish_visit(planned(4, ["E18"], "Water stays in the drum after the wash.", marco, 8, 15))
    on_site = planned(1, ["F21"], "Drum does not turn, clicking noise.", marco, 10, 30, 2)
    on_site = transition_visit(visit=on_site, to="en_route", by=None, confirm_not_today=True)
    on_site = transition_visit(visit=on_site, to="on_site", by=None)
    planned(2, ["F11"], "Dishwasher stops with F11.", marco, 13)
    planned(3, [], "Yearly maintenance.", marco, 15, 30)
    # The others' days.
    transition_visit(
        visit=planned(0, ["E18"], "Leaks under the door.", luca, 9),
        to="en_route",
        by=None,
        confirm_not_today=True,
    )
    planned(3, ["F21"], "Noisy spin.", luca, 13, 30)
    planned(6, ["F11"], "Will not drain.", giulia, 8, 30, 1)
    planned(1, [], "Install the new washing machine.", giulia, 10, 30)
    planned(5, [], "Second visit: fit the pump.", paolo, 14)
    # The queue: waiting for a technician.
    new_visit(ticket(2, ["F11", "F99"], "Error F11 after every cycle.", 1))
    new_visit(ticket(3, ["E18"], "Water on the floor.", 2))
    new_visit(ticket(5, [], "Door seal torn.", 4))
    new_visit(ticket(6, ["F21"], "Drum stuck.", 3))
    return {"techs": techs, "on_site": on_site, "anna": appliances[0]}


def test_screenshots_of_the_dispatchers_pages(browser, live_server, login, company, day):
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    login(page, "dispatcher")

    page.goto(f"{live_server.url}/dispatch/?day={day:%Y-%m-%d}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Day board")
    expect(page.locator(".visit")).to_have_count(9)
    _save(page, "board", full_page=False)

    page.locator(".queued.p1").first.click()
    expect(page.locator("#panel .panel h2")).to_contain_text("P1")
    _save(page, "ticket", full_page=False)

    page.goto(f"{live_server.url}/dispatch/intake/")
    expect(page.get_by_role("heading", level=1)).to_have_text("New ticket")
    page.fill("input[name=q]", "Colombo")
    expect(page.locator("#customers")).to_contain_text("Anna Colombo")
    _save(page, "intake")
    context.close()


def test_screenshots_of_the_technicians_phone(browser, live_server, login, company):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    login(page, "tech")

    page.goto(f"{live_server.url}/tech/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My day")
    expect(page.get_by_test_id("stop")).to_have_count(4)
    _save(page, "tech-day", full_page=False)

    page.goto(f"{live_server.url}/tech/visits/{company['on_site'].pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Giorgio Ricci")
    _save(page, "tech-job", full_page=False)
    context.close()


def test_screenshots_of_the_customers_booking_and_tracking(browser, live_server, login, company):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    login(page, "customer")

    page.goto(f"{live_server.url}/portal/book/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a visit")
    page.select_option("#id_kind", "repair")
    page.select_option("#id_appliance", str(company["anna"].pk))
    page.fill("#id_description", "The drum smells and the water stays in.")
    page.get_by_role("button", name="Show free times").click()
    expect(page.get_by_test_id("windows")).to_be_visible()
    _save(page, "portal-booking", full_page=False)
    context.close()

    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = phone.new_page()
    login(page, "customer")
    ticket = company["anna"].tickets.get()
    page.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.number)
    _save(page, "portal-tracking")
    phone.close()


def test_the_screenshots_are_shown_in_the_readme():
    readme = (SCREENSHOTS.parents[1] / "README.md").read_text()

    assert "## What it looks like" in readme
    for name in ("board", "ticket", "intake", "tech-day", "tech-job", "portal-booking"):
        assert f"docs/screenshots/{name}.png" in readme
    assert "docs/screenshots/portal-tracking.png" in readme
