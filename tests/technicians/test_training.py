"""Technicians' training records: kept by office staff in pages, read by dispatchers there and
on the board."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fieldservice.errors import InvalidInput, NotAllowed
from technicians.models import Certification, TrainingRecord
from technicians.services import delete_training_record, save_training_record
from tests.factories import (
    CertificationFactory,
    SkillFactory,
    TechnicianFactory,
    UserFactory,
    new_visit,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def staff(db):
    """Office staff: on the service desk and in the back office."""
    return UserFactory(username="office", role="dispatcher", is_staff=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _record(technician, **kwargs):
    values = {"course": "Heat pumps", "date": TODAY, "trainer": "Daikin Academy"}
    return TrainingRecord.objects.create(technician=technician, **{**values, **kwargs})


def _form(**kwargs):
    return {
        "course": "Induction hobs",
        "date": "2026-02-10",
        "trainer": "Bosch",
        "expires_on": "2028-02-10",
        "notes": "",
        **kwargs,
    }


def test_staff_save_a_record_and_change_it(staff):
    tech = TechnicianFactory()

    record = save_training_record(
        technician=tech, course=" F-gas handling ", date=TODAY, trainer="ACME", by=staff
    )
    save_training_record(
        technician=tech,
        record=record,
        course="F-gas handling",
        date=TODAY,
        expires_on=TODAY + datetime.timedelta(days=730),
        by=staff,
    )

    record.refresh_from_db()
    assert record.course == "F-gas handling"
    assert record.trainer == ""
    assert record.expires_on == datetime.date(2028, 3, 1)
    assert record.updated_by == staff


def test_a_dispatcher_who_is_not_staff_cannot_write(dispatcher):
    tech = TechnicianFactory()
    record = _record(tech)

    with pytest.raises(NotAllowed):
        save_training_record(technician=tech, course="X", date=TODAY, by=dispatcher)
    with pytest.raises(NotAllowed):
        delete_training_record(record=record, by=dispatcher)

    assert TrainingRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"course": "   "}, "course"),
        ({"course": "x" * 201}, "course"),
        ({"expires_on": TODAY - datetime.timedelta(days=1)}, "expires_on"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(staff, changes, field):
    values = {"course": "Heat pumps", "date": TODAY, **changes}

    with pytest.raises(InvalidInput) as refused:
        save_training_record(technician=TechnicianFactory(), by=staff, **values)

    assert refused.value.field == field
    assert not TrainingRecord.objects.exists()


def test_a_record_expires_after_its_day():
    record = TrainingRecord(course="Gas", date=TODAY, expires_on=TODAY)

    assert not record.is_expired_on(TODAY)
    assert record.is_expired_on(TODAY + datetime.timedelta(days=1))
    assert not TrainingRecord(course="Gas", date=TODAY).is_expired_on(datetime.date(2100, 1, 1))


def test_the_page_shows_training_and_certifications_with_expired_ones_marked(dispatcher_client):
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Neri")
    today = timezone.localdate()
    _record(tech, course="Heat pumps", expires_on=today + datetime.timedelta(days=30))
    old = _record(
        tech,
        course="Old boilers",
        date=today - datetime.timedelta(days=800),
        expires_on=today - datetime.timedelta(days=1),
    )
    CertificationFactory(technician=tech, kind=Certification.Kind.GAS, number="GAS-77")

    page = dispatcher_client.get(reverse("desk:training", args=[tech.pk])).text

    assert "Marco Neri" in page
    assert "Heat pumps" in page
    assert "GAS-77" in page
    assert page.count('data-testid="expired"') == 1
    assert f'data-record="{old.pk}"\n              class="expired"' in page


def test_a_dispatcher_reads_but_is_offered_no_forms(dispatcher_client):
    tech = TechnicianFactory()
    record = _record(tech)

    page = dispatcher_client.get(reverse("desk:training", args=[tech.pk])).text
    posted = dispatcher_client.post(reverse("desk:training", args=[tech.pk]), _form())
    edited = dispatcher_client.post(
        reverse("desk:training_record", args=[tech.pk, record.pk]), _form()
    )

    assert "Heat pumps" in page
    assert 'data-testid="training-form"' not in page
    assert (posted.status_code, edited.status_code) == (403, 403)
    assert TrainingRecord.objects.get().course == "Heat pumps"


def test_staff_add_edit_and_delete_in_the_page(staff_client):
    tech = TechnicianFactory()
    url = reverse("desk:training", args=[tech.pk])

    added = staff_client.post(url, _form(), follow=True)
    record = TrainingRecord.objects.get()
    edit_url = reverse("desk:training_record", args=[tech.pk, record.pk])
    form = staff_client.get(edit_url).text
    staff_client.post(edit_url, _form(course="Induction hobs, level 2"))
    record.refresh_from_db()
    changed = record.course
    deleted = staff_client.post(reverse("desk:training_delete", args=[tech.pk, record.pk]))

    assert "Saved: Induction hobs." in added.text
    assert 'value="Induction hobs"' in form
    assert changed == "Induction hobs, level 2"
    assert deleted["Location"] == url
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"course": ""}, "Name the course."),
        ({"date": ""}, "Give the date of the course."),
        ({"date": "not a date"}, "Enter a valid date."),
        ({"expires_on": "2026-01-01"}, "The expiry date cannot be before the date of the course."),
        ({"course": "Gas\x00"}, "Null characters are not allowed."),
    ],
)
def test_bad_input_in_the_page_is_a_400_naming_the_field(staff_client, changes, message):
    tech = TechnicianFactory()

    response = staff_client.post(reverse("desk:training", args=[tech.pk]), _form(**changes))

    assert response.status_code == 400
    assert message in response.text
    assert not TrainingRecord.objects.exists()


def test_unknown_technician_or_record_is_a_404(staff_client):
    tech = TechnicianFactory()
    others = _record(TechnicianFactory())

    assert staff_client.get(reverse("desk:training", args=[999999])).status_code == 404
    assert staff_client.post(reverse("desk:training", args=[999999]), _form()).status_code == 404
    # Another technician's record under this one's address.
    edit = reverse("desk:training_record", args=[tech.pk, others.pk])
    assert staff_client.get(edit).status_code == 404
    assert staff_client.post(edit, _form()).status_code == 404
    delete = reverse("desk:training_delete", args=[tech.pk, others.pk])
    assert staff_client.post(delete).status_code == 404
    assert TrainingRecord.objects.get().course == "Heat pumps"


def test_the_board_shows_what_each_technician_is_trained_on(dispatcher_client):
    today = timezone.localdate()
    tech = TechnicianFactory(skills=[SkillFactory(name="Dishwashers")])
    _record(tech, course="Heat pumps", date=today)
    _record(
        tech,
        course="Lapsed course",
        date=today - datetime.timedelta(days=400),
        expires_on=today - datetime.timedelta(days=1),
    )
    CertificationFactory(technician=tech, kind=Certification.Kind.GAS)

    page = dispatcher_client.get(reverse("dispatch:board")).text

    assert "Dishwashers, Gas / HVAC licence, Heat pumps" in page
    assert "Lapsed course" not in page
    assert reverse("desk:training", args=[tech.pk]) in page


def test_suggestions_say_what_each_technician_was_trained_on(dispatcher_client, next_monday):
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Neri")
    _record(tech, course="Heat pumps", date=next_monday - datetime.timedelta(days=30))
    _record(tech, course="Not yet taken", date=next_monday + datetime.timedelta(days=30))
    visit = new_visit()

    page = dispatcher_client.get(
        reverse("dispatch:suggestions", args=[visit.pk]), {"day": next_monday.isoformat()}
    ).text

    assert "Marco Neri" in page
    assert "Trained on: Heat pumps" in page
    assert "Not yet taken" not in page
