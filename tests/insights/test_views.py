"""The managers' page: who may see it, the figures and their links, the rows behind a figure,
bad input, and a query count that does not grow with the history."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets.models import Ticket, Visit

from .history import at, ticket, visit

pytestmark = pytest.mark.django_db

WEEK = {"start": "2026-01-05", "end": "2026-01-11"}


@pytest.fixture
def manager(db):
    return factories.UserFactory(username="manager", role="dispatcher", is_staff=True)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def _history(n: int = 1) -> None:
    tech = factories.TechnicianFactory(region="North")
    for i in range(n):
        t = ticket(opened=at(0, 8))
        visit(t, tech, start=at(i % 5, 9), travel=30)
        t2 = ticket(opened=at(1, 8))
        visit(t2, tech, start=at(i % 5, 14), outcome=Visit.Outcome.NEEDS_PARTS)


def test_a_plain_dispatcher_may_not_see_the_figures(dispatcher_client):
    assert dispatcher_client.get(reverse("insights:page")).status_code == 403


def test_the_page_shows_the_figures_with_links_to_their_rows(manager_client):
    _history()

    response = manager_client.get(reverse("insights:page"), WEEK)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="first-time-fix">50.0 %<' in page
    link = reverse("insights:rows", args=["first_time_fix"])
    assert f"{link}?start=2026-01-05&amp;end=2026-01-11&amp;part=fixed" in page
    charts = response.context["charts"]
    assert charts["trends"]["series"][0]["data"] == [50.0]
    assert 'id="insights-charts" type="application/json"' in page
    assert f'action="{reverse("insights:page")}"' in page
    for name in ("start", "end", "area", "technician", "customer", "contract", "kind"):
        assert f'name="{name}"' in page


def test_the_backlog_and_the_low_hour_banks_link_to_the_desks_pages(manager_client):
    ticket(opened=at(0, 8))
    low = factories.ServiceContractFactory(hour_bank=True, customer__name="Bassi Alberghi")

    response = manager_client.get(reverse("insights:page"))

    page = response.content.decode()
    assert reverse("insights:rows", args=["backlog"]) + "?" in page
    assert reverse("desk:contract", args=[low.pk]) in page
    assert "Bassi Alberghi" in page  # the customer column, the managers' page's only


def test_the_rows_of_a_figure_are_those_it_counts(manager_client):
    _history()

    response = manager_client.get(
        reverse("insights:rows", args=["first_time_fix"]), {**WEEK, "part": "fixed"}
    )

    assert response.status_code == 200
    assert response.context["total"] == 1
    assert [v.outcome for v in response.context["rows"]] == [Visit.Outcome.FIXED]


def test_an_unknown_figure_is_not_found(manager_client):
    response = manager_client.get(reverse("insights:rows", args=["nonsense"]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"start": "2026-02-01", "end": "2026-01-01"}, "Until: The last day is before the first."),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "Choose a period of two years at most."),
        ({"start": "yesterday"}, "From: Enter a valid date."),
        ({"technician": "999999"}, "That technician does not exist."),
    ],
)
def test_bad_filters_are_named(manager_client, query, words):
    response = manager_client.get(reverse("insights:page"), query)

    assert response.status_code == 400
    assert words in response.content.decode()


def test_the_query_count_does_not_grow_with_the_history(
    manager_client, django_assert_max_num_queries
):
    _history(1)
    with django_assert_max_num_queries(25) as few:
        manager_client.get(reverse("insights:page"), WEEK)
    _history(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = manager_client.get(reverse("insights:page"), WEEK)
    assert response.status_code == 200


def test_the_default_period_ends_today(manager_client):
    response = manager_client.get(reverse("insights:page"))
    assert response.context["end"] == timezone.localdate()


def test_the_rows_of_a_figure_download_as_csv(manager_client):
    _history()

    response = manager_client.get(
        reverse("insights:export_rows", args=["first_time_fix", "csv"]), {**WEEK, "part": "fixed"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="first_time_fix.csv"'
    lines = response.content.decode().splitlines()
    assert len(lines) == 2  # the header and the one visit fixed first time
    assert lines[0].startswith("id,ticket,customer,technician,status,outcome")
    assert ",fixed," in lines[1]


def test_the_tickets_of_a_figure_download_as_xlsx(manager_client):
    ticket(opened=at(0, 8))
    ticket(opened=at(1, 8))
    ticket(opened=at(1, 9), status=Ticket.Status.CLOSED)

    response = manager_client.get(reverse("insights:export_rows", args=["backlog", "xlsx"]))

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("number", "customer", "kind")
    assert len(rows) == 3  # the header and the two tickets still open


def test_exported_cells_that_look_like_formulas_stay_text(manager_client):
    factories.CustomerFactory(name='=HYPERLINK("http://evil")')
    factories.CustomerFactory(name="@SUM(A1)")
    factories.CustomerFactory(name="Plain Name")

    csv_file = manager_client.get(reverse("insights:export_objects", args=["customers", "csv"]))
    xlsx_file = manager_client.get(reverse("insights:export_objects", args=["customers", "xlsx"]))

    text = csv_file.content.decode()
    assert "'=HYPERLINK" in text
    assert "'@SUM(A1)" in text
    assert ",Plain Name," in text
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_file.content))
    names = [row[2] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(['\'=HYPERLINK("http://evil")', "'@SUM(A1)", "Plain Name"])


def test_an_unknown_export_is_not_found(manager_client):
    assert (
        manager_client.get(reverse("insights:export_objects", args=["secrets", "csv"])).status_code
        == 404
    )
    assert (
        manager_client.get(reverse("insights:export_objects", args=["parts", "pdf"])).status_code
        == 404
    )
