"""A week at a time in the browser: "Plan this week" from the board's day, the preview day by
day, and accepting it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.models import PlanRun
from tests.factories import TechnicianFactory, TimeOffFactory
from tests.helpers import at
from tests.plans import a_plan
from tickets.models import Visit
from tickets.services import maintenance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ONE = datetime.timedelta(days=1)


def test_plan_this_week_places_a_preventive_visit_on_a_day_of_its_tolerance(
    page, live_server, login, dispatcher, settings
):
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "PLAN_TIME_LIMIT_SECONDS": 1}
    first = timezone.localdate() + ONE
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    # Away the first two days; the visit's tolerance is the first three.
    TimeOffFactory(technician=tech, starts_at=at(first, 0), ends_at=at(first + 2 * ONE, 0))
    plan = a_plan(first_due_on=first + ONE, tolerance_days=1)
    maintenance.generate()
    preventive = plan.occurrences.get().visit
    login(page, "dispatcher")

    page.goto(f"{live_server.url}/dispatch/?day={first.isoformat()}")
    page.get_by_label("days from this one").select_option("3")
    page.get_by_role("button", name="Plan this week").click()

    days = page.get_by_test_id("plan-day")
    expect(days).to_have_count(3)
    expect(days.nth(2).get_by_test_id("plan-added")).to_contain_text("Marco Rossi")
    assert PlanRun.objects.get().days == 3
    page.get_by_role("button", name="Accept and apply this plan").click()
    page.wait_for_url(lambda url: "/dispatch/?day=" in url)

    preventive.refresh_from_db()
    assert preventive.status == Visit.Status.SCHEDULED
    assert timezone.localtime(preventive.planned_start).date() == first + 2 * ONE
