"""The desk's ticket list: search, each filter, SLA states, sorting, paging, saved filters per
person, the CSV and XLSX exports and their guard against formulas, and refusals of bad
input."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from desk.models import SavedFilter
from tests.factories import (
    ApplianceFactory,
    ErrorCodeFactory,
    TechnicianFactory,
    UserFactory,
    new_visit,
    open_ticket,
)
from tickets.models import Ticket, Visit
from tickets.services import escalate, transition_ticket, update_ticket

pytestmark = pytest.mark.django_db
URL = "/desk/tickets/"


def numbers(response) -> set[str]:
    """The ticket numbers in the list's rows."""
    assert response.status_code == 200, response.content[:500]
    return {t.number for t, _names in response.context["rows"]}


def ticket_for(name: str = "Anna Rossi", **kwargs) -> Ticket:
    return open_ticket(appliance=ApplianceFactory(site__customer__name=name), **kwargs)


def test_the_list_is_at_desk_tickets_and_linked_from_the_dispatchers_menu(dispatcher_client):
    ticket = ticket_for()

    page = dispatcher_client.get(reverse("dispatch:board")).text

    assert f'href="{URL}"' in page
    listed = dispatcher_client.get(URL)
    assert numbers(listed) == {ticket.number}
    assert reverse("desk:ticket", args=[ticket.number]) in listed.text


def test_search_finds_a_ticket_by_number_customer_description_and_code(dispatcher_client):
    code = ErrorCodeFactory(code="F05", title="Drain fault")
    wanted = ticket_for(
        "Giulia Bianchi", description="Water stays in the drum", codes=["F05", "ZX9"]
    )
    other = ticket_for("Marco Verdi", description="Door will not open")
    assert wanted.error_codes.get() == code

    for q in (
        wanted.number,
        str(wanted.pk),
        "bianchi",
        "Giulia Bianchi",
        "drum",
        "f05",
        "zx9",
        "drain fault",
    ):
        assert numbers(dispatcher_client.get(URL, {"q": q})) == {wanted.number}, q
    assert numbers(dispatcher_client.get(URL, {"q": "verdi door"})) == {other.number}
    assert numbers(dispatcher_client.get(URL, {"q": "bianchi door"})) == set()


def test_search_matches_the_start_of_a_word_as_the_agent_types(dispatcher_client):
    wanted = ticket_for("Giulia Bianchi")
    ticket_for("Marco Verdi")

    assert numbers(dispatcher_client.get(URL, {"q": "bian"})) == {wanted.number}


def test_search_follows_a_changed_description(dispatcher_client, dispatcher):
    ticket = ticket_for(description="Noisy spin")

    update_ticket(ticket=ticket, by=dispatcher, description="Leaks from the door seal")

    assert numbers(dispatcher_client.get(URL, {"q": "seal"})) == {ticket.number}
    assert numbers(dispatcher_client.get(URL, {"q": "noisy"})) == set()


def test_each_filter_narrows_the_list(dispatcher_client, dispatcher):
    yes, no = ticket_for("Yes Person"), ticket_for("No Person", priority=2)
    escalate(ticket=yes, by=dispatcher, reason="Needs a specialist")
    covered = open_ticket(
        appliance=ApplianceFactory(warranty_until=timezone.localdate() + datetime.timedelta(200))
    )
    code = ErrorCodeFactory(code="E21")
    coded = open_ticket(appliance=ApplianceFactory(), codes=["E21"])
    assert list(coded.error_codes.all()) == [code]
    technician = TechnicianFactory()
    Visit.objects.filter(pk=new_visit(yes).pk).update(technician=technician)
    new_visit(no)
    transition_ticket(ticket=yes, to=Ticket.Status.AWAITING_CUSTOMER, by=dispatcher)
    Ticket.objects.filter(pk=yes.pk).update(channel=Ticket.Channel.EMAIL)
    old = timezone.now() - datetime.timedelta(days=40)
    Ticket.objects.filter(pk=no.pk).update(created_at=old)
    everyone = {yes.number, no.number, covered.number, coded.number}
    last_month = (timezone.localdate() - datetime.timedelta(days=40)).isoformat()

    cases = {
        "status": ("awaiting_customer", {yes.number}),
        "priority": ("2", {no.number}),
        "tier": ("2", {yes.number}),
        "coverage": ("warranty", {covered.number}),
        "channel": ("email", {yes.number}),
        "customer": (str(yes.customer_id), {yes.number}),
        "technician": (str(technician.pk), {yes.number}),
        "code": ("e21", {coded.number}),
        "opened_to": (last_month, {no.number}),
        "opened_from": (timezone.localdate().isoformat(), everyone - {no.number}),
    }
    assert numbers(dispatcher_client.get(URL)) == everyone
    for field, (value, expected) in cases.items():
        assert numbers(dispatcher_client.get(URL, {field: value})) == expected, field
    assert numbers(dispatcher_client.get(URL, {"status": "open", "priority": "3"})) == (
        everyone - {no.number}
    )
    Ticket.objects.filter(pk=covered.pk).update(status=Ticket.Status.CLOSED)
    assert numbers(dispatcher_client.get(URL, {"status": "open"})) == everyone - {covered.number}


def test_sla_states_filter_and_mark_the_rows(dispatcher_client, dispatcher):
    now = timezone.now()
    breached, at_risk, fine, paused, closed = (ticket_for(f"C{n}") for n in range(5))
    Ticket.objects.filter(pk=breached.pk).update(sla_due_at=now - datetime.timedelta(hours=1))
    Ticket.objects.filter(pk=at_risk.pk).update(sla_due_at=now + datetime.timedelta(minutes=20))
    Ticket.objects.filter(pk=fine.pk).update(sla_due_at=now + datetime.timedelta(hours=5))
    # Waiting for the customer since before it was due: the clock stopped in time.
    Ticket.objects.filter(pk=paused.pk).update(
        status=Ticket.Status.AWAITING_CUSTOMER,
        sla_due_at=now - datetime.timedelta(minutes=5),
        sla_paused_at=now - datetime.timedelta(hours=2),
    )
    Ticket.objects.filter(pk=closed.pk).update(
        status=Ticket.Status.CLOSED, sla_due_at=now - datetime.timedelta(days=1)
    )

    assert numbers(dispatcher_client.get(URL, {"sla": "breached"})) == {breached.number}
    assert numbers(dispatcher_client.get(URL, {"sla": "at_risk"})) == {at_risk.number}
    assert numbers(dispatcher_client.get(URL, {"sla": "fine"})) == {fine.number, paused.number}
    page = dispatcher_client.get(URL).text
    for ticket, state in (
        (breached, "breached"),
        (at_risk, "at_risk"),
        (fine, "fine"),
        (paused, "fine"),
        (closed, "none"),
    ):
        assert f'class="sla-{state}"\n                data-ticket="{ticket.number}"' in page, state
    assert page.count('class="badge sla-breached"') == 1
    assert page.count('class="badge sla-at_risk"') == 1


def test_sorting_by_each_column_and_the_default_by_sla_due(dispatcher_client):
    now = timezone.now()
    first, second, third = (ticket_for(f"C{n}") for n in range(3))
    for ticket, hours in ((first, 9), (second, 3), (third, 6)):
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=now + datetime.timedelta(hours=hours))

    def order(**params) -> list[str]:
        return [t.number for t, _names in dispatcher_client.get(URL, params).context["rows"]]

    assert order() == [second.number, third.number, first.number]
    assert order(sort="-sla_due") == [first.number, third.number, second.number]
    assert order(sort="number") == [first.number, second.number, third.number]
    assert order(sort="-number") == [third.number, second.number, first.number]
    assert order(sort="-opened") == [third.number, second.number, first.number]


def test_fifty_tickets_a_page(dispatcher_client):
    tickets = [ticket_for(f"C{n}") for n in range(51)]

    first = dispatcher_client.get(URL, {"sort": "number"})
    second = dispatcher_client.get(URL, {"sort": "number", "page": "2"})

    assert len(first.context["rows"]) == 50
    assert numbers(second) == {tickets[-1].number}
    assert "Page 2 of 2" in second.text
    assert "51 tickets" in first.text


def test_the_number_of_queries_does_not_grow_with_the_rows(dispatcher_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert dispatcher_client.get(URL, {"q": "rossi", "status": "open"}).status_code == 200
        return len(captured)

    def more(n: int) -> None:
        for _ in range(n):
            ticket = ticket_for()
            Visit.objects.filter(pk=new_visit(ticket).pk).update(technician=TechnicianFactory())

    more(2)
    few = queries()
    more(20)
    assert queries() == few


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "Status"),
        ({"priority": "9"}, "Priority"),
        ({"opened_from": "2026-13-45"}, "Opened from"),
        ({"opened_from": "1200-01-01"}, "Opened from"),
        ({"opened_from": "2026-05-02", "opened_to": "2026-05-01"}, "Opened until"),
        ({"q": "rossi\x01"}, "Search"),
        ({"q": "rossi\x00"}, "Search"),
        ({"q": "x" * 201}, "Search"),
        ({"technician": "999999"}, "Technician"),
        ({"customer": "abc"}, "Customer"),
        ({"sort": "password"}, "Sort by"),
    ],
)
def test_bad_filters_are_refused_with_a_message_naming_the_field(dispatcher_client, params, field):
    ticket_for()

    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = dispatcher_client.get(URL, params, **headers)

        assert response.status_code == 400
        assert f"{field}:" in response.context["error"]
        assert "rows" not in response.context
    export = dispatcher_client.get(reverse("desk:ticket_export"), params)
    assert export.status_code == 400
    assert f"{field}:" in export.context["error"]


def test_htmx_gets_the_results_alone(dispatcher_client):
    ticket = ticket_for()

    response = dispatcher_client.get(URL, {"q": "rossi"}, HTTP_HX_REQUEST="true")

    assert ticket.number in response.text
    assert "<html" not in response.text
    assert 'id="ticket-filters"' not in response.text


def test_csv_export_has_the_filtered_tickets(dispatcher_client):
    wanted = ticket_for("Giulia Bianchi", description="Water stays in the drum", priority=1)
    ticket_for("Marco Verdi")

    response = dispatcher_client.get(reverse("desk:ticket_export"), {"q": "bianchi"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Number", "Customer", "Kind"]
    assert len(rows) == 2
    assert rows[1][:2] == [wanted.number, "Giulia Bianchi"]
    assert "P1 critical" in rows[1]
    assert "Water stays in the drum" in rows[1]


def test_csv_export_writes_formula_starts_as_text(dispatcher_client):
    ticket_for('=HYPERLINK("http://evil")', description="+1 call back")
    ticket_for("@SUM(A1)", description="-2 degrees")

    body = b"".join(dispatcher_client.get(reverse("desk:ticket_export")).streaming_content)

    cells = {cell for row in csv.reader(io.StringIO(body.decode())) for cell in row}
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'@SUM(A1)" in cells
    assert "'+1 call back" in cells
    assert "'-2 degrees" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_xlsx_export_has_the_filtered_tickets_and_writes_formula_starts_as_text(
    dispatcher_client,
):
    wanted = ticket_for("Giulia Bianchi", description="=1+1 the drum\x07 stays wet", priority=1)
    ticket_for("Marco Verdi")

    response = dispatcher_client.get(reverse("desk:ticket_export_xlsx"), {"q": "bianchi"})

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="tickets.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["Number", "Customer", "Kind"]
    assert len(rows) == 2
    assert rows[1][:2] == [wanted.number, "Giulia Bianchi"]
    assert "P1 critical" in rows[1]
    # Written as text, not as a formula, and without the control character XLSX cannot hold.
    assert "'=1+1 the drum stays wet" in rows[1]
    assert not any(str(cell).startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_list_links_both_exports_with_its_filters(dispatcher_client):
    ticket_for("Giulia Bianchi")

    response = dispatcher_client.get(URL, {"q": "bianchi"})

    assert f'href="{reverse("desk:ticket_export")}?q=bianchi"' in response.text
    assert f'href="{reverse("desk:ticket_export_xlsx")}?q=bianchi"' in response.text


def test_xlsx_export_refuses_bad_filters_with_a_message(dispatcher_client):
    response = dispatcher_client.get(reverse("desk:ticket_export_xlsx"), {"priority": "9"})

    assert response.status_code == 400
    assert "Priority:" in response.context["error"]


def test_a_saved_filter_is_applied_again_and_belongs_to_its_owner(client, dispatcher):
    wanted = ticket_for("Giulia Bianchi", priority=1)
    ticket_for("Marco Verdi", priority=1)
    other = UserFactory(username="other-dispatcher", role="dispatcher")
    client.force_login(dispatcher)

    saved = client.post(
        reverse("desk:save_filter"),
        {"name": "Bianchi urgent", "query": "q=bianchi&priority=1&page=3&bogus=1"},
    )

    kept = SavedFilter.objects.get()
    assert (kept.user, kept.name) == (dispatcher, "Bianchi urgent")
    assert kept.query == "q=bianchi&priority=1"
    assert saved["Location"] == f"{URL}?q=bianchi&priority=1"
    page = client.get(URL).text
    assert "Bianchi urgent" in page
    applied = client.get(reverse("desk:apply_filter", args=[kept.pk]), follow=True)
    assert numbers(applied) == {wanted.number}

    client.force_login(other)
    assert "Bianchi urgent" not in client.get(URL).text
    assert client.get(reverse("desk:apply_filter", args=[kept.pk])).status_code == 404
    assert client.post(reverse("desk:delete_filter", args=[kept.pk])).status_code == 404
    assert SavedFilter.objects.count() == 1

    client.force_login(dispatcher)
    client.post(reverse("desk:delete_filter", args=[kept.pk]))
    assert SavedFilter.objects.count() == 0


def test_saving_under_a_used_name_replaces_that_filter(dispatcher_client, dispatcher):
    dispatcher_client.post(reverse("desk:save_filter"), {"name": "Mine", "query": "tier=2"})
    dispatcher_client.post(reverse("desk:save_filter"), {"name": "Mine", "query": "tier=3"})

    assert list(SavedFilter.objects.values_list("name", "query")) == [("Mine", "tier=3")]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"name": "", "query": "tier=2"}, "Name of the filter:"),
        ({"name": "a\tb", "query": "tier=2"}, "Name of the filter:"),
        ({"name": "x" * 101, "query": "tier=2"}, "Name of the filter:"),
        ({"name": "Mine", "query": "status=lost"}, "Status:"),
    ],
)
def test_a_bad_saved_filter_is_refused_with_a_message(dispatcher_client, body, words):
    response = dispatcher_client.post(reverse("desk:save_filter"), body)

    assert response.status_code == 400
    assert words in response.context["error"]
    assert SavedFilter.objects.count() == 0
