"""The technician's and the customer's pages on a small phone (375 px, touch): nothing wider
than the screen, every field with a label a person can see, buttons a finger can hit."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from notifications.services import issue_feed
from portal import services as portal
from tests.factories import ApplianceFactory, TechnicianFactory, new_visit
from tests.helpers import assign_today, at
from tickets import services as tickets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What hurts on a phone, measured in the page. The device width, not innerWidth: a mobile
# browser zooms out (and so widens innerWidth) to fit content that overflows.
PROBLEMS_JS = r"""
() => {
  const width = Math.min(window.innerWidth, screen.width);
  const problems = [];
  const shown = (el) =>
    el.getBoundingClientRect().width > 0 && getComputedStyle(el).visibility !== 'hidden';
  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > width + 1) problems.push(`the page is ${pageWidth}px wide on ${width}px`);
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    if (shown(el) && !(el.labels && el.labels.length))
      problems.push(`${el.tagName.toLowerCase()} ${el.name} has no label`);
  }
  for (const el of document.querySelectorAll('button, a.button')) {
    const box = el.getBoundingClientRect();
    if (shown(el) && box.height < 44)
      problems.push(`"${el.innerText.trim()}" is ${Math.round(box.height)}px tall`);
  }
  return problems;
}
"""


@pytest.fixture
def small_phone(browser, live_server, login, artifacts):
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    page = context.new_page()

    def open_as(username: str | None, path: str) -> list[str]:
        if username:
            login(page, username)
        page.goto(f"{live_server.url}{path}")
        name = "-".join(path.strip("/").split("/")[:2]) or "home"
        page.screenshot(path=str(artifacts / f"phone-{name}.png"), full_page=True)
        return page.evaluate(PROBLEMS_JS)

    yield open_as
    context.close()


def test_the_technicians_pages_fit_a_small_phone(small_phone, technician, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    issue_feed(technician=technician)  # its long private address once made /tech/ scroll
    visit = assign_today(new_visit(), technician)
    for step in ("en_route", "on_site"):
        visit = tickets.transition_visit(visit=visit, to=step, by=None)
    tickets.offer_option(visit=visit, description="New drain pump", price=Decimal("120"))

    assert small_phone("tech", "/tech/") == []
    assert small_phone(None, f"/tech/visits/{visit.pk}/") == []
    assert small_phone(None, "/notifications/preferences/") == []


def test_the_customers_pages_fit_a_small_phone(small_phone, customer_user, next_monday):
    TechnicianFactory()
    appliance = ApplianceFactory(site__customer=customer_user.contacts.get().customer)
    _, visit = portal.book_visit(
        customer=appliance.site.customer,
        site=appliance.site,
        kind="repair",
        appliance=appliance,
        window_start=at(next_monday + datetime.timedelta(days=7), 10),
    )

    assert small_phone(None, "/portal/signup/") == []
    assert small_phone("customer", "/portal/") == []
    assert small_phone(None, "/notifications/preferences/") == []
    assert small_phone(None, f"/portal/b/{portal.booking_token(visit)}/") == []
