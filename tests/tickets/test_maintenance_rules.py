"""Preventive maintenance at its edges, as the office sees them (issue 29's mutation run of
tickets/services/maintenance.py): a visit whose last tolerated day is today, or due on the
horizon's or the contract's last day, is still generated; from the actual date, a skipped visit
brings the plan's next date and one done early never falls before its own due date; the done
date is the day the visit ended; a refused plan counts once and the others go on; what a run
reports; skipping explains itself; a missed visit stays missed once placed.

The clock is pinned (10:00 in Rome on Wednesday 10 March 2027): the dates below are those of
that day."""

from __future__ import annotations

import datetime
import logging
import zoneinfo

import pytest
import time_machine
from django.db import transaction
from django.utils import translation

from contracts.models import PreventivePlan
from fieldservice.errors import InvalidInput, TransitionNotAllowed
from tests.factories import TechnicianFactory, new_visit
from tests.factories import open_ticket as a_ticket
from tests.helpers import assign_today
from tests.plans import a_plan
from tickets import services
from tickets.models import MaintenanceOccurrence, Ticket, Visit
from tickets.services import maintenance

pytestmark = pytest.mark.django_db
MS = MaintenanceOccurrence.Status
ROME = zoneinfo.ZoneInfo("Europe/Rome")
TODAY = datetime.date(2027, 3, 10)


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def mid_morning():
    """10:00 in Rome on 10 March 2027: inside the factories' working hours (08:00-17:00)."""
    with time_machine.travel(datetime.datetime(2027, 3, 10, 10, tzinfo=ROME), tick=True):
        yield


def _on_site(visit: Visit) -> Visit:
    visit = assign_today(visit, TechnicianFactory())
    for step in ("en_route", "on_site"):
        visit = services.transition_visit(visit=visit, to=step, by=None)
    return visit


def test_a_run_reports_the_plans_chunks_and_visits_it_made():
    for _ in range(3):
        a_plan(every_months=1)  # 30 March and 30 April: two inside 60 days

    first = maintenance.generate(chunk=2)
    again = maintenance.generate(chunk=2)

    assert first == maintenance.GenerationResult(plans=3, created=6, failed=0, chunks=2)
    assert again == maintenance.GenerationResult(plans=3, created=0, failed=0, chunks=2)


def test_without_the_setting_visits_are_generated_sixty_days_ahead(settings):
    del settings.MAINTENANCE_HORIZON_DAYS

    assert maintenance.horizon_days() == 60


def test_the_ticket_says_what_is_serviced_when_it_is_due_and_its_window():
    plan = a_plan(name="Boiler service", first_due_on=_days(20), tolerance_days=14)

    with translation.override("en"):
        maintenance.generate()

    assert plan.occurrences.get().ticket.description == (
        "Preventive maintenance: Boiler service. Due on 2027-03-30, "
        "any day from 2027-03-16 to 2027-04-13."
    )


def test_a_visit_whose_last_tolerated_day_is_today_is_still_generated():
    today_last = a_plan(first_due_on=_days(-14), tolerance_days=14)
    yesterday_last = a_plan(first_due_on=_days(-15), tolerance_days=14)  # next: September

    maintenance.generate()

    assert list(today_last.occurrences.values_list("due_on", "latest")) == [(_days(-14), TODAY)]
    assert not yesterday_last.occurrences.exists()


def test_a_visit_due_on_the_horizons_last_day_or_the_contracts_last_day_is_generated():
    on_the_horizon = a_plan(first_due_on=_days(60))
    on_the_end = a_plan(first_due_on=_days(10), every_months=1, tolerance_days=0, ends_on=_days(10))

    maintenance.generate(days=60)

    assert list(on_the_horizon.occurrences.values_list("due_on", flat=True)) == [_days(60)]
    assert list(on_the_end.occurrences.values_list("due_on", flat=True)) == [_days(10)]


def test_from_the_actual_date_a_skipped_visit_brings_the_plans_next_date(
    django_capture_on_commit_callbacks,
):
    plan = a_plan(first_due_on=_days(10), every_months=1, next_from=PreventivePlan.NextFrom.ACTUAL)
    maintenance.generate()

    with django_capture_on_commit_callbacks(execute=True):
        maintenance.skip_occurrence(
            occurrence=plan.occurrences.get(), reason="Site closed", by=None
        )
    second = plan.occurrences.get(sequence=1)
    with django_capture_on_commit_callbacks(execute=True):
        maintenance.skip_occurrence(occurrence=second, reason="Site closed again", by=None)
    maintenance.generate(days=120)  # the third is past the horizon of the skip's own run

    dues = list(plan.occurrences.order_by("sequence").values_list("due_on", "status"))
    assert dues == [
        (datetime.date(2027, 3, 20), MS.SKIPPED),
        (datetime.date(2027, 4, 20), MS.SKIPPED),
        (datetime.date(2027, 5, 20), MS.DUE),
    ]


def test_from_the_actual_date_a_visit_done_early_brings_the_next_after_its_own_due_date(
    django_capture_on_commit_callbacks,
):
    plan = a_plan(
        first_due_on=_days(35),  # 14 April, any day from 28 February
        every_months=1,
        tolerance_days=45,
        next_from=PreventivePlan.NextFrom.ACTUAL,
    )
    maintenance.generate()
    visit = _on_site(plan.occurrences.get().visit)

    with django_capture_on_commit_callbacks(execute=True):
        services.transition_visit(visit=visit, to="completed", by=None)

    # Done on 10 March: a month later (10 April) would come before the one just done was due.
    assert plan.occurrences.get(sequence=1).due_on == datetime.date(2027, 4, 15)


def test_the_done_date_is_the_day_the_visit_ended_not_the_day_it_was_recorded():
    plan = a_plan(first_due_on=_days(5))
    maintenance.generate()
    visit = _on_site(plan.occurrences.get().visit)

    with time_machine.travel(datetime.datetime(2027, 3, 11, 9, tzinfo=ROME)):
        services.transition_visit(
            visit=visit, to="completed", by=None, at=datetime.datetime(2027, 3, 10, 11, tzinfo=ROME)
        )

    occurrence = plan.occurrences.get()
    assert (occurrence.status, occurrence.done_on, occurrence.reason) == (MS.DONE, TODAY, "")


def test_completing_a_visit_of_a_plan_dated_plan_leaves_the_next_ones_to_the_next_run(
    django_capture_on_commit_callbacks,
):
    plan = a_plan(first_due_on=_days(-5), every_months=1)
    maintenance.generate(days=10)  # 5 March only
    visit = _on_site(plan.occurrences.get().visit)

    with django_capture_on_commit_callbacks(execute=True):
        services.transition_visit(visit=visit, to="completed", by=None)

    assert plan.occurrences.count() == 1


def test_refused_plans_count_once_each_and_the_plans_after_them_go_on(caplog):
    refused = [a_plan(expected_minutes=2, every_months=1) for _ in range(2)]  # two dates each
    fine = a_plan(every_months=1)

    with caplog.at_level(logging.WARNING, logger="tickets.services.maintenance"):
        result = maintenance.generate()

    assert (result.created, result.failed) == (2, 2)
    assert fine.occurrences.count() == 2
    warned = [r.getMessage() for r in caplog.records if r.name == "tickets.services.maintenance"]
    assert len(warned) == 2
    for plan, message in zip(refused, warned, strict=True):
        assert message.startswith(f"preventive plan {plan.pk}, due 2027-03-30: ")


def test_an_occurrence_another_run_made_under_the_same_number_is_left_out():
    plan = a_plan()
    plans = list(maintenance._plans([plan.pk]))  # read before the other run wrote
    maintenance.generate(plan_ids=[plan.pk])  # the other run: number 0 on 30 March
    result = maintenance.GenerationResult()

    with transaction.atomic():
        maintenance._open_occurrences([(plans[0], 0, _days(21))], result)

    assert result.created == 0
    assert list(plan.occurrences.values_list("sequence", "due_on")) == [(0, _days(20))]
    assert Ticket.objects.filter(kind=Ticket.Kind.MAINTENANCE).count() == 1


def test_the_first_plan_and_occurrence_ever_entered_count_like_the_others():
    """Ids start at 1: reading "after id 0" must not leave the very first out."""
    plan = a_plan(pk=1, first_due_on=_days(-2), tolerance_days=2)  # its last day: today

    maintenance.generate()
    occurrence = plan.occurrences.get()
    MaintenanceOccurrence.objects.filter(pk=occurrence.pk).update(id=1)

    with time_machine.travel(datetime.datetime(2027, 3, 11, 10, tzinfo=ROME)):
        assert maintenance.mark_missed() == 1
    assert MaintenanceOccurrence.objects.get(pk=1).status == MS.MISSED


def test_a_visit_is_missed_the_day_after_its_latest_day_not_on_it():
    plans = [a_plan(first_due_on=_days(-2), tolerance_days=2) for _ in range(2)]
    maintenance.generate()

    assert maintenance.mark_missed() == 0
    with time_machine.travel(datetime.datetime(2027, 3, 11, 10, tzinfo=ROME)):
        assert maintenance.mark_missed(chunk=1) == 2
    assert {p.occurrences.get().status for p in plans} == {MS.MISSED}


def test_a_missed_visit_placed_on_a_technicians_day_stays_missed():
    plan = a_plan(first_due_on=_days(-3), tolerance_days=2)
    maintenance.generate(now=datetime.datetime(2027, 3, 5, 10, tzinfo=ROME))
    maintenance.mark_missed()
    occurrence = plan.occurrences.get()

    assign_today(occurrence.visit, TechnicianFactory())

    occurrence.refresh_from_db()
    assert occurrence.status == MS.MISSED


def test_skipping_says_why_it_is_refused():
    plan = a_plan()
    maintenance.generate()
    occurrence = plan.occurrences.get()

    with translation.override("en"):
        with pytest.raises(InvalidInput) as blank:
            maintenance.skip_occurrence(occurrence=occurrence, reason=" ", by=None)
        with pytest.raises(InvalidInput) as long:
            maintenance.skip_occurrence(occurrence=occurrence, reason="x" * 2001, by=None)
        services.transition_visit(visit=_on_site(occurrence.visit), to="completed", by=None)
        with pytest.raises(TransitionNotAllowed) as done:
            maintenance.skip_occurrence(occurrence=occurrence, reason="Too late", by=None)

    assert blank.value.message == "Say why the maintenance visit is skipped."
    assert long.value.field == "reason"
    assert done.value.message == "A maintenance visit that is Done cannot be skipped."


def test_skipping_while_the_technician_is_on_site_leaves_the_visit_alone():
    plan = a_plan()
    maintenance.generate()
    visit = _on_site(plan.occurrences.get().visit)

    maintenance.skip_occurrence(occurrence=plan.occurrences.get(), reason="Not needed", by=None)

    occurrence = plan.occurrences.get()
    assert (occurrence.status, occurrence.reason) == (MS.SKIPPED, "Not needed")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.ON_SITE


@pytest.mark.django_db(transaction=True)
def test_skipping_works_outside_a_transaction_as_a_command_would_call_it():
    plan = a_plan()
    maintenance.generate()

    maintenance.skip_occurrence(occurrence=plan.occurrences.get(), reason="Site closed", by=None)

    assert plan.occurrences.get().status == MS.SKIPPED


def test_a_long_cancellation_reason_is_kept_to_its_first_250_characters():
    plan = a_plan()
    maintenance.generate()
    reason = "The customer explains at length. " * 10  # 330 characters

    services.transition_visit(
        visit=plan.occurrences.get().visit, to="cancelled", by=None, reason=reason
    )

    assert plan.occurrences.get().reason == reason[:250]


def test_a_maintenance_ticket_opened_by_hand_goes_through_its_visit_without_a_plan():
    visit = _on_site(new_visit(a_ticket(kind="maintenance")))

    visit = services.transition_visit(visit=visit, to="completed", by=None)

    assert visit.status == Visit.Status.COMPLETED
    assert not MaintenanceOccurrence.objects.exists()


def test_an_occurrence_whose_visit_was_deleted_is_not_given_another_plans_new_visit():
    lost = a_plan()
    maintenance.generate()
    # What deleting the visit in the admin does (SET_NULL).
    lost.occurrences.update(visit=None)
    other = a_plan()

    maintenance.generate()

    assert lost.occurrences.get().visit is None
    assert other.occurrences.get().visit is not None


def test_a_visit_cancelled_with_its_ticket_without_a_word_is_skipped_saying_so():
    plan = a_plan()
    maintenance.generate()

    with translation.override("en"):
        services.transition_ticket(
            ticket=plan.occurrences.get().ticket, to=Ticket.Status.CANCELLED, by=None
        )

    occurrence = plan.occurrences.get()
    assert (occurrence.status, occurrence.reason) == (
        MS.SKIPPED,
        "The maintenance visit was cancelled.",
    )


def test_the_next_date_gets_the_next_number_when_the_horizon_reaches_it():
    plan = a_plan(first_due_on=_days(5), every_months=1)
    maintenance.generate(days=10)  # 15 March only

    result = maintenance.generate(days=60)

    assert result.created == 1
    assert list(plan.occurrences.order_by("sequence").values_list("sequence", "due_on")) == [
        (0, datetime.date(2027, 3, 15)),
        (1, datetime.date(2027, 4, 15)),
    ]
