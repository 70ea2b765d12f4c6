"""seed_demo's workshop: orders along the bench, loans out, one overdue; twice adds nothing."""

from __future__ import annotations

from demo.depot import PATHS, seed_depot
from depot import selectors
from depot.models import LoanerUnit, RepairOrder
from tests import factories


def test_the_demo_fills_the_workshop_and_the_loaner_pool_once(db):
    for _ in range(len(PATHS)):
        factories.new_visit()  # a visit makes its ticket triaged

    assert seed_depot() == len(PATHS)
    assert seed_depot() == 0

    assert RepairOrder.objects.count() == len(PATHS)
    assert len({o.status for o in RepairOrder.objects.all()}) == len(PATHS)
    assert LoanerUnit.objects.count() == 6
    assert selectors.loans_out().count() >= 2
    assert selectors.overdue_loans().count() == 1
