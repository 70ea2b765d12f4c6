"""A feed or an unsubscribe link stops working once its owner's login is deactivated."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch.services import assign_visit
from notifications import services
from notifications.models import Preference
from tests.factories import CustomerFactory, TechnicianFactory, UserFactory, new_visit

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def _tomorrow_at(hour: int) -> datetime.datetime:
    day = timezone.now().astimezone(ROME).date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ROME)


def test_a_deactivated_technicians_feed_answers_nothing(client):
    tech = TechnicianFactory()
    visit = assign_visit(visit=new_visit(), technician=tech, start=_tomorrow_at(9), by=None)
    url = reverse("notifications:feed", args=[services.issue_feed(technician=tech).token])
    customer = visit.ticket.customer.name
    while_employed = client.get(url)
    tech.user.is_active = False
    tech.user.save()

    after = client.get(url)

    assert while_employed.status_code == 200
    assert customer in while_employed.text
    assert after.status_code == 404
    assert customer not in after.text


def test_a_technician_marked_inactive_loses_the_feed_too(client):
    tech = TechnicianFactory()
    url = reverse("notifications:feed", args=[services.issue_feed(technician=tech).token])
    tech.active = False
    tech.save()

    assert client.get(url).status_code == 404


def test_unsubscribe_link_of_a_deactivated_customer_login_is_not_valid(client):
    customer = CustomerFactory(user=UserFactory(is_active=False))
    token = services.unsubscribe_token(customer)

    response = client.post(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 400
    assert "not valid" in response.text
    assert not Preference.objects.exists()


def test_unsubscribe_link_of_a_customer_without_a_login_still_works(client):
    customer = CustomerFactory(user=None)

    response = client.post(
        reverse("notifications:unsubscribe", args=[services.unsubscribe_token(customer)])
    )

    assert response.status_code == 200
    assert Preference.objects.get(customer=customer).email is False
