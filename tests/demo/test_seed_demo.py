import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from catalog.models import Article, ErrorCode
from customers.models import Customer
from dispatch.rules import ensure_can_do, ensure_free, ensure_in_working_hours
from technicians.models import Technician
from tickets.models import Ticket, Visit

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_a_believable_company_and_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (
        Ticket.objects.count(),
        Customer.objects.count(),
        Technician.objects.count(),
        ErrorCode.objects.count(),
        Visit.objects.count(),
        User.objects.count(),
        Article.objects.count(),
    )

    call_command("seed_demo")

    assert counts == (
        Ticket.objects.count(),
        Customer.objects.count(),
        Technician.objects.count(),
        ErrorCode.objects.count(),
        Visit.objects.count(),
        User.objects.count(),
        Article.objects.count(),
    )
    assert Article.objects.filter(visibility="public").count() >= 3
    assert all(a.error_codes.exists() for a in Article.objects.all())
    # The 200 of the blocks; demo/maintenance.py's preventive plans open their own, and
    # demo/crews.py its two installations.
    assert (
        Ticket.objects.filter(maintenance__isnull=True)
        .exclude(description__startswith="Demo installation:")
        .exclude(customer__external_id__startswith="client-")  # demo/clients.py's
        .count()
        == 200
    )
    assert Technician.objects.count() == 20
    assert ErrorCode.objects.count() >= 150
    portal = Customer.objects.filter(contacts__user__groups__name="customer").distinct()
    assert portal.count() >= 5 + 3  # customer1..5 and the three client companies
    shared = User.objects.get(username="facility-manager")
    assert shared.contacts.count() == 2
    assert all(c.tickets.exists() for c in portal)
    assert all(
        t.user.groups.filter(name="technician").exists()
        for t in Technician.objects.select_related("user")
    )
    assert User.objects.filter(groups__name="dispatcher").count() >= 2
    output = capsys.readouterr().out
    assert "dispatcher1" in output
    assert "tech0-01" in output
    assert "customer1" in output


def test_seeded_visits_never_overlap_and_match_skills():
    call_command("seed_demo")

    scheduled = Visit.objects.filter(status="scheduled").select_related("technician", "ticket")
    assert scheduled.exists()
    for visit in scheduled:
        ensure_free(visit.technician, visit.planned_start, visit.planned_end, ignoring=visit)
        ensure_in_working_hours(visit.technician, visit.planned_start, visit.planned_end)
        ensure_can_do(visit.technician, visit.ticket, on=visit.planned_start.date())


def test_scale_adds_blocks_without_touching_existing_ones():
    call_command("seed_demo")
    call_command("seed_demo", "--scale", "2")

    assert (
        Ticket.objects.filter(maintenance__isnull=True)
        .exclude(description__startswith="Demo installation:")
        .exclude(customer__external_id__startswith="client-")  # demo/clients.py's
        .count()
        == 400
    )
    assert Technician.objects.count() == 40


@pytest.mark.django_db(transaction=True)
def test_blocks_written_by_two_processes_make_a_whole_company_once():
    for role in ("dispatcher", "technician", "customer"):  # an earlier flush may have cleared them
        Group.objects.get_or_create(name=role)
    call_command("seed_demo", "--scale", "3", "--workers", "2")
    blocks = (
        Ticket.objects.filter(maintenance__isnull=True)
        .exclude(description__startswith="Demo installation:")  # demo/crews.py's
        .exclude(customer__external_id__startswith="client-")  # demo/clients.py's
    )
    clients = Customer.objects.filter(external_id__startswith="client-")
    counts = (
        blocks.count(),
        Technician.objects.count(),
        Customer.objects.count() - clients.count(),
    )

    call_command("seed_demo", "--scale", "3", "--workers", "2")

    assert counts == (600, 60, 900)
    assert (
        blocks.count(),
        Technician.objects.count(),
        Customer.objects.count() - clients.count(),
    ) == counts
    assert clients.count() == 3  # once, however many runs
    last_of_each_block = User.objects.filter(username__endswith="-20")
    assert set(last_of_each_block.values_list("username", flat=True)) == {
        "tech0-20",
        "tech1-20",
        "tech2-20",
    }
    # Each ticket's status was written with its row and agrees with its visit.
    for ticket in Ticket.objects.prefetch_related("visits"):
        visits = list(ticket.visits.all())
        expected = {
            (): {"new"},
            ("unassigned",): {"triaged"},
            ("scheduled",): {"scheduled"},
            ("completed",): {"resolved"},
        }[tuple(v.status for v in visits)]
        assert ticket.status in expected


def test_missing_role_groups_are_named_instead_of_failing_halfway():
    Group.objects.filter(name="dispatcher").delete()

    with pytest.raises(CommandError, match="role groups"):
        call_command("seed_demo")
    assert not Ticket.objects.exists()


def test_workers_out_of_range_are_refused_by_name():
    with pytest.raises(CommandError, match="--workers"):
        call_command("seed_demo", "--workers", "0")
    assert not Ticket.objects.exists()
