"""A small, believable day of work for the browser tests that look at whole pages (the README's
screenshots, the pages in each language): a dispatcher, four technicians with Italian names, seven
customers in Rome, and tomorrow's visits in every state, with the queue still holding four."""

from __future__ import annotations

import pytest

from customers.models import ApplianceModel
from dispatch.services import assign_visit
from tests.factories import (
    ApplianceFactory,
    ApplianceModelFactory,
    CustomerFactory,
    ErrorCodeFactory,
    PartFactory,
    SiteFactory,
    TechnicianFactory,
    UserFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import finish_visit, tomorrow_at
from tickets.services import transition_visit

TECHNICIANS = [
    ("Marco", "Rossi", "Roma Nord"),
    ("Luca", "Ferrari", "Roma Sud"),
    ("Giulia", "Conti", "Roma Nord"),
    ("Paolo", "Greco", "Fiumicino"),
]
CUSTOMERS = [
    ("Anna Colombo", "Via Appia Nuova 112"),
    ("Giorgio Ricci", "Viale Marconi 45"),
    ("Elena Romano", "Via Nomentana 230"),
    ("Davide Moretti", "Piazza Bologna 8"),
    ("Chiara Galli", "Via Cassia 901"),
    ("Stefano Bruno", "Via Tiburtina 77"),
    ("Francesca Leone", "Via Ostiense 150"),
]


@pytest.fixture
def day():
    """Tomorrow: the technician's app shows it, and nothing in it depends on the hour now."""
    return tomorrow_at(8).date()


@pytest.fixture
def company(day):
    """A dispatcher, four technicians, seven customers and a day of visits in every state."""
    UserFactory(username="dispatcher", role="dispatcher", first_name="Sofia", last_name="Marchetti")
    techs = [
        TechnicianFactory(
            user__username="tech" if n == 0 else f"tech-{n}",
            user__first_name=first,
            user__last_name=last,
            region=region,
        )
        for n, (first, last, region) in enumerate(TECHNICIANS)
    ]
    washer = ApplianceModelFactory(manufacturer="Bosch", model_number="WAN28208IT")
    dishwasher = ApplianceModelFactory(
        manufacturer="Miele",
        model_number="G 7110 SC",
        category=ApplianceModel.Category.DISHWASHER,
    )
    pump = PartFactory(name="Drain pump", sku="BSH-00145")
    ErrorCodeFactory(
        manufacturer="Bosch",
        code="F21",
        title="Drum does not turn",
        probable_cause="Motor brushes worn or tacho generator faulty",
        fix_steps="Check the motor brushes; measure the tacho coil (170-230 ohm).",
    )
    ErrorCodeFactory(
        manufacturer="Bosch",
        code="E18",
        title="Water not draining",
        probable_cause="Blocked pump filter or a failed drain pump",
        fix_steps="Empty the filter; if the pump hums without turning, replace it.",
    ).parts.add(pump)
    ErrorCodeFactory(
        manufacturer="Miele",
        category=ApplianceModel.Category.DISHWASHER,
        code="F11",
        title="Drain fault",
        probable_cause="Kinked drain hose or a blocked non-return valve",
    )
    customer_user = UserFactory(
        username="customer", role="customer", first_name="Anna", last_name="Colombo"
    )
    appliances = []
    for n, (name, address) in enumerate(CUSTOMERS):
        customer = CustomerFactory(name=name, user=customer_user if n == 0 else None)
        site = SiteFactory(customer=customer, address=address, city="Roma")
        appliances.append(ApplianceFactory(site=site, model=dishwasher if n % 3 == 2 else washer))

    def ticket(n: int, codes: list[str], description: str, priority: int = 3):
        return open_ticket(
            appliance=appliances[n], codes=codes, description=description, priority=priority
        )

    def planned(n, codes, description, tech, hour, minute=0, priority=3):
        visit = new_visit(
            ticket(n, codes, description, priority),
            window_start=tomorrow_at(hour),
            window_end=tomorrow_at(hour + 2),
        )
        return assign_visit(visit=visit, technician=tech, start=tomorrow_at(hour, minute), by=None)

    marco, luca, giulia, paolo = techs
    # Marco's day, the one his phone shows: one done, one under way, two still to come.
    finish_visit(planned(4, ["E18"], "Water stays in the drum after the wash.", marco, 8, 15))
    on_site = planned(1, ["F21"], "Drum does not turn, clicking noise.", marco, 10, 30, 2)
    on_site = transition_visit(visit=on_site, to="en_route", by=None, confirm_not_today=True)
    on_site = transition_visit(visit=on_site, to="on_site", by=None)
    planned(2, ["F11"], "Dishwasher stops with F11.", marco, 13)
    planned(3, [], "Yearly maintenance.", marco, 15, 30)
    # The others' days.
    transition_visit(
        visit=planned(0, ["E18"], "Leaks under the door.", luca, 9),
        to="en_route",
        by=None,
        confirm_not_today=True,
    )
    planned(3, ["F21"], "Noisy spin.", luca, 13, 30)
    planned(6, ["F11"], "Will not drain.", giulia, 8, 30, 1)
    planned(1, [], "Install the new washing machine.", giulia, 10, 30)
    planned(5, [], "Second visit: fit the pump.", paolo, 14)
    # The queue: waiting for a technician.
    new_visit(ticket(2, ["F11", "F99"], "Error F11 after every cycle.", 1))
    new_visit(ticket(3, ["E18"], "Water on the floor.", 2))
    new_visit(ticket(5, [], "Door seal torn.", 4))
    new_visit(ticket(6, ["F21"], "Drum stuck.", 3))
    return {"techs": techs, "on_site": on_site, "anna": appliances[0]}
