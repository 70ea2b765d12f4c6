"""What portal/services.py promises a customer, to the word: the messages they read, the skills
a booking needs, links signed as sent emails carry them, the settings' fallbacks, and all or
nothing when a later step of a sign-up or a resend fails (issue 29, the mutation survivors)."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import signing
from django.utils import timezone

from customers.models import Customer, Site
from dispatch.services import assign_visit
from fieldservice.errors import (
    DomainError,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
    WindowTaken,
)
from portal import events, services
from portal.models import SignUp
from tests.factories import (
    ApplianceFactory,
    ApplianceModelFactory,
    CustomerFactory,
    ErrorCodeFactory,
    SiteFactory,
    SkillFactory,
    TechnicianFactory,
    new_visit,
)
from tests.helpers import at
from tickets.models import Ticket, TicketEvent, Visit

pytestmark = pytest.mark.django_db


class Fails(DomainError):
    code = "test_failure"


def _fail(**_kwargs):
    raise Fails("a later step failed")


def _sign_up(**changes):
    return services.sign_up(
        **{
            "email": "giulia@example.com",
            "password": "a-long-pass-42",
            "name": "Giulia Bianchi",
            "address": "Via Roma 1",
            "city": "Rome",
            "phone": "+39 312 345 6789",
            "latitude": 41.9,
            "longitude": 12.5,
            **changes,
        }
    )


def _job(appliance, **changes):
    return {
        "customer": appliance.site.customer,
        "site": appliance.site,
        "kind": "repair",
        "appliance": appliance,
        **changes,
    }


def _week_after(next_monday):
    return next_monday + datetime.timedelta(days=7)  # well before the 24-hour cut-off


def _booked(next_monday):
    TechnicianFactory()
    appliance = ApplianceFactory()
    return services.book_visit(**_job(appliance, window_start=at(_week_after(next_monday), 10)))[1]


# Sign-up


def test_a_sign_up_whose_confirmation_email_fails_leaves_no_account_behind():
    events.confirmation_requested.connect(_fail, weak=False, dispatch_uid="test-fail")
    try:
        with pytest.raises(Fails):
            _sign_up()
    finally:
        events.confirmation_requested.disconnect(dispatch_uid="test-fail")

    assert not User.objects.exists()
    assert not Customer.objects.exists()
    assert not Site.objects.exists()
    assert not SignUp.objects.exists()


def test_a_sign_up_without_postcode_country_or_language_gets_italy_and_the_default_language(
    settings,
):
    customer = _sign_up(phone="312 345 6789")  # no country code: the address's country, Italy

    site = customer.sites.get()
    assert (site.postal_code, site.country) == ("", "IT")
    assert str(customer.phone) == "+393123456789"
    assert customer.language == settings.LANGUAGE_CODE
    assert list(customer.contacts.get().user.groups.values_list("name", flat=True)) == ["customer"]


def test_a_number_without_its_country_code_is_read_as_the_addresss_country():
    customer = _sign_up(phone="612 34 56 78", country="es")

    assert str(customer.phone) == "+34612345678"
    assert customer.sites.get().country == "ES"


def test_a_name_of_only_spaces_leaves_the_logins_first_name_blank():
    customer = _sign_up(name="   ")

    assert customer.contacts.get().user.first_name == ""


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("  ", "Give a phone number, so the technician can call you."),
        (
            "12",
            "That phone number is not valid: type it with its country code, like +39 312 345 6789.",
        ),
    ],
)
def test_a_missing_or_impossible_phone_number_is_refused_in_those_words(phone, message):
    with pytest.raises(InvalidInput) as refused:
        _sign_up(phone=phone)

    assert (refused.value.field, refused.value.message) == ("phone", message)
    assert not User.objects.exists()


# Confirming the address and asking for the email again


def test_a_confirmation_link_signed_as_sent_emails_carry_it_still_confirms():
    pending = SignUp.objects.get(customer=_sign_up())
    sent = signing.dumps({"sign_up": pending.pk}, salt="portal.confirm-email")

    assert services.confirmation_token(pending) == sent
    assert services.confirm_email(token=sent).confirmed_at is not None


def test_a_bad_expired_or_closed_confirmation_link_says_so_in_those_words():
    customer = _sign_up()
    token = services.confirmation_token(SignUp.objects.get(customer=customer))
    sent = timezone.now()

    with pytest.raises(InvalidInput) as forged:
        services.confirm_email(token=token[:-2] + "xx")
    with (
        time_machine.travel(sent + datetime.timedelta(days=8)),
        pytest.raises(InvalidInput) as expired,
    ):
        services.confirm_email(token=token)
    User.objects.filter(username="giulia@example.com").update(is_active=False)
    with pytest.raises(InvalidInput) as closed:
        services.confirm_email(token=token)

    assert forged.value.message == closed.value.message == "This link is not valid."
    assert expired.value.message == "This link has expired. Log in and ask for a new one."


def test_a_confirmed_address_is_not_sent_the_email_again():
    customer = _sign_up()
    services.confirm_email(token=services.confirmation_token(SignUp.objects.get()))

    with (
        time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)),
        pytest.raises(InvalidInput) as refused,
    ):
        services.resend_confirmation(customer=customer)

    assert refused.value.message == "Your email address is confirmed already."


def test_the_email_is_sent_again_exactly_one_minute_later_not_a_second_before():
    customer = _sign_up()
    sent = SignUp.objects.get(customer=customer).link_sent_at

    with (
        time_machine.travel(sent + datetime.timedelta(seconds=59, microseconds=999999), tick=False),
        pytest.raises(InvalidInput) as refused,
    ):
        services.resend_confirmation(customer=customer)
    with time_machine.travel(sent + datetime.timedelta(minutes=1), tick=False):
        again = services.resend_confirmation(customer=customer)

    assert refused.value.message == (
        "We sent the email a moment ago: wait a minute before asking again."
    )
    assert again.link_sent_at == sent + datetime.timedelta(minutes=1)
    assert SignUp.objects.get().link_sent_at == again.link_sent_at


def test_a_resend_whose_email_fails_keeps_the_time_the_link_was_last_sent():
    customer = _sign_up()
    sent = SignUp.objects.get(customer=customer).link_sent_at
    events.confirmation_requested.connect(_fail, weak=False, dispatch_uid="test-fail")
    try:
        with (
            time_machine.travel(sent + datetime.timedelta(minutes=2)),
            pytest.raises(Fails),
        ):
            services.resend_confirmation(customer=customer)
    finally:
        events.confirmation_requested.disconnect(dispatch_uid="test-fail")

    assert SignUp.objects.get().link_sent_at == sent


# Booking


def test_a_booking_without_a_description_or_key_opens_a_ticket_each_time(next_monday):
    TechnicianFactory()
    appliance = ApplianceFactory()
    job = _job(appliance)

    first, _ = services.book_visit(**job, window_start=at(_week_after(next_monday), 10))
    second, _ = services.book_visit(**job, window_start=at(_week_after(next_monday), 14))

    assert first != second
    assert first.description == ""


def test_a_job_whose_skill_no_free_technician_has_is_refused_and_writes_nothing(next_monday):
    SkillFactory(code="washers", appliance_category="washing_machine")
    TechnicianFactory()  # free, but without the washers skill
    appliance = ApplianceFactory()

    with pytest.raises(WindowTaken) as refused:
        services.book_visit(**_job(appliance, window_start=at(_week_after(next_monday), 10)))

    assert refused.value.message == "That window is no longer free. Please choose another one."
    assert not Ticket.objects.exists()


def test_a_reported_codes_skill_of_the_appliances_model_is_needed_too(next_monday):
    washers = SkillFactory(code="washers", appliance_category="washing_machine")
    boards = SkillFactory(code="boards")
    TechnicianFactory(skills=[washers])  # no electronics
    appliance = ApplianceFactory()
    ErrorCodeFactory(manufacturer=appliance.model.manufacturer, code="F28", skills=[boards])

    with pytest.raises(WindowTaken, match="no longer free"):
        services.book_visit(
            **_job(appliance, codes=["F28"], window_start=at(_week_after(next_monday), 10))
        )
    able = TechnicianFactory(skills=[washers, boards])
    _, visit = services.book_visit(
        **_job(appliance, codes=["F28"], window_start=at(_week_after(next_monday), 10))
    )

    assert visit.technician == able


def test_when_the_first_technician_offered_was_taken_a_moment_ago_the_next_one_gets_it(
    next_monday, monkeypatch
):
    first, second = TechnicianFactory(), TechnicianFactory()
    start = at(_week_after(next_monday), 10)
    offers = services.availability.offers_for

    def first_offered_though_taken(**kwargs):
        arrival = offers(**kwargs)[0][0]
        return [(arrival, first.pk), (arrival, second.pk)]

    monkeypatch.setattr(services.availability, "offers_for", first_offered_though_taken)
    assign_visit(visit=new_visit(), technician=first, start=start, by=None)  # a moment ago
    _, visit = services.book_visit(**_job(ApplianceFactory(), window_start=start))

    assert visit.technician == second


def test_when_every_technician_offered_was_taken_a_moment_ago_the_booking_says_so(
    next_monday, monkeypatch
):
    technician = TechnicianFactory()
    start = at(_week_after(next_monday), 10)
    monkeypatch.setattr(services.availability, "offers_for", lambda **_kw: [(start, technician.pk)])
    assign_visit(visit=new_visit(), technician=technician, start=start, by=None)

    with pytest.raises(WindowTaken) as taken:
        services.book_visit(**_job(ApplianceFactory(), window_start=start))

    assert taken.value.message == "That window was just taken. Please choose another one."
    assert Ticket.objects.filter(channel=Ticket.Channel.PORTAL).count() == 0


def test_booking_refusals_say_why_in_those_words(next_monday):
    appliance = ApplianceFactory()
    window = at(_week_after(next_monday), 10)
    pending = SignUp.objects.create(customer=appliance.site.customer, link_sent_at=timezone.now())

    with pytest.raises(InvalidInput) as elsewhere:
        services.book_visit(**_job(appliance, customer=CustomerFactory(), window_start=window))
    with pytest.raises(NotAllowed) as unconfirmed:
        services.book_visit(**_job(appliance, window_start=window))
    SignUp.objects.filter(pk=pending.pk).update(confirmed_at=timezone.now())
    with pytest.raises(InvalidInput) as no_window:
        services.book_visit(**_job(appliance, window_start=None))
    with pytest.raises(InvalidInput) as not_offered:
        services.book_visit(**_job(appliance, window_start=window + datetime.timedelta(days=60)))
    with pytest.raises(InvalidInput) as no_appliance:
        services.book_visit(**{**_job(appliance), "appliance": None, "window_start": window})

    assert (elsewhere.value.field, elsewhere.value.message) == (
        "site",
        "Choose one of your own addresses.",
    )
    assert unconfirmed.value.message == (
        "Confirm your email address first: follow the link we emailed you."
    )
    assert (no_window.value.field, no_window.value.message) == (
        "window",
        "Choose one of the windows shown.",
    )
    assert (not_offered.value.field, not_offered.value.message) == (
        "window",
        "That window is not offered: choose one of the windows shown.",
    )
    assert (no_appliance.value.field, no_appliance.value.message) == (
        "appliance",
        "Choose the appliance or the model to install.",
    )
    assert not Ticket.objects.exists()


def test_an_installation_booked_by_model_needs_the_models_category_skill(next_monday):
    dishwashers = SkillFactory(code="dishwashers", appliance_category="dishwasher")
    TechnicianFactory()  # no dishwashers skill
    model = ApplianceModelFactory(category="dishwasher")
    site = SiteFactory()
    job = {
        "customer": site.customer,
        "site": site,
        "kind": "installation",
        "appliance_model": model,
        "window_start": at(_week_after(next_monday), 10),
    }

    with pytest.raises(WindowTaken, match="no longer free"):
        services.book_visit(**job)
    able = TechnicianFactory(skills=[dishwashers])
    ticket, visit = services.book_visit(**job)

    assert (ticket.appliance_model, visit.technician) == (model, able)


def test_windows_are_offered_for_four_weeks_from_today(next_monday):
    first = at(next_monday, 0)

    with time_machine.travel(at(next_monday, 9), tick=False):
        services.ensure_offered(first + datetime.timedelta(days=28, seconds=-1))
        with pytest.raises(InvalidInput, match="not offered"):
            services.ensure_offered(first + datetime.timedelta(days=28))


# Links


def test_links_signed_as_sent_emails_carry_them_still_open_their_visit(next_monday):
    visit = _booked(next_monday)
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.COMPLETED)
    booking = signing.dumps({"visit": visit.pk}, salt="portal.booking", compress=True)
    report = signing.dumps({"visit": visit.pk}, salt="portal.report", compress=True)

    assert services.booking_token(visit) == booking
    assert services.report_token(visit) == report
    assert services.visit_from_token(booking) == visit
    assert services.report_from_token(report) == visit
    with pytest.raises(InvalidInput, match="not valid"):
        services.visit_from_token(report)  # one link is not the other


def test_link_refusals_say_why_in_those_words(next_monday):
    visit = _booked(next_monday)
    booking, report = services.booking_token(visit), services.report_token(visit)
    later = timezone.now() + datetime.timedelta(days=400)

    with pytest.raises(InvalidInput) as bad_booking:
        services.visit_from_token(booking[:-2] + "xx")
    with pytest.raises(InvalidInput) as bad_report:
        services.report_from_token(report[:-2] + "xx")
    with pytest.raises(InvalidInput) as no_report:
        services.report_from_token(report)  # still scheduled: nothing to report yet
    with time_machine.travel(later), pytest.raises(InvalidInput) as old_booking:
        services.visit_from_token(booking)
    with time_machine.travel(later), pytest.raises(InvalidInput) as old_report:
        services.report_from_token(report)
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.COMPLETED)
    visit.ticket.customer.contacts.create(
        user=User.objects.create_user("closed@example.com", is_active=False),
        role="administrator",
    )
    with pytest.raises(InvalidInput) as closed_booking:
        services.visit_from_token(booking)
    with pytest.raises(InvalidInput) as closed_report:
        services.report_from_token(report)
    visit.ticket.delete()
    with pytest.raises(InvalidInput) as gone:
        services.visit_from_token(booking)

    assert {
        bad_booking.value.message,
        bad_report.value.message,
        closed_booking.value.message,
        closed_report.value.message,
    } == {"This link is not valid."}
    assert no_report.value.message == "This visit has no service report."
    assert old_booking.value.message == "This link has expired. Log in to manage your booking."
    assert old_report.value.message == (
        "This link has expired. Log in to see your service reports."
    )
    assert gone.value.message == "This booking no longer exists."


def test_the_links_last_as_many_days_as_set_and_thirty_and_a_year_without_a_setting(
    next_monday, settings
):
    visit = _booked(next_monday)
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.COMPLETED)
    booking, report = services.booking_token(visit), services.report_token(visit)
    now = timezone.now()
    unset = {
        k: v
        for k, v in settings.FIELDSERVICE.items()
        if k not in ("BOOKING_LINK_DAYS", "REPORT_LINK_DAYS")
    }

    settings.FIELDSERVICE = {**unset, "BOOKING_LINK_DAYS": 2, "REPORT_LINK_DAYS": 3}
    with time_machine.travel(now + datetime.timedelta(days=2, minutes=1)):
        with pytest.raises(InvalidInput, match="expired"):
            services.visit_from_token(booking)
        assert services.report_from_token(report) == visit
    with (
        time_machine.travel(now + datetime.timedelta(days=3, minutes=1)),
        pytest.raises(InvalidInput, match="expired"),
    ):
        services.report_from_token(report)
    settings.FIELDSERVICE = unset
    with time_machine.travel(now + datetime.timedelta(days=30, minutes=1)):
        with pytest.raises(InvalidInput, match="expired"):
            services.visit_from_token(booking)
        assert services.report_from_token(report) == visit
    with (
        time_machine.travel(now + datetime.timedelta(days=365, minutes=1)),
        pytest.raises(InvalidInput, match="expired"),
    ):
        services.report_from_token(report)


# The change cut-off, rescheduling and cancelling


def test_the_cut_off_is_the_hours_set_or_twenty_four_without_a_setting_and_names_the_phone(
    next_monday, settings
):
    visit = _booked(next_monday)
    start = visit.window_start
    unset = {
        k: v
        for k, v in settings.FIELDSERVICE.items()
        if k not in ("CHANGE_CUTOFF_HOURS", "COMPANY_PHONE")
    }

    settings.FIELDSERVICE = {**unset, "CHANGE_CUTOFF_HOURS": 48, "COMPANY_PHONE": "+39 06 555 0101"}
    with time_machine.travel(start - datetime.timedelta(hours=48, seconds=-1), tick=False):
        with_phone = services.change_refusal(visit)
    with time_machine.travel(start - datetime.timedelta(hours=48), tick=False):
        assert services.change_refusal(visit) is None
    settings.FIELDSERVICE = unset
    with time_machine.travel(start - datetime.timedelta(hours=24), tick=False):
        assert services.change_refusal(visit) is None
    with time_machine.travel(start - datetime.timedelta(hours=24, seconds=-1), tick=False):
        without_phone = services.change_refusal(visit)

    assert with_phone == (
        "Changes are possible up to 48 hours before the visit. Please call us on 06 555 0101."
    )
    assert without_phone == (
        "Changes are possible up to 24 hours before the visit. Please call us."
    )


def test_a_reschedule_takes_the_skills_the_desk_set_on_the_ticket(next_monday):
    visit = _booked(next_monday)
    gas = SkillFactory(code="gas")
    visit.ticket.required_skills.set([gas])  # the desk found it is the gas valve

    with pytest.raises(WindowTaken) as refused:
        services.reschedule_booking(
            visit=visit, window_start=visit.window_start + datetime.timedelta(hours=4)
        )
    able = TechnicianFactory(skills=[gas])
    moved = services.reschedule_booking(
        visit=visit, window_start=visit.window_start + datetime.timedelta(hours=4)
    )

    assert refused.value.message == "That window is no longer free. Please choose another one."
    assert moved.technician == able


def test_a_cancelled_booking_records_that_the_customer_cancelled_it(next_monday):
    visit = _booked(next_monday)

    cancelled = services.cancel_booking(visit=visit)

    assert cancelled.status == Visit.Status.CANCELLED
    event = TicketEvent.objects.get(
        ticket=visit.ticket, kind=TicketEvent.Kind.STATUS, to_value=Ticket.Status.CANCELLED
    )
    assert event.reason == "Cancelled by the customer"


def test_a_visit_past_the_cut_off_cannot_be_cancelled_and_says_whom_to_call(next_monday, settings):
    visit = _booked(next_monday)
    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "CHANGE_CUTOFF_HOURS": 24 * 30,
        "COMPANY_PHONE": "+39 06 555 0101",
    }

    with pytest.raises(TransitionNotAllowed) as refused:
        services.cancel_booking(visit=visit)

    assert refused.value.message == (
        "Changes are possible up to 720 hours before the visit. Please call us on 06 555 0101."
    )
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED
