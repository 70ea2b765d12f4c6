import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import HourBankEntry
from contracts.services import draw_hours, purchase_hours
from tests.factories import ApplianceFactory, CustomerFactory, ServiceContractFactory, UserFactory

TODAY = timezone.localdate


def bank(**kwargs):
    kwargs.setdefault("hour_bank", True)
    return ServiceContractFactory(**kwargs)


@pytest.mark.django_db
def test_the_list_shows_ending_soonest_first_and_ended_last(dispatcher_client):
    today = TODAY()
    later = bank(number="SC-LATER", ends_on=today + datetime.timedelta(days=300))
    soon = bank(number="SC-SOON", ends_on=today + datetime.timedelta(days=10))
    ended = bank(
        number="SC-ENDED",
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today - datetime.timedelta(days=5),
    )
    purchase_hours(contract=soon, minutes=150, on=today, note="")

    response = dispatcher_client.get(reverse("desk:contracts"))

    assert response.status_code == 200
    listed = [c.number for c in response.context["page"].object_list]
    assert listed == [soon.number, later.number, ended.number]
    assert response.context["page"].object_list[0].minutes_left == 150
    assert "2:30 h" in response.content.decode()


@pytest.mark.django_db
def test_the_list_searches_number_and_customer(dispatcher_client):
    bank(number="SC-ALPHA", customer=CustomerFactory(name="Rossi Bar"))
    bank(number="SC-BETA", customer=CustomerFactory(name="Verdi Hotel"))

    by_name = dispatcher_client.get(reverse("desk:contracts"), {"q": "verdi"})
    by_number = dispatcher_client.get(reverse("desk:contracts"), {"q": "alpha"})

    assert [c.number for c in by_name.context["page"].object_list] == ["SC-BETA"]
    assert [c.number for c in by_number.context["page"].object_list] == ["SC-ALPHA"]


@pytest.mark.django_db
def test_the_list_is_paged_and_its_links_keep_the_search(dispatcher_client, monkeypatch):
    monkeypatch.setattr("contracts.views.PAGE_SIZE", 2)
    for n in range(3):
        bank(number=f"SC-ROSSI-{n}", customer=CustomerFactory(name="Rossi Bar"))
    bank(number="SC-VERDI", customer=CustomerFactory(name="Verdi Hotel"))

    first = dispatcher_client.get(reverse("desk:contracts"), {"q": "rossi"}).content.decode()
    second = dispatcher_client.get(
        reverse("desk:contracts"), {"q": "rossi", "page": "2"}
    ).content.decode()

    assert "?q=rossi&amp;page=2" in first
    assert "Page 1 of 2" in first
    assert "?q=rossi&amp;page=1" in second  # back
    assert "Page 2 of 2" in second


@pytest.mark.django_db
def test_the_list_reads_a_flat_number_of_queries(dispatcher_client, django_assert_max_num_queries):
    for _ in range(3):
        purchase_hours(contract=bank(), minutes=60, on=TODAY(), note="")
    dispatcher_client.get(reverse("desk:contracts"))  # warm the session and caches

    with django_assert_max_num_queries(8) as few:
        dispatcher_client.get(reverse("desk:contracts"))
    for _ in range(10):
        purchase_hours(contract=bank(), minutes=60, on=TODAY(), note="")
    with django_assert_max_num_queries(len(few.captured_queries)):
        dispatcher_client.get(reverse("desk:contracts"))


@pytest.mark.django_db
def test_the_page_shows_the_ledger_with_its_running_balance(dispatcher_client):
    contract = bank(number="SC-LEDGER", parts_included=True)
    appliance = ApplianceFactory(contract=contract)
    today = TODAY()
    purchase_hours(contract=contract, minutes=600, on=today, note="Order 17")
    draw_hours(contract=contract, minutes=50, on=today, note="T-000001")

    response = dispatcher_client.get(reverse("desk:contract", args=[contract.pk]))

    assert response.status_code == 200
    balances = [line.balance for line in response.context["ledger"]]
    assert balances == [600, 540]
    page = response.content.decode()
    assert "Order 17" in page
    assert "T-000001" in page
    assert "10:00 h bought, 1:00 h used, 9:00 h left." in page
    assert str(appliance) in page


@pytest.mark.django_db
def test_recording_bought_hours_keeps_who(dispatcher_client, dispatcher):
    contract = bank()

    response = dispatcher_client.post(
        reverse("desk:contract_purchase", args=[contract.pk]),
        {"hours": "2.5", "on": TODAY().isoformat(), "note": "Invoice 44"},
    )

    assert response.status_code == 302
    entry = HourBankEntry.objects.get(contract=contract)
    assert (entry.kind, entry.minutes, entry.note, entry.created_by) == (
        HourBankEntry.Kind.PURCHASE,
        150,
        "Invoice 44",
        dispatcher,
    )
    assert entry.history.get().history_user == dispatcher


@pytest.mark.django_db
def test_an_adjustment_without_a_reason_is_refused_beside_the_field(dispatcher_client):
    contract = bank()

    response = dispatcher_client.post(
        reverse("desk:contract_adjust", args=[contract.pk]),
        {"hours": "-1", "on": TODAY().isoformat(), "reason": ""},
    )

    assert response.status_code == 400
    assert "reason" in response.context["adjustment_form"].errors
    page = response.content.decode()
    adjustment = page.split('data-testid="adjustment-form"')[1].split("</form>")[0]
    purchase = page.split('data-testid="purchase-form"')[1].split("</form>")[0]
    assert 'class="errorlist"' in adjustment  # shown in the form that was sent
    assert 'class="errorlist"' not in purchase
    assert 'name="reason"' in adjustment
    assert not HourBankEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("hours", ["0", "abc", "99999999", "0.001"])
def test_bad_hours_are_refused_naming_the_field(dispatcher_client, hours):
    contract = bank()

    response = dispatcher_client.post(
        reverse("desk:contract_purchase", args=[contract.pk]),
        {"hours": hours, "on": TODAY().isoformat()},
    )

    assert response.status_code == 400
    assert "hours" in response.context["purchase_form"].errors
    assert not HourBankEntry.objects.exists()


@pytest.mark.django_db
def test_a_contract_without_a_bank_refuses_a_purchase_with_a_message(dispatcher_client):
    contract = ServiceContractFactory(hour_bank=False, number="SC-PLAIN")

    response = dispatcher_client.post(
        reverse("desk:contract_purchase", args=[contract.pk]),
        {"hours": "1", "on": TODAY().isoformat()},
    )

    assert response.status_code == 400
    assert "SC-PLAIN has no bank" in response.content.decode()
    assert not HourBankEntry.objects.exists()


@pytest.mark.django_db
def test_an_adjustment_is_recorded_with_its_reason(dispatcher_client, dispatcher):
    contract = bank()
    purchase_hours(contract=contract, minutes=120, on=TODAY(), note="")

    dispatcher_client.post(
        reverse("desk:contract_adjust", args=[contract.pk]),
        {"hours": "-0.5", "on": TODAY().isoformat(), "reason": "Drawn twice"},
    )

    entry = HourBankEntry.objects.get(kind=HourBankEntry.Kind.ADJUSTMENT)
    assert (entry.minutes, entry.note, entry.history.get().history_user) == (
        -30,
        "Drawn twice",
        dispatcher,
    )


@pytest.mark.django_db
def test_the_portal_shows_the_customers_own_contracts_with_hours_and_visits(client):
    user = UserFactory(role="customer")
    mine = bank(customer=CustomerFactory(user=user), number="SC-MINE", included_visits_per_year=4)
    bank(number="SC-THEIRS")
    purchase_hours(contract=mine, minutes=240, on=TODAY(), note="")
    draw_hours(contract=mine, minutes=60, on=TODAY(), note="")
    client.force_login(user)

    listing = client.get(reverse("portal:contracts")).content.decode()
    page = client.get(reverse("portal:contract", args=[mine.pk])).content.decode()

    assert "SC-MINE" in listing
    assert "SC-THEIRS" not in listing
    assert "4:00 h bought, 1:00 h used, 3:00 h left." in listing
    assert "4 of 4 included visits left this contract year." in page
    assert "3:00 h left in the bank" in page


@pytest.mark.django_db
def test_another_customers_contract_is_404_in_the_portal(client):
    user = UserFactory(role="customer")
    CustomerFactory(user=user)
    theirs = bank()
    client.force_login(user)

    assert client.get(reverse("portal:contract", args=[theirs.pk])).status_code == 404
