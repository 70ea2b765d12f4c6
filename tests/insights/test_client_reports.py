"""The client report (/portal/reports/): the figures of a small hand-built history whose right
answers are counted in the comments, the CSV and PDF downloads, who may see it (an
administrator of the organization in use, and no one's rows but theirs), and a query count
that does not grow with the rows."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pypdf
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Invoice
from contracts.models import HourBankEntry
from customers.models import Customer
from insights.reports import documents, selectors
from insights.reports.forms import PeriodForm, last_month
from tests import factories
from tests.billing.helpers import ensure_rates_and_company
from tests.helpers import ROME
from tickets.models import Ticket, Visit

from .history import ticket, visit

pytestmark = pytest.mark.django_db

SOFIA = "Europe/Sofia"
JANUARY = {"start": "2026-01-01", "end": "2026-01-31"}


def on(month: int, day: int, hour: int, minute: int = 0, tz=ROME) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=tz)


def december(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2025, 12, day, hour, tzinfo=ROME)


@pytest.fixture(autouse=True)
def february():
    """Every test runs on 10 February 2026: "last month" is January, and the SLA clocks of
    January's tickets are decided."""
    with time_machine.travel(on(2, 10, 10), tick=False):
        yield


def _ticket(site, opened, **fields) -> Ticket:
    return ticket(opened=opened, appliance=factories.ApplianceFactory(site=site), **fields)


def _invoice(customer, number, issued_on, gross, *, paid="0", stamp="0", **fields) -> Invoice:
    return Invoice.objects.create(
        company=ensure_rates_and_company("IT"),
        customer=customer,
        status=Invoice.Status.ISSUED,
        number=number,
        issued_on=issued_on,
        gross_total=Decimal(gross),
        stamp_duty=Decimal(stamp),
        paid_total=Decimal(paid),
        **fields,
    )


@pytest.fixture
def acme():
    """Acme's January, two sites (Rome, and Sofia an hour ahead), against one other company.

    Tickets (P = priority):
      t1 P1 opened 5 Jan, answered and resolved in time -> opened, resolved, both clocks met
      t2 P3 opened 10 Jan, answered late, unresolved past due -> opened, open at the end,
         both clocks missed (a breach)
      t3 P3 opened 20 Dec, resolved 3 Jan -> resolved only (its SLA is December's)
      t4 P2 opened 28 Dec, still in progress -> open at the end only
      t5 P4 opened 20 Jan, cancelled -> opened only (no SLA, not open)
      t6 P1 opened 2 Feb -> nothing
    Visits: t1 5 Jan 10:00 Rome 90 min (Marco); t2 12 Jan 09:00 Sofia 45 min (Elena);
      a cancelled one in January and one on 3 Feb leave no row.
    Hours: 600 bought, drawn 90 and 45 in January (60 in February), 30 adjusted in January:
      used 2:15 in January, 7:15 left at its end.
    Invoices: 2026/1 on 15 Jan 122.00 paid; 2026/2 on 20 Jan 50.00 + 2.00 stamp, unpaid;
      a February one and a draft leave no row.
    """
    org = factories.CustomerFactory(name="Acme", kind=Customer.Kind.COMPANY)
    admin = factories.ContactFactory(customer=org, role="administrator")
    rome = factories.SiteFactory(customer=org, address="Via Po 1")
    sofia = factories.SiteFactory(
        customer=org, address='=HYPERLINK("http://x")', city="Sofia", timezone=SOFIA
    )
    marco = factories.TechnicianFactory(user__first_name="Marco")
    elena = factories.TechnicianFactory(user__first_name="Elena")

    t1 = _ticket(
        rome,
        on(1, 5, 8),
        priority=1,
        response_due_at=on(1, 5, 10),
        responded_at=on(1, 5, 9),
        sla_due_at=on(1, 7, 8),
        resolved_at=on(1, 6, 10),
        status=Ticket.Status.RESOLVED,
    )
    t2 = _ticket(
        sofia,
        on(1, 10, 8),
        priority=3,
        response_due_at=on(1, 10, 12),
        responded_at=on(1, 10, 14),
        sla_due_at=on(1, 15, 8),
        status=Ticket.Status.SCHEDULED,
    )
    _ticket(
        rome,
        december(20, 8),
        priority=3,
        resolved_at=on(1, 3, 10),
        status=Ticket.Status.CLOSED,
    )
    _ticket(rome, december(28, 8), priority=2, status=Ticket.Status.IN_PROGRESS)
    _ticket(rome, on(1, 20, 8), priority=4, status=Ticket.Status.CANCELLED)
    t6 = _ticket(rome, on(2, 2, 8), priority=1)

    visit(t1, marco, start=on(1, 5, 10), minutes=90)
    visit(
        t2, elena, start=on(1, 12, 9, tz=datetime.timezone(datetime.timedelta(hours=2))), minutes=45
    )
    visit(t2, marco, start=on(1, 14, 10), status=Visit.Status.CANCELLED)
    visit(t6, marco, start=on(2, 3, 10))

    contract = factories.ServiceContractFactory(
        customer=org,
        hour_bank=True,
        starts_on=datetime.date(2025, 6, 1),
        ends_on=datetime.date(2026, 5, 31),
    )
    for kind, minutes, day in (
        ("purchase", 600, datetime.date(2025, 6, 1)),
        ("draw", -90, datetime.date(2026, 1, 5)),
        ("draw", -45, datetime.date(2026, 1, 12)),
        ("adjustment", -30, datetime.date(2026, 1, 20)),
        ("draw", -60, datetime.date(2026, 2, 3)),
    ):
        HourBankEntry.objects.create(contract=contract, kind=kind, minutes=minutes, on=day)

    _invoice(org, "2026/1", datetime.date(2026, 1, 15), "122.00", paid="122.00")
    _invoice(org, "2026/2", datetime.date(2026, 1, 20), "50.00", stamp="2.00")
    _invoice(org, "2026/9", datetime.date(2026, 2, 1), "10.00")
    Invoice.objects.create(company=ensure_rates_and_company("IT"), customer=org)

    other = _other_company()
    return {"org": org, "admin": admin, "contract": contract, "other": other, "t2": t2}


def _other_company():
    """Beta, with its own ticket, visit, bank and invoice in January: none of it is Acme's."""
    beta = factories.CustomerFactory(name="Beta", kind=Customer.Kind.COMPANY)
    site = factories.SiteFactory(customer=beta, address="Via Beta 9")
    t = _ticket(site, on(1, 6, 8), priority=1)
    visit(t, factories.TechnicianFactory(user__first_name="Bruno"), start=on(1, 6, 10))
    c = factories.ServiceContractFactory(
        customer=beta,
        number="SC-BETA",
        hour_bank=True,
        starts_on=datetime.date(2025, 6, 1),
        ends_on=datetime.date(2026, 5, 31),
    )
    HourBankEntry.objects.create(
        contract=c, kind="draw", minutes=-600, on=datetime.date(2026, 1, 6)
    )
    _invoice(beta, "2026/BETA", datetime.date(2026, 1, 16), "999.00")
    return {"customer": beta, "ticket": t}


def _january() -> selectors.Period:
    form = PeriodForm(JANUARY)
    assert form.is_valid(), form.errors
    return form.period()


def _client(client, user):
    client.force_login(user)
    return client


def test_the_figures_of_the_hand_built_history(acme):
    found = selectors.client_report(organization=acme["org"], period=_january(), now=on(2, 10, 10))

    assert (found.opened, found.resolved, found.open_at_end) == (3, 2, 2)
    by_priority = {r.priority: (r.opened, r.resolved, r.open_at_end) for r in found.by_priority}
    assert by_priority == {1: (1, 1, 0), 2: (0, 0, 1), 3: (1, 1, 1), 4: (1, 0, 0)}
    assert (found.response.part, found.response.whole) == (1, 2)
    assert (found.resolution.part, found.resolution.whole) == (1, 2)
    assert [b.ticket.pk for b in found.breaches] == [acme["t2"].pk]
    assert found.breaches[0].response_missed
    assert found.breaches[0].resolution_missed
    # Sofia is an hour ahead of Rome: opened 08:00 in Rome is 09:00 there.
    assert found.breaches[0].opened == datetime.datetime(2026, 1, 10, 9, 0)
    assert [(v.started, v.technician, v.minutes) for v in found.visits] == [
        (datetime.datetime(2026, 1, 5, 10, 0), "Marco", 90),
        (datetime.datetime(2026, 1, 12, 9, 0), "Elena", 45),
    ]
    assert [(h.contract.number, h.used, h.left) for h in found.hours] == [
        (acme["contract"].number, 135, 435)
    ]
    assert [(i.invoice.number, i.total, i.paid) for i in found.invoices] == [
        ("2026/1", Decimal("122.00"), True),
        ("2026/2", Decimal("52.00"), False),
    ]


def test_the_page_shows_last_month_by_default(client, acme):
    response = _client(client, acme["admin"].user).get(reverse("reports:report"))

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.period.first, report.period.last) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 1, 31),
    )
    page = response.content.decode()
    assert 'data-testid="opened">3<' in page
    assert 'data-testid="open-at-end">2<' in page
    assert "50.0 %" in page
    assert "Marco" in page
    assert "Elena" in page
    assert "2:15" in page
    assert "7:15" in page
    assert "2026/2" in page
    assert "Not paid" in page
    assert "Bruno" not in page
    assert "2026/BETA" not in page
    assert "SC-BETA" not in page


def test_last_month_crosses_the_year():
    assert last_month(datetime.date(2026, 1, 15)) == (
        datetime.date(2025, 12, 1),
        datetime.date(2025, 12, 31),
    )
    assert last_month(datetime.date(2024, 3, 1)) == (
        datetime.date(2024, 2, 1),
        datetime.date(2024, 2, 29),
    )


@pytest.mark.parametrize(
    ("query", "days"),
    [
        ({}, ("2026-01-01", "2026-01-31")),
        ({"start": "2026-01-10"}, ("2026-01-10", "2026-01-31")),
        ({"start": "2026-02-05"}, ("2026-02-05", "2026-02-05")),
        ({"end": "2026-01-20"}, ("2026-01-01", "2026-01-20")),
        ({"end": "2025-11-30"}, ("2025-11-30", "2025-11-30")),
    ],
)
def test_a_day_left_out_is_taken_from_last_month(query, days):
    form = PeriodForm(query)

    assert form.is_valid(), form.errors
    period = form.period()
    assert (str(period.first), str(period.last)) == days
    # Local days of the company (Rome): January starts at 23:00 UTC the day before.
    assert form.period().start.hour == 23


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"start": "2026-13-01"}, "From: Enter a valid date."),
        ({"start": "2026-01-31", "end": "2026-01-01"}, "The last day is before the first."),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "two years at most"),
        ({"start": "1990-01-01", "end": "1990-01-02"}, "between 2000 and 2100"),
    ],
)
def test_bad_dates_are_refused_with_a_clear_message(client, acme, query, words):
    user = acme["admin"].user
    for name in ("reports:report", "reports:pdf"):
        response = _client(client, user).get(reverse(name), query)

        assert response.status_code == 400
        assert words in response.content.decode()


def test_the_tickets_csv_lists_the_period_s_tickets_with_formulas_as_text(client, acme):
    response = _client(client, acme["admin"].user).get(
        reverse("reports:csv", args=["tickets"]), JANUARY
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Number", "Opened", "Priority"]
    # t1 to t5, oldest first; not t6 (February) nor Beta's.
    assert len(rows) == 6
    assert [r[1] for r in rows[1:]] == [
        "2025-12-20 08:00",
        "2025-12-28 08:00",
        "2026-01-05 08:00",
        "2026-01-10 09:00",  # Sofia's clock
        "2026-01-20 08:00",
    ]
    sofia = rows[4]
    assert sofia[4] == '\'=HYPERLINK("http://x"), Sofia'
    assert sofia[6] == "2026-01-10 15:00"  # answered at 14:00 in Rome


def test_the_visits_csv_lists_date_site_first_name_and_minutes(client, acme):
    response = _client(client, acme["admin"].user).get(
        reverse("reports:csv", args=["visits"]), JANUARY
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == [
        ["2026-01-05", rows[1][1], "Via Po 1, Rome", "Marco", "10:00", "90"],
        [
            "2026-01-12",
            acme["t2"].number,
            '\'=HYPERLINK("http://x"), Sofia',
            "Elena",
            "09:00",
            "45",
        ],
    ]


def test_an_unknown_kind_of_rows_is_a_404(client, acme):
    response = _client(client, acme["admin"].user).get(
        reverse("reports:csv", args=["invoices"]), JANUARY
    )

    assert response.status_code == 404


def test_the_pdf_holds_the_figures_in_the_contact_s_language(client, acme):
    response = _client(client, acme["admin"].user).get(reverse("reports:pdf"), JANUARY)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Acme" in text
    assert "Marco" in text
    assert "Elena" in text
    assert "2026/2" in text
    assert "2:15" in text
    assert "50.0 %" in text
    assert "Bruno" not in text


def test_the_pdf_s_page_is_rendered_in_the_language_asked_for(acme):
    found = selectors.client_report(organization=acme["org"], period=_january(), now=on(2, 10, 10))

    html = documents.as_html(found, language="it")

    assert '<html lang="it">' in html
    # Italian money and the Sofia site's wall clock, whatever the reader's zone.
    assert "52,00\xa0€" in html
    assert "09:00" in html


@pytest.mark.parametrize("role", ["requester", "approver"])
def test_requesters_and_approvers_are_refused(client, acme, role):
    contact = factories.ContactFactory(customer=acme["org"], role=role)
    user_client = _client(client, contact.user)

    for name, args in (("reports:report", []), ("reports:csv", ["tickets"]), ("reports:pdf", [])):
        assert user_client.get(reverse(name, args=args), JANUARY).status_code == 403


def test_another_organization_s_administrator_sees_only_theirs(client, acme):
    beta_admin = factories.ContactFactory(customer=acme["other"]["customer"], role="administrator")
    user_client = _client(client, beta_admin.user)

    page = user_client.get(reverse("reports:report"), JANUARY).content.decode()
    tickets = user_client.get(reverse("reports:csv", args=["tickets"]), JANUARY)
    visits = user_client.get(reverse("reports:csv", args=["visits"]), JANUARY)

    assert "2026/BETA" in page
    assert "Bruno" in page
    assert "Marco" not in page
    assert "2026/2" not in page
    assert acme["contract"].number not in page
    rows = list(csv.reader(io.StringIO(tickets.content.decode())))
    assert [r[0] for r in rows[1:]] == [acme["other"]["ticket"].number]
    assert "Marco" not in visits.content.decode()


def test_the_organization_in_use_decides_for_a_contact_of_two(client, acme):
    # Beta's administrator is also Acme's requester: with Acme in use, the report is refused.
    beta_admin = factories.ContactFactory(customer=acme["other"]["customer"], role="administrator")
    factories.ContactFactory(customer=acme["org"], user=beta_admin.user, role="requester")
    user_client = _client(client, beta_admin.user)
    user_client.post(reverse("portal:organization"), {"organization": acme["org"].pk})

    assert user_client.get(reverse("reports:report"), JANUARY).status_code == 403

    user_client.post(reverse("portal:organization"), {"organization": acme["other"]["customer"].pk})
    page = user_client.get(reverse("reports:report"), JANUARY).content.decode()
    assert "Bruno" in page
    assert "Marco" not in page


def test_a_plain_customer_sees_only_their_household(client, acme):
    user = factories.UserFactory(role="customer")
    factories.CustomerFactory(user=user)

    response = _client(client, user).get(reverse("reports:report"), JANUARY)

    assert response.status_code == 200
    assert response.context["report"].opened == 0
    assert "Marco" not in response.content.decode()


def test_the_navigation_links_the_report_for_administrators_only(client, acme):
    link = f'href="{reverse("reports:report")}"'
    admin_page = _client(client, acme["admin"].user).get(reverse("portal:home"))
    requester = factories.ContactFactory(customer=acme["org"], role="requester")
    requester_page = _client(client, requester.user).get(reverse("portal:home"))

    assert link in admin_page.content.decode()
    assert link not in requester_page.content.decode()


def _queries(user_client, name, args=()) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert user_client.get(reverse(name, args=args), JANUARY).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_rows(client, acme):
    user_client = _client(client, acme["admin"].user)
    names = (("reports:report", ()), ("reports:csv", ("tickets",)), ("reports:csv", ("visits",)))
    before = [_queries(user_client, n, a) for n, a in names]

    site = factories.SiteFactory(customer=acme["org"], timezone=SOFIA)
    tech = factories.TechnicianFactory(user__first_name="Nina")
    for i in range(5):
        t = _ticket(site, on(1, 21 + i, 8), priority=2, sla_due_at=on(1, 21 + i, 9))
        visit(t, tech, start=on(1, 21 + i, 10))
        _invoice(acme["org"], f"2026/{10 + i}", datetime.date(2026, 1, 21 + i), "10.00")
    after = [_queries(user_client, n, a) for n, a in names]

    assert _queries(user_client, "reports:report") > 0
    assert after == before
