"""A client organization's administrator's figures: their organization's service only (first-time
fix, SLA, time to repair, visits, backlog, hour banks), never another organization's, no
technician's name and no money of the contractor's; the organization in use decides; other
contacts are refused; a query count that does not grow with the history."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from customers.models import Contact, Customer
from insights import kpis
from tests import factories
from tickets.models import Ticket, Visit

from .history import at, ticket, visit

pytestmark = pytest.mark.django_db

WEEK = {"start": "2026-01-05", "end": "2026-01-11"}
URL = reverse("insights:organization")


def company(name: str) -> Customer:
    return factories.CustomerFactory(name=name, kind=Customer.Kind.COMPANY)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def appliance_of(customer: Customer):
    return factories.ApplianceFactory(site=factories.SiteFactory(customer=customer))


def a_tech():
    return factories.TechnicianFactory(
        region="North", user__first_name="Giulia", user__last_name="Tecnicorossi"
    )


def history(customer: Customer, *, fixed: int, not_fixed: int) -> None:
    """`fixed` tickets fixed on their first visit, `not_fixed` whose visit could not complete,
    in the week, each visited by a technician of its own (Giulia Tecnicorossi)."""
    for i in range(fixed + not_fixed):
        t = ticket(
            opened=at(0, 8),
            appliance=appliance_of(customer),
            response_due_at=at(0, 12),
            responded_at=at(0, 9),
        )
        status = Visit.Status.COMPLETED if i < fixed else Visit.Status.CANNOT_COMPLETE
        visit(t, a_tech(), start=at(1, 9), status=status)


@pytest.fixture
def acme():
    return company("Acme Offices")


@pytest.fixture
def admin_user(acme):
    return factories.ContactFactory(customer=acme, role=Contact.Role.ADMINISTRATOR).user


def test_the_administrator_sees_their_organizations_figures_only(acme, admin_user):
    history(acme, fixed=1, not_fixed=1)  # 50 %
    history(company("Other Corp"), fixed=3, not_fixed=0)  # would make it 80 %

    response = signed_in(admin_user).get(URL, WEEK)

    assert response.status_code == 200
    found = response.context["found"]
    assert found.first_time_fix == kpis.Share(1, 2)
    assert found.sla.response == kpis.Share(2, 2)
    assert found.visits == kpis.VisitCounts(completed=1, not_completed=1)
    page = response.content.decode()
    assert 'data-testid="first-time-fix">50.0 %<' in page
    assert 'data-testid="visits-made">2<' in page
    assert "Acme Offices" in page
    assert "Other Corp" not in page
    # Its filters are the period, the kind of job and the category: no customer to choose.
    assert f'action="{URL}"' in page
    assert 'name="kind"' in page
    assert 'name="category"' in page
    assert 'name="customer"' not in page
    # No technician, no money, no link to the staff's lists of rows.
    assert "Giulia" not in page
    assert "Tecnicorossi" not in page
    assert reverse("insights:rows", args=["first_time_fix"]) not in page
    assert not hasattr(found, "revenue_by_kind")
    assert not hasattr(found, "utilization")


def test_the_backlog_and_hour_banks_are_the_organizations(acme, admin_user):
    ticket(opened=at(0, 8), appliance=appliance_of(acme))
    ticket(opened=at(0, 8), appliance=appliance_of(acme), status=Ticket.Status.CLOSED)
    ticket(opened=at(0, 8), appliance=appliance_of(company("Other Corp")))
    mine = factories.ServiceContractFactory(customer=acme, hour_bank=True)
    theirs = factories.ServiceContractFactory(customer=company("Third Ltd"), hour_bank=True)

    response = signed_in(admin_user).get(URL)

    found = response.context["found"]
    assert sum(n for _key, _label, n in found.backlog) == 1
    assert [c.pk for c in found.hour_banks] == [mine.pk]
    page = response.content.decode()
    assert theirs.number not in page
    # The same tables as the managers' page, but the contract is the portal's page and the
    # backlog's counts link to no staff list of rows.
    assert reverse("portal:contract", args=[mine.pk]) in page
    assert reverse("desk:contract", args=[mine.pk]) not in page
    assert reverse("insights:rows", args=["backlog"]) not in page


def test_the_organization_in_use_decides_and_its_other_contacts_are_refused(acme, admin_user):
    other = company("Zeta Hotels")
    factories.ContactFactory(customer=other, role=Contact.Role.REQUESTER, user=admin_user)
    client = signed_in(admin_user)
    assert client.get(URL).status_code == 200  # Acme, the first by name

    client.post(reverse("portal:organization"), {"organization": other.pk})

    assert client.get(URL).status_code == 403  # a requester at Zeta Hotels
    for role in (Contact.Role.REQUESTER, Contact.Role.APPROVER):
        user = factories.ContactFactory(customer=acme, role=role).user
        assert signed_in(user).get(URL).status_code == 403


def test_a_staff_member_or_a_technician_is_refused(dispatcher_client):
    assert dispatcher_client.get(URL).status_code == 403
    assert signed_in(a_tech().user).get(URL).status_code == 403


def test_a_bad_period_is_a_400_with_the_reason(admin_user):
    response = signed_in(admin_user).get(URL, {"start": "2026-02-01", "end": "2026-01-01"})

    assert response.status_code == 400
    assert response.context["error"]


def test_the_query_count_does_not_grow_with_the_history(
    acme, admin_user, django_assert_max_num_queries
):
    client = signed_in(admin_user)
    history(acme, fixed=1, not_fixed=0)
    with django_assert_max_num_queries(30) as few:
        client.get(URL, WEEK)
    history(acme, fixed=5, not_fixed=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL, WEEK).status_code == 200
