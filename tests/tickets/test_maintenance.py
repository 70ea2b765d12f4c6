"""Preventive maintenance: each due date of a plan becomes a maintenance ticket with an
unassigned visit that carries its due date and tolerance; dates are calendar months from the
plan's first date in the site's zone; generating twice makes nothing new; a cancelled visit is
skipped, not lost; a visit not done by its latest day is missed, and done late shows so."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contracts.models import PreventivePlan
from fieldservice.celery import app as celery_app
from fieldservice.errors import InvalidInput
from tests.factories import SiteFactory, SkillFactory, TechnicianFactory
from tests.helpers import assign_today
from tests.plans import a_plan
from tickets import events, selectors, services
from tickets.models import MaintenanceOccurrence, Ticket, Visit
from tickets.services import maintenance

pytestmark = pytest.mark.django_db
MS = MaintenanceOccurrence.Status
ROME = zoneinfo.ZoneInfo("Europe/Rome")


def _noon(day: datetime.date, tz=ROME) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=tz)


def _on_site(visit: Visit) -> Visit:
    visit = assign_today(visit, TechnicianFactory())
    for step in ("en_route", "on_site"):
        visit = services.transition_visit(visit=visit, to=step, by=None)
    return visit


def test_the_first_visit_falls_on_the_plans_first_date_with_its_ticket_and_visit():
    first = timezone.localdate() + datetime.timedelta(days=20)
    plan = a_plan(first_due_on=first, tolerance_days=10, expected_minutes=75)

    result = maintenance.generate()

    assert result.created == 1
    occurrence = MaintenanceOccurrence.objects.get(plan=plan)
    assert occurrence.due_on == first  # not the day the plan was saved
    assert (occurrence.earliest, occurrence.latest) == (
        first - datetime.timedelta(days=10),
        first + datetime.timedelta(days=10),
    )
    ticket, visit = occurrence.ticket, occurrence.visit
    assert ticket.kind == Ticket.Kind.MAINTENANCE
    assert ticket.coverage == Ticket.Coverage.CONTRACT
    assert ticket.contract == plan.contract
    assert ticket.appliance in plan.appliances.all()
    assert first.isoformat() in ticket.description
    assert ticket.sla_due_at == occurrence.window(ROME)[1]
    assert visit.status == Visit.Status.UNASSIGNED
    assert visit.duration_minutes == 75
    assert visit.maintenance == occurrence


def test_only_the_horizon_is_generated_and_the_setting_moves_it(settings):
    today = timezone.localdate()
    plan = a_plan(first_due_on=today + datetime.timedelta(days=5), every_months=1)

    settings.MAINTENANCE_HORIZON_DAYS = 60
    maintenance.generate()
    short = list(plan.occurrences.values_list("due_on", flat=True))
    settings.MAINTENANCE_HORIZON_DAYS = 120
    maintenance.generate()
    longer = list(plan.occurrences.values_list("due_on", flat=True))

    assert all(d <= today + datetime.timedelta(days=60) for d in short)
    assert len(short) == 2
    assert len(longer) == 4
    assert longer[:2] == short


def test_months_are_calendar_months_from_the_first_date_without_drift():
    site = SiteFactory()
    plan = a_plan(
        site=site,
        first_due_on=datetime.date(2027, 1, 31),
        every_months=1,
        tolerance_days=3,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2028, 12, 31),
    )

    maintenance.generate(now=_noon(datetime.date(2027, 1, 20)), days=400)

    dues = list(plan.occurrences.order_by("sequence").values_list("due_on", flat=True))
    assert dues[:6] == [
        datetime.date(2027, 1, 31),
        datetime.date(2027, 2, 28),
        datetime.date(2027, 3, 31),  # not 28 March: counted from the first date
        datetime.date(2027, 4, 30),
        datetime.date(2027, 5, 31),
        datetime.date(2027, 6, 30),
    ]
    assert dues[12] == datetime.date(2028, 1, 31)
    leap = PreventivePlan(first_due_on=datetime.date(2027, 2, 28), every_months=12)
    assert maintenance.due_date(leap, 1) == datetime.date(2028, 2, 28)
    jan = PreventivePlan(first_due_on=datetime.date(2028, 1, 31), every_months=1)
    assert maintenance.due_date(jan, 1) == datetime.date(2028, 2, 29)


def test_windows_do_not_move_by_an_hour_across_the_daylight_saving_changes_in_rome():
    plan = a_plan(
        first_due_on=datetime.date(2027, 3, 25),  # 28 March 2027: clocks go forward
        every_months=7,  # 25 October 2027, four days before they go back (31 October)
        tolerance_days=7,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2028, 12, 31),
    )

    maintenance.generate(now=_noon(datetime.date(2027, 3, 1)), days=300)

    march, october = plan.occurrences.order_by("sequence")[:2]
    assert (march.due_on, october.due_on) == (
        datetime.date(2027, 3, 25),
        datetime.date(2027, 10, 25),
    )
    for occurrence, hours in ((march, 15 * 24 - 1), (october, 15 * 24 + 1)):
        start, end = occurrence.window(plan.site.timezone)
        local_start, local_end = start.astimezone(ROME), end.astimezone(ROME)
        assert (local_start.hour, local_start.minute) == (0, 0)
        assert (local_end.hour, local_end.minute) == (0, 0)
        assert local_start.date() == occurrence.earliest
        assert local_end.date() == occurrence.latest + datetime.timedelta(days=1)
        elapsed = end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)
        assert elapsed == datetime.timedelta(hours=hours)  # the hour lost or gained
        # What was stored (the ticket's due time) reads back as the same local midnight.
        assert occurrence.ticket.sla_due_at.astimezone(ROME).time() == datetime.time(0)


def test_today_is_taken_where_the_site_is():
    tokyo = SiteFactory(timezone="Asia/Tokyo")
    # 20:00 UTC on 9 March is already 10 March in Tokyo: a plan due on 10 March + 30 days
    # falls inside a 30-day horizon there.
    plan = a_plan(
        site=tokyo,
        first_due_on=datetime.date(2027, 4, 9),
        tolerance_days=0,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2028, 1, 1),
    )
    evening = datetime.datetime(2027, 3, 9, 20, tzinfo=datetime.UTC)

    maintenance.generate(now=evening, days=30)

    assert plan.occurrences.count() == 1


def test_running_twice_creates_nothing_new():
    plans = [a_plan(every_months=1) for _ in range(3)]

    first = maintenance.generate()
    counts = (
        MaintenanceOccurrence.objects.count(),
        Ticket.objects.count(),
        Visit.objects.count(),
    )
    again = maintenance.generate()

    assert first.created == 6  # two months each inside 60 days
    assert again.created == 0
    assert counts == (
        MaintenanceOccurrence.objects.count(),
        Ticket.objects.count(),
        Visit.objects.count(),
    )
    assert {o.plan_id for o in MaintenanceOccurrence.objects.all()} == {p.pk for p in plans}


def test_the_beat_task_generates_and_is_on_the_schedule(settings):
    a_plan()
    entries = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "tickets.tasks.generate_maintenance"
    ]

    created = celery_app.tasks["tickets.tasks.generate_maintenance"].apply().get()

    assert len(entries) == 1
    assert created == 1
    assert celery_app.tasks["tickets.tasks.generate_maintenance"].apply().get() == 0


def _queries(**kwargs) -> int:
    with CaptureQueriesContext(connection) as ctx:
        maintenance.generate(**kwargs)
    return len(ctx.captured_queries)


def test_reading_plans_costs_the_same_queries_per_chunk_for_one_plan_or_many():
    plans = [a_plan() for _ in range(12)]
    maintenance.generate()  # everything due is there: the next runs only read

    one = _queries(plan_ids=[plans[0].pk])
    many = _queries(plan_ids=[p.pk for p in plans])
    chunked = _queries(plan_ids=[p.pk for p in plans], chunk=5)  # 3 chunks, then an empty one

    assert one == many
    per_chunk = one - 1  # the last, empty read
    assert chunked == 3 * per_chunk + 1


def test_a_chunk_costs_the_same_queries_for_one_new_visit_or_many():
    a_plan()
    maintenance.generate()  # warm: the SLA calendar and other once-per-process reads
    nothing = _queries()
    first = a_plan()
    one = _queries(plan_ids=[first.pk])
    more = [a_plan() for _ in range(5)]
    five = _queries(plan_ids=[p.pk for p in more])
    later = [a_plan() for _ in range(6)]
    two_chunks = _queries(plan_ids=[p.pk for p in later], chunk=3)

    assert Visit.objects.count() == 13
    assert one > nothing
    assert five == one  # written in bulk: the number of visits costs nothing more
    per_chunk = one - 1  # read and write one chunk, then the last, empty read
    assert two_chunks == 2 * per_chunk + 1


def test_a_generated_ticket_has_the_history_search_and_skills_of_one_opened_by_hand():
    site = SiteFactory()
    skill = SkillFactory(code="wm-general", appliance_category="washing_machine")
    plan = a_plan(site=site, expected_minutes=45)
    opened, sent = [], []

    def on_opened(sender, ticket, **kwargs):
        opened.append((ticket.pk, connection.in_atomic_block))

    def on_visit(sender, visit, **kwargs):
        sent.append(visit.pk)

    events.ticket_opened.connect(on_opened)
    events.visit_created.connect(on_visit)
    try:
        maintenance.generate()
    finally:
        events.ticket_opened.disconnect(on_opened)
        events.visit_created.disconnect(on_visit)
    occurrence = MaintenanceOccurrence.objects.get(plan=plan)
    generated = occurrence.ticket
    by_hand = services.open_ticket(
        customer=site.customer,
        site=site,
        kind=Ticket.Kind.MAINTENANCE,
        appliance=generated.appliance,
        description=generated.description,
        channel=Ticket.Channel.WEB,
        priority=Ticket.Priority.P4,
        plan_contract=plan.contract,
        due_at=generated.sla_due_at,
    )
    services.create_visit(ticket=by_hand, by=None, duration_minutes=45)
    by_hand.refresh_from_db()

    def history(ticket):
        return [(e.kind, e.from_value, e.data) for e in ticket.events.order_by("pk")]

    assert [e[0] for e in history(generated)] == ["opened", "status", "visit_created"]
    assert history(generated) == history(by_hand)
    written = generated.search_text
    assert written == services.refresh_search(generated)  # what the one-by-one path writes
    assert generated.number in written
    assert list(generated.required_skills.all()) == [skill] == list(by_hand.required_skills.all())
    for field in ("status", "coverage", "coverage_reason", "contract", "response_due_at"):
        assert getattr(generated, field) == getattr(by_hand, field)
    # The events went out once a ticket, inside the transaction that writes the occurrence.
    assert opened == [(generated.pk, True)]
    assert sent == [occurrence.visit_id]


def test_a_plan_the_visit_rules_refuse_is_left_for_the_next_run_and_the_others_go_on(caplog):
    refused = a_plan(expected_minutes=2)  # shorter than any visit
    fine = a_plan()

    result = maintenance.generate()

    assert (result.created, result.failed) == (1, 1)
    assert not refused.occurrences.exists()
    assert fine.occurrences.get().visit is not None
    assert f"preventive plan {refused.pk}" in caplog.text


def test_an_occurrence_another_run_made_first_is_left_out_and_the_rest_made():
    first, second = a_plan(), a_plan()
    plans = list(maintenance._plans([first.pk, second.pk]))  # read before the other run wrote
    maintenance.generate(plan_ids=[first.pk])  # the other run
    result = maintenance.GenerationResult()

    with transaction.atomic():
        maintenance._open_occurrences([(plan, 0, plan.first_due_on) for plan in plans], result)

    assert result.created == 1
    assert MaintenanceOccurrence.objects.filter(plan=first).count() == 1
    assert Ticket.objects.filter(maintenance__plan=first).count() == 1
    assert second.occurrences.get().ticket is not None


def test_a_plan_is_not_generated_past_its_contracts_end():
    today = timezone.localdate()
    plan = a_plan(
        first_due_on=today + datetime.timedelta(days=10),
        every_months=1,
        ends_on=today + datetime.timedelta(days=30),
    )

    maintenance.generate(days=120)

    assert all(
        d <= plan.contract.ends_on for d in plan.occurrences.values_list("due_on", flat=True)
    )
    assert plan.occurrences.count() == 1


def test_a_cancelled_maintenance_visit_is_skipped_and_kept_and_the_next_date_still_comes():
    plan = a_plan(every_months=1)
    maintenance.generate()
    occurrence = plan.occurrences.order_by("sequence").first()

    services.transition_visit(
        visit=occurrence.visit, to="cancelled", by=None, reason="Customer away all month"
    )
    again = maintenance.generate()

    occurrence.refresh_from_db()
    assert occurrence.status == MS.SKIPPED
    assert occurrence.reason == "Customer away all month"
    assert again.created == 0  # skipped on purpose, not regenerated behind the dispatcher
    assert plan.occurrences.filter(status=MS.DUE).count() == 1  # next month's


def test_cancelling_the_ticket_skips_its_occurrence():
    plan = a_plan()
    maintenance.generate()
    occurrence = plan.occurrences.get()

    services.cancel_ticket(ticket=occurrence.ticket, reason="Appliance replaced", by=None)

    occurrence.refresh_from_db()
    assert occurrence.status == MS.SKIPPED


def test_skipping_needs_a_reason_and_changes_nothing_without_one():
    plan = a_plan()
    maintenance.generate()
    occurrence = plan.occurrences.get()

    with pytest.raises(InvalidInput) as err:
        maintenance.skip_occurrence(occurrence=occurrence, reason="  ", by=None)

    assert err.value.field == "reason"
    occurrence.refresh_from_db()
    assert occurrence.status == MS.DUE
    assert occurrence.visit.status == Visit.Status.UNASSIGNED

    maintenance.skip_occurrence(occurrence=occurrence, reason="Site closed", by=None)
    occurrence.refresh_from_db()
    assert occurrence.status == MS.SKIPPED
    assert occurrence.visit.status == Visit.Status.CANCELLED


def test_placing_the_visit_schedules_the_occurrence_and_completing_it_does_it():
    plan = a_plan()
    maintenance.generate()
    occurrence = plan.occurrences.get()

    visit = _on_site(occurrence.visit)
    occurrence.refresh_from_db()
    assert occurrence.status == MS.SCHEDULED
    services.transition_visit(visit=visit, to="completed", by=None)

    occurrence.refresh_from_db()
    assert occurrence.status == MS.DONE
    assert occurrence.done_on == timezone.now().astimezone(ROME).date()


def test_from_the_actual_date_the_next_is_due_months_after_the_visit_was_done(
    django_capture_on_commit_callbacks,
):
    today = timezone.localdate()
    plan = a_plan(
        first_due_on=today - datetime.timedelta(days=5),
        every_months=1,
        next_from=PreventivePlan.NextFrom.ACTUAL,
    )
    maintenance.generate()
    assert plan.occurrences.count() == 1  # one open at a time from the actual date
    visit = _on_site(plan.occurrences.get().visit)

    done_at = timezone.now()
    # Scheduled as the completion commits, without waiting for the next run.
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_visit(visit=visit, to="completed", by=None, at=done_at)

    nxt = plan.occurrences.get(sequence=1)
    done_on = done_at.astimezone(ROME).date()
    assert nxt.due_on == done_on + relativedelta(months=1)
    assert nxt.due_on != maintenance.due_date(plan, 1)  # five days later than the plan's
    assert nxt.visit.status == Visit.Status.UNASSIGNED


def test_from_the_plan_date_the_next_keeps_the_plan_dates_whenever_the_visit_was_done():
    today = timezone.localdate()
    first = today - datetime.timedelta(days=5)
    plan = a_plan(first_due_on=first, every_months=1)
    maintenance.generate()
    visit = _on_site(plan.occurrences.get(sequence=0).visit)
    services.transition_visit(visit=visit, to="completed", by=None)

    maintenance.generate(days=90)

    assert plan.occurrences.get(sequence=1).due_on == maintenance.due_date(plan, 1)


def test_a_visit_that_cannot_complete_hands_the_occurrence_to_its_follow_up():
    plan = a_plan()
    maintenance.generate()
    occurrence = plan.occurrences.get()
    visit = _on_site(occurrence.visit)

    services.transition_visit(
        visit=visit, to="cannot_complete", by=None, outcome="needs_parts", reason="Valve"
    )

    occurrence.refresh_from_db()
    assert occurrence.visit.follow_up_of_id == visit.pk
    assert occurrence.visit.status == Visit.Status.UNASSIGNED
    assert occurrence.status == MS.DUE


def test_not_done_after_its_latest_day_is_missed_and_done_late_shows_as_late():
    today = timezone.localdate()
    plan = a_plan(first_due_on=today - datetime.timedelta(days=3), tolerance_days=2)
    # Generated five days ago, when its window (today-5 .. today-1) was open.
    maintenance.generate(now=timezone.now() - datetime.timedelta(days=5))
    occurrence = plan.occurrences.get()
    on_time = a_plan(first_due_on=today + datetime.timedelta(days=3))
    maintenance.generate()

    assert maintenance.mark_missed() == 1
    occurrence.refresh_from_db()
    assert occurrence.status == MS.MISSED
    assert occurrence.is_overdue(today)
    assert list(selectors.maintenance_overdue(today=today)) == [occurrence]
    assert [o.plan for o in selectors.maintenance_upcoming(today=today)] == [on_time]

    visit = _on_site(occurrence.visit)
    services.transition_visit(visit=visit, to="completed", by=None)
    occurrence.refresh_from_db()
    assert occurrence.status == MS.DONE
    assert occurrence.done_late
    assert occurrence.is_overdue(today)
    assert list(selectors.maintenance_done_late()) == [occurrence]
    assert list(selectors.maintenance_overdue(today=today)) == []


def test_a_plans_long_past_dates_are_not_invented():
    today = timezone.localdate()
    plan = a_plan(
        first_due_on=today - datetime.timedelta(days=400),
        every_months=3,
        tolerance_days=7,
        starts_on=today - datetime.timedelta(days=500),
    )

    maintenance.generate()

    occurrences = list(plan.occurrences.order_by("sequence"))
    assert occurrences
    assert all(o.latest >= today for o in occurrences)
    assert all(o.due_on == maintenance.due_date(plan, o.sequence) for o in occurrences)
