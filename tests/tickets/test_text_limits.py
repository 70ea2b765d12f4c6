"""Every service that stores free text refuses text past its limit (fieldservice.texts),
naming the field and the limit, and writes nothing; text at the limit is kept. Pages, the API
and the phone all reach these services, so none of them can store a 2 MB description."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from customers.models import Site
from customers.services import add_site
from dispatch.services import assign_visit, unassign_visit
from fieldservice import texts
from fieldservice.errors import InvalidInput
from tests.factories import ApplianceFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import assign_today, tomorrow_at
from tickets import services
from tickets.models import JobEntry, Ticket, TicketEvent, Visit, VisitPhoto

pytestmark = pytest.mark.django_db
WRITTEN = [Site, Ticket, TicketEvent, Visit, JobEntry, VisitPhoto]
# Where the services keep the free text they take: the text at its limit must be found whole.
STORED = [
    (Ticket, "description"),
    (TicketEvent, "reason"),
    (Visit, "outcome_notes"),
    (JobEntry, "text"),
    (VisitPhoto, "caption"),
    (Site, "access_notes"),
]


def rows() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in WRITTEN}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def scheduled() -> Visit:
    return assign_today(new_visit(), TechnicianFactory())


def noted(visit: Visit) -> Visit:
    """The work noted, as a repair needs before it is completed."""
    services.record_entry(visit=visit, text="Pump replaced", by=None)
    return visit


def en_route() -> Visit:
    return services.transition_visit(visit=scheduled(), to="en_route", by=None)


def _open(text: str) -> object:
    appliance = ApplianceFactory()
    return services.open_ticket(
        customer=appliance.site.customer,
        site=appliance.site,
        appliance=appliance,
        description=text,
    )


# (what, the call given the text, the field named, the limit)
CALLS = [
    ("open a ticket", _open, "description", texts.DESCRIPTION),
    (
        "change a description",
        lambda text: services.update_ticket(ticket=open_ticket(), by=None, description=text),
        "description",
        texts.DESCRIPTION,
    ),
    (
        "move a ticket",
        lambda text: services.transition_ticket(
            ticket=open_ticket(), to="cancelled", by=None, reason=text
        ),
        "reason",
        texts.REASON,
    ),
    (
        "escalate",
        lambda text: services.escalate(ticket=open_ticket(), by=None, reason=text),
        "reason",
        texts.REASON,
    ),
    (
        "cancel a visit",
        lambda text: services.transition_visit(
            visit=new_visit(), to="cancelled", by=None, reason=text
        ),
        "reason",
        texts.REASON,
    ),
    (
        "complete a visit with notes",
        lambda text: services.transition_visit(
            visit=noted(services.transition_visit(visit=en_route(), to="on_site", by=None)),
            to="completed",
            by=None,
            reason=text,
        ),
        "reason",
        texts.REASON,
    ),
    (
        "note the work",
        lambda text: services.record_entry(visit=en_route(), text=text, by=None),
        "text",
        texts.NOTE,
    ),
    (
        "caption a photo",
        lambda text: services.add_photo(visit=en_route(), upload=photo(), caption=text),
        "caption",
        texts.CAPTION,
    ),
    (
        # 21:00 is past the technician's working hours, so the override is used and kept.
        "override the working hours",
        lambda text: assign_visit(
            visit=new_visit(),
            technician=TechnicianFactory(),
            start=tomorrow_at(21),
            by=None,
            override_reason=text,
        ),
        "override_reason",
        texts.REASON,
    ),
    (
        "take a visit off a day",
        lambda text: unassign_visit(visit=scheduled(), by=None, reason=text),
        "reason",
        texts.REASON,
    ),
    (
        "add a site",
        lambda text: add_site(
            customer=ApplianceFactory().site.customer,
            address="Via Roma 1",
            city="Rome",
            latitude=41.9,
            longitude=12.5,
            access_notes=text,
        ),
        "access_notes",
        texts.ACCESS_NOTES,
    ),
]
IDS = [what for what, *_ in CALLS]


@pytest.mark.parametrize(("what", "call", "field", "limit"), CALLS, ids=IDS)
def test_text_past_its_limit_is_refused_naming_the_field_and_the_limit(what, call, field, limit):
    text = "x" * (limit + 1)

    with pytest.raises(InvalidInput) as refused:
        call(text)

    assert refused.value.field == field
    assert f"At most {limit} characters" in refused.value.message


@pytest.mark.parametrize(("what", "call", "field", "limit"), CALLS, ids=IDS)
def test_text_at_its_limit_is_kept(what, call, field, limit):
    text = "x" * limit

    call(text)

    assert any(model.objects.filter(**{column: text}).exists() for model, column in STORED), what


def test_a_refused_description_writes_nothing():
    appliance = ApplianceFactory()
    before = rows()

    with pytest.raises(InvalidInput):
        services.open_ticket(
            customer=appliance.site.customer,
            site=appliance.site,
            appliance=appliance,
            description="x" * 2_000_000,
        )

    assert rows() == before


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (["E1"] * (texts.CODES + 1), f"At most {texts.CODES} error codes"),
        (["E" * 31], "At most 30"),
    ],
)
def test_too_many_or_too_long_error_codes_are_refused_naming_them(codes, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        open_ticket(codes=codes)

    assert refused.value.field == "codes"
