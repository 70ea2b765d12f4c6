import pytest
from django.contrib.auth.models import Group

from dispatch.services import assign_visit
from fieldservice import roles
from tests.factories import TechnicianFactory, UserFactory, new_visit, open_ticket
from tests.helpers import at
from tickets.selectors import tickets_for, visits_for

pytestmark = pytest.mark.django_db


def test_migration_creates_the_three_groups_with_permissions():
    perms = {
        g.name: set(g.permissions.values_list("codename", flat=True))
        for g in Group.objects.filter(name__in=roles.ROLES)
    }

    assert set(perms) == {"dispatcher", "technician", "customer"}
    assert {"add_ticket", "change_visit", "delete_errorcode", "view_technician"} <= perms[
        "dispatcher"
    ]
    assert "change_visit" in perms["technician"]
    assert "add_ticket" not in perms["technician"]
    assert "view_ticket" in perms["customer"]
    assert "change_visit" not in perms["customer"]


def test_customer_sees_only_their_own_tickets(customer_user):
    own = open_ticket()
    mine = open_ticket(
        appliance=__import__("tests.factories").factories.ApplianceFactory(
            site__customer=customer_user.contacts.get().customer
        )
    )

    assert list(tickets_for(customer_user)) == [mine]
    assert own not in tickets_for(customer_user)


def test_technician_sees_only_tickets_behind_their_visits(technician, next_monday):
    mine = new_visit()
    assign_visit(visit=mine, technician=technician, start=at(next_monday, 9), by=None)
    theirs = new_visit()
    assign_visit(visit=theirs, technician=TechnicianFactory(), start=at(next_monday, 9), by=None)

    assert list(visits_for(technician.user)) == [mine]
    assert list(tickets_for(technician.user)) == [mine.ticket]


def test_user_without_role_sees_nothing(other_company_user):
    open_ticket()

    assert not tickets_for(other_company_user).exists()
    assert not visits_for(other_company_user).exists()


def test_dispatcher_sees_everything(dispatcher):
    open_ticket()
    open_ticket()

    assert tickets_for(dispatcher).count() == 2


def test_inactive_user_holds_no_role():
    user = UserFactory(role="dispatcher", is_active=False)

    assert not roles.has_role(user, roles.DISPATCHER)
