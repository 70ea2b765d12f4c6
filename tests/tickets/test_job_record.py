import base64
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from fieldservice.errors import InvalidInput, TransitionNotAllowed
from tests.factories import (
    ApplianceFactory,
    CustomerFactory,
    PartFactory,
    TechnicianFactory,
    UserFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import assign_today, two_copies_at_once
from tickets import services
from tickets.models import JobEntry, PartUsed, RepairOption, VisitPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def on_site(technician):
    visit = assign_today(new_visit(), technician)
    visit = services.transition_visit(visit=visit, to="en_route", by=None)
    return services.transition_visit(visit=visit, to="on_site", by=None)


def png_data_url() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_notes_parts_and_options_are_recorded_once_per_key(client, technician, on_site):
    client.force_login(technician.user)
    url = reverse("tech:record", args=[on_site.pk])
    part = PartFactory(name="Drain pump")

    for _ in range(2):  # the phone replays: same keys, recorded once
        client.post(
            url, {"what": "note", "kind": "finding", "text": "Pump blocked", "client_key": "k-note"}
        )
        client.post(url, {"what": "part", "part": part.pk, "quantity": 2, "client_key": "k-part"})
        client.post(
            url, {"what": "option", "text": "Replace pump", "price": "85.00", "client_key": "k-opt"}
        )

    assert JobEntry.objects.get().text == "Pump blocked"
    assert PartUsed.objects.get().quantity == 2
    option = RepairOption.objects.get()
    client.post(url, {"what": "choose", "option": option.pk})
    option.refresh_from_db()
    assert option.decision == RepairOption.Decision.CHOSEN


def test_nothing_is_recorded_before_the_technician_sets_off(technician):
    visit = assign_today(new_visit(), technician)

    with pytest.raises(TransitionNotAllowed, match="on the way"):
        services.record_entry(visit=visit, text="early", by=None)


def test_signature_is_stored_as_a_png_and_junk_is_refused(client, technician, on_site):
    client.force_login(technician.user)
    url = reverse("tech:record", args=[on_site.pk])

    junk = client.post(
        url,
        {
            "what": "sign",
            "text": "Giulia",
            "signature": "data:image/png;base64," + base64.b64encode(b"not an image").decode(),
        },
        follow=True,
    )
    client.post(url, {"what": "sign", "text": "Giulia Bianchi", "signature": png_data_url()})

    assert "not a valid image" in junk.text
    on_site.refresh_from_db()
    assert on_site.signature.signed_by == "Giulia Bianchi"
    with on_site.signature.image.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_report_for_the_technician_the_owner_and_nobody_else(client, technician):
    owner = UserFactory(username="owner", role="customer")
    customer = CustomerFactory(user=owner)
    appliance = ApplianceFactory(site__customer=customer)
    visit = assign_today(new_visit(open_ticket(appliance=appliance)), technician)
    visit = services.transition_visit(visit=visit, to="en_route", by=None)
    visit = services.transition_visit(visit=visit, to="on_site", by=None)
    services.record_entry(visit=visit, text="Filter cleaned", by=None)
    services.sign_visit(
        visit=visit, signed_by="Giulia", png=base64.b64decode(png_data_url().split(",", 1)[1])
    )
    services.transition_visit(visit=visit, to="completed", by=None)
    url = reverse("tech:report", args=[visit.pk])

    client.force_login(technician.user)
    as_tech = client.get(url)
    client.force_login(owner)
    as_owner = client.get(url)
    pdf = client.get(url, {"format": "pdf"})
    stranger = UserFactory(username="other-customer", role="customer")
    CustomerFactory(user=stranger)
    client.force_login(stranger)
    as_stranger = client.get(url)

    assert "Filter cleaned" in as_tech.text
    assert "data:image/png;base64," in as_tech.text
    assert as_owner.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert as_stranger.status_code == 404
    assert Group.objects.filter(name="customer").exists()


def test_quantity_out_of_range_is_refused(on_site):
    with pytest.raises(InvalidInput, match="1 to 999"):
        services.use_part(visit=on_site, part=PartFactory(), quantity=0)
    assert not PartUsed.objects.exists()


def test_photos_are_resized_and_lose_their_gps_data(
    client, technician, on_site, django_capture_on_commit_callbacks
):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (41.0, 54.0, 0.0)}  # GPSInfo: where the photo was taken
    raw = io.BytesIO()
    Image.new("RGB", (4000, 3000), "gray").save(raw, "JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(raw.getvalue())).getexif().get(0x8825)
    client.force_login(technician.user)

    with django_capture_on_commit_callbacks(execute=True):  # the worker's task, eager here
        client.post(
            reverse("tech:record", args=[on_site.pk]),
            {
                "what": "photo",
                "text": "Pump",
                "client_key": "k-photo",
                "photo": SimpleUploadedFile("p.jpg", raw.getvalue(), content_type="image/jpeg"),
            },
        )

    photo = on_site.photos.get()
    with photo.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert max(stored.size) == 1600
    assert not stored.getexif()


def test_two_technicians_phones_may_use_the_same_key(on_site):
    colleague = TechnicianFactory()
    theirs = assign_today(new_visit(), colleague)
    theirs = services.transition_visit(visit=theirs, to="en_route", by=None)

    mine = services.record_entry(visit=on_site, text="mine", by=None, client_key="k")
    other = services.record_entry(visit=theirs, text="theirs", by=None, client_key="k")

    assert mine.pk != other.pk
    assert other.text == "theirs"
    assert services.record_entry(visit=on_site, text="again", by=None, client_key="k") == mine


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_one_note_arriving_at_once_make_one_record(on_site):
    """The phone replays its outbox on reconnect and on page load: both copies may arrive
    together. The second waits for the first and gets its record, not a database error."""
    first, second, errors, waited = two_copies_at_once(
        lambda: services.record_entry(visit=on_site, text="pump", by=None, client_key="twice")
    )

    assert waited
    assert errors == []
    assert first.pk == second.pk
    assert JobEntry.objects.filter(client_key="twice").count() == 1


def test_stored_photos_and_signatures_have_names_nobody_can_guess(
    on_site, django_capture_on_commit_callbacks
):
    png = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(png, "PNG")
    jpeg = io.BytesIO()
    Image.new("RGB", (60, 20), "gray").save(jpeg, "JPEG")

    signature = services.sign_visit(visit=on_site, signed_by="Giulia", png=png.getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        added = [
            services.add_photo(
                visit=on_site,
                upload=SimpleUploadedFile("p.jpg", jpeg.getvalue(), content_type="image/jpeg"),
                client_key=key,
            )
            for key in ("k1", "k2")
        ]
    photos = [VisitPhoto.objects.get(pk=p.pk) for p in added]

    names = [Path(f.image.name).stem for f in (signature, *photos)]
    assert len(set(names)) == 3
    assert all(not name.startswith("visit") and len(name) >= 32 for name in names)
