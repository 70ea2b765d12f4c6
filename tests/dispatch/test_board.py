import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from dispatch.models import PlanRun
from dispatch.selectors import BOARD_DAYS_BACK, board_days
from dispatch.services import assign_visit
from tests.factories import (
    ApplianceFactory,
    ErrorCodeFactory,
    SkillFactory,
    TechnicianFactory,
    TimeOffFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import at
from tickets.horizon import MAX_DAYS_AHEAD
from tickets.models import Ticket, TicketEvent, Visit
from tickets.services import create_visit

pytestmark = pytest.mark.django_db


def board_url(day):
    return f"{reverse('dispatch:board')}?day={day.isoformat()}"


def days_from_today(days: int | str) -> str:
    """A day as the form takes it: an offset from today is turned into a day when the test
    runs, not when it is collected (the suite may cross midnight in between)."""
    if isinstance(days, str):
        return days
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_board_is_for_dispatchers(client, technician, customer_user):
    url = reverse("dispatch:board")
    assert client.get(url).status_code == 302
    for user in (technician.user, customer_user):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_board_shows_rows_blocks_breaks_time_off_and_the_queue(dispatcher_client, next_monday):
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    TimeOffFactory(
        technician=tech,
        starts_at=at(next_monday, 15),
        ends_at=at(next_monday, 17),
        reason="Dentist",
    )
    ErrorCodeFactory(code="F05")
    planned = assign_visit(
        visit=new_visit(open_ticket(codes=["F05"])),
        technician=tech,
        start=at(next_monday, 10),
        by=None,
    )
    waiting = new_visit(open_ticket(priority=1))

    page = dispatcher_client.get(board_url(next_monday)).text

    assert "Marco Rossi" in page
    assert f'data-visit="{planned.pk}"' in page
    # hover title: times and codes
    assert "10:00-11:30" in page
    assert "F05" in page
    assert 'class="break"' in page
    assert "Dentist" in page
    assert f'data-visit="{waiting.pk}"' in page
    assert "P1" in page


def test_queue_puts_overdue_first_and_filters_by_priority(dispatcher_client, next_monday):
    later = new_visit(open_ticket(priority=3))
    overdue = new_visit(open_ticket(priority=2))

    Ticket.objects.filter(pk=overdue.ticket_id).update(
        sla_due_at=at(next_monday, 8) - datetime.timedelta(days=30)
    )

    page = dispatcher_client.get(board_url(next_monday)).text
    only_p3 = dispatcher_client.get(board_url(next_monday) + "&priority=3").text

    assert page.index(f'data-visit="{overdue.pk}"') < page.index(f'data-visit="{later.pk}"')
    assert "overdue" in page
    assert f'data-visit="{overdue.pk}"' not in only_p3.split('class="queue"')[1]


def test_board_query_count_is_the_same_for_10_and_200_technicians(dispatcher_client, next_monday):
    def board_queries():
        with CaptureQueriesContext(connection) as captured:
            assert dispatcher_client.get(board_url(next_monday)).status_code == 200
        return len(captured)

    def add(n):
        for tech in [TechnicianFactory() for _ in range(n)]:
            assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)

    add(10)
    with_10 = board_queries()
    add(190)
    with_200 = board_queries()

    assert with_10 == with_200
    assert with_200 <= 16


def test_dropping_a_queued_ticket_assigns_it(dispatcher_client, next_monday):
    tech = TechnicianFactory()
    visit = new_visit()

    response = dispatcher_client.post(
        reverse("dispatch:assign"),
        {
            "visit": visit.pk,
            "technician": tech.pk,
            "version": visit.version,
            "start": f"{next_monday.isoformat()}T10:00",
        },
    )

    assert response.status_code == 200
    visit.refresh_from_db()
    assert (visit.technician, visit.planned_start) == (tech, at(next_monday, 10))


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        ("9999-12-31T23:00", "Choose a start from"),
        ("9999-12-31T10:00", "Choose a start from"),
        ("3000-01-01T10:00", "Choose a start from"),
        ("0001-01-01T10:00", "Choose a start from"),
        (MAX_DAYS_AHEAD + 1, "Choose a start from"),
    ],
)
def test_dropping_a_visit_beyond_the_boards_days_is_refused_and_writes_nothing(
    dispatcher_client, start, reason
):
    tech = TechnicianFactory()
    visit = new_visit()
    events = TicketEvent.objects.count()

    if isinstance(start, int):
        start = f"{days_from_today(start)}T10:00"

    response = dispatcher_client.post(
        reverse("dispatch:assign"), {"visit": visit.pk, "technician": tech.pk, "start": start}
    )

    assert response.status_code == 400
    assert f"start: {reason}" in response.text
    visit.refresh_from_db()
    assert (visit.status, visit.planned_start, visit.version) == (
        Visit.Status.UNASSIGNED,
        None,
        1,
    )
    assert TicketEvent.objects.count() == events


def test_refused_drop_shows_why_and_changes_nothing(dispatcher_client, next_monday):
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 10), by=None)
    other = new_visit()

    response = dispatcher_client.post(
        reverse("dispatch:assign"),
        {"visit": other.pk, "technician": tech.pk, "start": f"{next_monday.isoformat()}T10:30"},
    )

    assert response.status_code == 409
    assert "Marco Rossi already has a visit 10:00-11:30" in response.text
    other.refresh_from_db()
    assert other.status == Visit.Status.UNASSIGNED


def test_missing_skill_offers_an_override_with_reason(dispatcher_client, next_monday):
    gas = SkillFactory(code="gas", name="Gas boilers")
    ErrorCodeFactory(code="F28", skills=[gas])
    visit = new_visit(open_ticket(codes=["F28"]))
    tech = TechnicianFactory()
    data = {"visit": visit.pk, "technician": tech.pk, "start": f"{next_monday}T10:00"}

    refused = dispatcher_client.post(reverse("dispatch:assign"), data)
    forced = dispatcher_client.post(
        reverse("dispatch:assign"), {**data, "override_reason": "only one free, supervised"}
    )

    assert refused.status_code == 409
    assert "Assign anyway" in refused.text
    assert forced.status_code == 200
    visit.refresh_from_db()
    assert visit.technician == tech
    assert visit.ticket.events.filter(kind="override").exists()


def test_stale_drag_is_refused(dispatcher_client, next_monday):
    tech = TechnicianFactory()
    visit = new_visit()

    response = dispatcher_client.post(
        reverse("dispatch:assign"),
        {
            "visit": visit.pk,
            "technician": tech.pk,
            "version": visit.version + 5,
            "start": f"{next_monday}T10:00",
        },
    )

    assert response.status_code in {412, 409}
    assert "changed since you loaded it" in response.text


@pytest.mark.parametrize("partial", ["", "1"])
@pytest.mark.parametrize(
    "day",
    [
        "9999-12-31",
        "0001-01-01",
        MAX_DAYS_AHEAD + 1,
        -BOARD_DAYS_BACK - 1,
    ],
)
def test_board_refuses_a_day_outside_the_calendar_range(dispatcher_client, day, partial):
    first, last = board_days()

    response = dispatcher_client.get(
        reverse("dispatch:board"), {"day": days_from_today(day), "partial": partial}
    )

    assert response.status_code == 400
    assert f"Day: Choose a day from {date_format(first)} to {date_format(last)}." in response.text
    assert response.context["day"] == timezone.localdate()


def test_board_with_a_malformed_day_says_so(dispatcher_client):
    response = dispatcher_client.get(reverse("dispatch:board"), {"day": "31/31/2020"})

    assert response.status_code == 400
    assert "Day: Enter a valid date." in response.text


@pytest.mark.parametrize("days", [MAX_DAYS_AHEAD, -BOARD_DAYS_BACK])
def test_board_shows_the_first_and_last_day_of_its_range(dispatcher_client, days):
    response = dispatcher_client.get(board_url(timezone.localdate() + datetime.timedelta(days)))

    assert response.status_code == 200
    assert 'data-testid="board-error"' not in response.text


def test_bad_input_names_the_field(dispatcher_client):
    response = dispatcher_client.post(reverse("dispatch:assign"), {"visit": "x"})

    assert response.status_code == 400
    assert "technician" in response.text
    assert "start" in response.text


def test_unassign_puts_the_visit_back_in_the_queue(dispatcher_client, next_monday):
    visit = assign_visit(
        visit=new_visit(), technician=TechnicianFactory(), start=at(next_monday, 9), by=None
    )

    response = dispatcher_client.post(reverse("dispatch:unassign", args=[visit.pk]))

    assert response.status_code == 200
    visit.refresh_from_db()
    assert visit.status == Visit.Status.UNASSIGNED


def test_unassign_with_a_reason_past_its_limit_is_refused_and_keeps_the_visit(
    dispatcher_client, next_monday
):
    visit = assign_visit(
        visit=new_visit(), technician=TechnicianFactory(), start=at(next_monday, 9), by=None
    )

    response = dispatcher_client.post(
        reverse("dispatch:unassign", args=[visit.pk]), {"reason": "x" * 2001}
    )

    assert "At most 2000 characters" in response.text
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED


def test_board_version_changes_when_a_visit_changes(dispatcher_client, next_monday):
    url = reverse("dispatch:board_version")
    before = dispatcher_client.get(url).json()["version"]
    assert dispatcher_client.get(url).json()["version"] == before

    assign_visit(
        visit=new_visit(), technician=TechnicianFactory(), start=at(next_monday, 9), by=None
    )

    assert dispatcher_client.get(url).json()["version"] != before


def test_panel_shows_history_codes_and_escalates(dispatcher_client, dispatcher):
    ErrorCodeFactory(code="F05", fix_steps="Clean the drain filter")
    ticket = open_ticket(codes=["F05", "Z99"])

    panel = dispatcher_client.get(reverse("dispatch:panel", args=[ticket.pk])).text
    escalated = dispatcher_client.post(
        reverse("dispatch:tier", args=[ticket.pk]), {"direction": "up", "reason": "board fault"}
    )
    no_reason = dispatcher_client.post(
        reverse("dispatch:tier", args=[ticket.pk]), {"direction": "up", "reason": ""}
    )

    assert "Clean the drain filter" in panel
    assert "Z99" in panel
    assert "Opened" in panel
    assert escalated.status_code == 200
    assert "Tier 2" in escalated.text
    assert no_reason.status_code == 400
    assert "Say why" in no_reason.text
    ticket.refresh_from_db()
    assert ticket.tier == 2


def test_panel_of_unknown_ticket_is_404(dispatcher_client):
    assert dispatcher_client.get(reverse("dispatch:panel", args=[999999])).status_code == 404


def test_panel_history_names_the_technicians_and_the_local_times(
    dispatcher_client, dispatcher, next_monday
):
    first = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    second = TechnicianFactory(user__first_name="Anna", user__last_name="Verdi")
    visit = assign_visit(
        visit=new_visit(), technician=first, start=at(next_monday, 9), by=dispatcher
    )
    assign_visit(
        visit=visit,
        technician=second,
        start=at(next_monday, 14),
        by=dispatcher,
        window_reason="Marco is ill",
    )

    panel = dispatcher_client.get(reverse("dispatch:panel", args=[visit.ticket_id])).text

    assert "the queue → Marco Rossi" in panel
    assert "Marco Rossi → Anna Verdi" in panel
    assert f"{at(next_monday, 14):%a} {next_monday.day} {at(next_monday, 14):%b} 14:00" in panel
    assert f"→ {first.pk}" not in panel
    assert f"→ {visit.pk}" not in panel  # the visit's creation says what it is, not its id


def test_a_follow_up_visit_says_so_in_the_history_not_its_id(dispatcher_client, next_monday):
    visit = new_visit()
    follow_up = create_visit(ticket=visit.ticket, by=None, follow_up_of=visit)

    panel = dispatcher_client.get(reverse("dispatch:panel", args=[visit.ticket_id])).text

    assert "a follow-up of an earlier visit" in panel
    assert f"→ {follow_up.pk}" not in panel


def test_queue_cards_show_the_window_promised_to_the_customer(dispatcher_client, next_monday):
    new_visit(window_start=at(next_monday, 8), window_end=at(next_monday, 10))

    board = dispatcher_client.get(reverse("dispatch:board"), {"day": next_monday.isoformat()})

    start = at(next_monday, 8)
    assert f"Promised {start:%a} {next_monday.day} {start:%b} 08:00\u201310:00" in board.text


def test_two_technicians_with_one_name_are_told_apart_by_their_region(
    dispatcher_client, next_monday
):
    TechnicianFactory(user__first_name="Marco", user__last_name="Rossi", region="Rome North")
    TechnicianFactory(user__first_name="Marco", user__last_name="Rossi", region="Rome South")

    board = dispatcher_client.get(reverse("dispatch:board"), {"day": next_monday.isoformat()})

    assert '<small class="region">Rome North</small>' in board.text
    assert '<small class="region">Rome South</small>' in board.text


def test_the_plan_time_limit_is_a_setting_not_a_field_on_the_board(
    dispatcher_client, next_monday, settings
):
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "PLAN_TIME_LIMIT_SECONDS": 1.5}

    board = dispatcher_client.get(board_url(next_monday)).text
    dispatcher_client.post(reverse("plan:request"), {"day": next_monday.isoformat()})

    assert 'name="time_limit"' not in board
    assert "Time limit" not in board
    assert PlanRun.objects.get().time_limit == 1.5


def test_every_control_of_the_board_and_its_panel_has_a_name(dispatcher_client, next_monday):
    """axe's critical finding: the priority and the tier selects had no label."""
    ticket = open_ticket()
    new_visit(ticket)

    board = dispatcher_client.get(board_url(next_monday)).text
    panel = dispatcher_client.get(reverse("dispatch:panel", args=[ticket.pk])).text

    assert 'aria-label="Priority"' in board
    assert "<h1" in board
    assert f'<label for="tier-direction-{ticket.pk}">' in panel
    assert f'id="tier-direction-{ticket.pk}"' in panel


def test_a_blocks_text_is_the_start_of_its_spoken_name_however_long_the_customers_name(
    dispatcher_client, next_monday
):
    """axe's label-content-name-mismatch: a name cut at 18 characters ("Christopher Montgo")
    is no word of the block's accessible name; the block shows it whole, the stylesheet clips
    what does not fit."""
    customer = "Christopher Montgomery-Fitzgerald"
    visit = new_visit(open_ticket(appliance=ApplianceFactory(site__customer__name=customer)))
    assign_visit(visit=visit, technician=TechnicianFactory(), start=at(next_monday, 9), by=None)

    board = dispatcher_client.get(board_url(next_monday)).text

    assert f"<b>P{visit.ticket.priority}</b> {customer}</div>" in board
    assert f'aria-label="P{visit.ticket.priority} {customer} · ' in board


@pytest.mark.parametrize(
    ("language", "weekday", "name"),
    [("en", 6, "Sun"), ("it", 0, "lun"), ("es", 0, "lun"), ("bg", 0, "пн")],
)
def test_the_boards_week_starts_on_the_languages_first_day(
    dispatcher_client, language, weekday, name
):
    day = timezone.localdate()

    response = dispatcher_client.get(board_url(day), HTTP_ACCEPT_LANGUAGE=language)

    week = response.context["week"]
    assert [d.weekday() for d in week] == [(weekday + n) % 7 for n in range(7)]
    assert day in week
    nav = response.text.split('data-testid="board-week"')[1].split("</nav>")[0]
    assert nav.split("</a>")[0].rsplit(">", 1)[1].startswith(name)
