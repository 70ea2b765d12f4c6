import datetime

import pytest

from contracts.selectors import hour_balance
from demo.contracts import seed_contracts
from tests.factories import ServiceContractFactory

TODAY = datetime.date(2026, 6, 1)


@pytest.mark.django_db
def test_the_demo_has_a_low_bank_one_ending_soon_and_runs_once():
    contracts = [
        ServiceContractFactory(
            number=f"SC-0000-000{i}",
            starts_on=TODAY - datetime.timedelta(days=100),
            ends_on=TODAY + datetime.timedelta(days=300),
        )
        for i in range(3)
    ]

    assert seed_contracts(today=TODAY) == 3
    assert seed_contracts(today=TODAY) == 0

    for c in contracts:
        c.refresh_from_db()
    low = hour_balance(contracts[0], TODAY)
    assert low.left < contracts[0].low_balance_minutes
    assert (low.bought, low.used) == (600, 540)
    assert contracts[1].ends_on <= TODAY + datetime.timedelta(days=30)
    assert hour_balance(contracts[2], TODAY).left == 600 - 105 - 60 + 60
