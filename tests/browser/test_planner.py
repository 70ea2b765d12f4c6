"""The day planner in the browser: letting it break promised windows, and seeing whose."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.models import PlanRun
from notifications.models import Notification
from tests.factories import ApplianceFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import at
from tickets.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_plan_allowed_to_break_promises_names_each_customer(
    page, live_server, login, dispatcher, settings
):
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "PLAN_TIME_LIMIT_SECONDS": 1}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    # Working hours shrank to the morning after the afternoon visit was promised.
    tech.working_hours.update(ends_at=datetime.time(12), break_starts_at=None, break_ends_at=None)
    ticket = open_ticket(appliance=ApplianceFactory(site__customer__name="Giulia Bianchi"))
    promised = new_visit(ticket, window_start=at(tomorrow, 14), window_end=at(tomorrow, 16))
    Visit.objects.filter(pk=promised.pk).update(
        status=Visit.Status.SCHEDULED,
        technician=tech,
        planned_start=at(tomorrow, 14),
        planned_end=at(tomorrow, 15, 30),
    )
    login(page, "dispatcher")

    page.goto(f"{live_server.url}/dispatch/?day={tomorrow.isoformat()}")
    page.get_by_label("may break promised windows").check()
    page.get_by_role("button", name="Plan this day").click()

    expect(page.get_by_test_id("plan-may-break")).to_be_visible()
    broken = page.get_by_test_id("plan-broken-promises")
    expect(broken).to_contain_text("Giulia Bianchi")
    expect(broken).to_contain_text("promised 14:00-16:00")
    assert PlanRun.objects.get().may_break_windows is True
    page.get_by_role("button", name="Accept and apply this plan").click()
    page.wait_for_url(lambda url: "/dispatch/?day=" in url)

    kinds = set(
        Notification.objects.filter(visit=promised, recipient=ticket.customer.email).values_list(
            "kind", flat=True
        )
    )
    assert kinds & {"visit_moved", "rebook"}
