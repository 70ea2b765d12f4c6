"""What the workshop's tests share: a ticket whose visit found the unit needs the workshop."""

from __future__ import annotations

import pytest

from tests import factories
from tests.helpers import assign_today
from tickets.services import transition_visit


def needs_workshop(technician=None, ticket=None):
    """A ticket whose visit ended "needs workshop" (it opens a repair order)."""
    technician = technician or factories.TechnicianFactory()
    visit = factories.new_visit(ticket or factories.open_ticket(), duration_minutes=60)
    visit = assign_today(visit, technician)
    visit = transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = transition_visit(visit=visit, to="on_site", by=None)
    return transition_visit(
        visit=visit,
        to="cannot_complete",
        outcome="needs_workshop",
        reason="The drum bearing is gone: bench job.",
        by=technician.user,
    )


@pytest.fixture
def workshop_visit(db):
    return needs_workshop()
