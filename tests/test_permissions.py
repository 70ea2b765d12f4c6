"""Who may open which page: every URL pattern outside the API and the back office, for every
role, on customer A's and technician A's objects. "Another customer" and "another technician"
(B) ask for A's objects, so a page that leaks them shows up here. The pattern list comes from
the URL resolver, so a new page without a row here fails the first test."""

from __future__ import annotations

import datetime
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import iscoroutinefunction
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from djmoney.money import Money
from PIL import Image

from billing.models import Invoice, WorkApproval
from billing.services import add_line, issue_invoice
from billing.services.approvals import approval_token
from billing.services.pricing import save_price_list
from billing.services.quotes import LineInput, create_quote, quote_token, send_quote
from catalog.services import save_article
from depot.models import Loan, LoanerUnit, ManufacturerReturn, RepairUnit
from depot.services import open_repair_order
from desk.models import PendingContact, QuarantinedMail, SavedFilter
from dispatch.models import PlanRun
from dispatch.services import assign_visit
from insights.models import ImportRun
from inventory.models import StockLocation, Supplier
from inventory.services import order_parts
from notifications.services import issue_feed, unsubscribe_token
from portal.models import SignUp
from portal.services import booking_token, confirmation_token, report_token
from technicians.models import TrainingRecord
from tests import factories
from tests.billing.helpers import ensure_rates_and_company
from tests.helpers import at
from tests.plans import a_plan
from tickets.services import (
    IncomingFile,
    add_photo,
    record_entry,
    reply,
    sign_visit,
    transition_visit,
)
from tickets.services.maintenance import generate
from tickets.services.photos import process_photo

ROLES = (
    "anonymous",
    "customer",
    "customer_b",
    "technician",
    "technician_b",
    "dispatcher",
    "staff",
    # Contacts of customer A's organization in each role, and a contact (an administrator) of
    # B's: A's objects are B's contact's 404s, as they are customer B's.
    "requester_a",
    "approver_a",
    "administrator_a",
    "contact_b",
)
# The API has its own matrix (tests/fieldservice/api/test_permissions.py); the back office is
# Django's admin, which checks is_staff and model permissions itself.
SKIPPED_PREFIXES = ("api/", "admin/", "static/")


def _row(
    *,
    anonymous=302,
    customer=403,
    customer_b=None,
    technician=403,
    technician_b=None,
    dispatcher=403,
    staff=403,
    requester_a=None,
    approver_a=None,
    administrator_a=None,
    contact_b=None,
):
    """Expected status per role. By default a page needs a login (anonymous goes to the login
    page) and a role nobody here has (403); B answers like A unless told; A's contacts answer
    like customer A (the administrator of a household) unless told, B's contact like B."""
    customer_b = customer if customer_b is None else customer_b
    return {
        "requester_a": customer if requester_a is None else requester_a,
        "approver_a": customer if approver_a is None else approver_a,
        "administrator_a": customer if administrator_a is None else administrator_a,
        "contact_b": customer_b if contact_b is None else contact_b,
        "anonymous": anonymous,
        "customer": customer,
        "customer_b": customer_b,
        "technician": technician,
        "technician_b": technician if technician_b is None else technician_b,
        "dispatcher": dispatcher,
        "staff": staff,
    }


def _everyone(status):
    return dict.fromkeys(ROLES, status)


LOGGED_IN = _row(customer=200, technician=200, dispatcher=200, staff=200)

# Pattern name -> expected status per role. Pages are fetched with GET; the names in POST_ONLY
# are sent a POST with an empty body, so a role that may act gets as far as the view's answer to
# missing input (400, or a redirect back with a message) and a role that may not is stopped
# before anything is read. Objects in the URL are A's: customer A's ticket, technician A's visit.
# Staff is an is_staff user without a role: the back office and the health page, nothing else.
MATRIX = {
    # Django's own account pages.
    "login": _everyone(200),
    "logout": _everyone(302),
    "password_change": LOGGED_IN,
    "password_change_done": LOGGED_IN,
    "password_reset": _everyone(200),
    "password_reset_done": _everyone(200),
    # The link in a reset email: the token is the key, whoever follows it.
    "password_reset_confirm": _everyone(302),
    "password_reset_complete": _everyone(200),
    # Each role is sent on to its own page (staff to the back office); only a user with no
    # role stays, on the welcome (tests/fieldservice/test_pages.py).
    "home": _row(customer=302, technician=302, dispatcher=302, staff=302),
    "healthz": _everyone(200),
    "favicon": _everyone(200),
    "javascript-catalog": _everyone(200),
    # The language switcher: anyone may choose, and is sent back to the page.
    "set_language": _everyone(302),
    "health": _row(anonymous=404, customer=404, technician=404, dispatcher=404, staff=200),
    # The first line's intake.
    "desk:intake": _row(dispatcher=200),
    "desk:add_appliance": _row(dispatcher=400),
    "desk:add_site": _row(dispatcher=400),
    "desk:place_site": _row(dispatcher=400),
    "desk:customer_search": _row(dispatcher=200),
    "desk:new_caller": _row(dispatcher=400),
    "desk:code_search": _row(dispatcher=200),
    "desk:intake_preview": _row(dispatcher=200),
    # The ticket page and its actions (an empty POST: the priority action's missing field).
    "desk:ticket": _row(dispatcher=200),
    "desk:ticket_action": _row(dispatcher=400),
    # A ticket's conversation and inbound email: the desk's, for dispatchers only.
    "desk:ticket_reply": _row(dispatcher=400),
    "desk:ticket_note": _row(dispatcher=400),
    "desk:mail_pending": _row(dispatcher=200),
    "desk:mail_pending_confirm": _row(dispatcher=400),
    "desk:mail_pending_dismiss": _row(dispatcher=302),
    "desk:mail_quarantine": _row(dispatcher=200),
    "desk:mail_quarantine_raw": _row(dispatcher=200),
    # The knowledge base: the desk and the back office, which keeps the catalog.
    "desk:kb": _row(dispatcher=200, staff=200),
    "desk:kb_new": _row(dispatcher=200, staff=200),
    "desk:kb_detail": _row(dispatcher=200, staff=200),
    "desk:kb_edit": _row(dispatcher=200, staff=200),
    # Solved on the phone: A's ticket, by dispatchers (an empty form goes back with a message).
    "desk:ticket_solve_remotely": _row(dispatcher=302),
    # The tiers' queues and who holds a ticket: without htmx, each form goes back with a
    # message, so a dispatcher's empty POST is a redirect too.
    "desk:queue": _row(dispatcher=200),
    "desk:ticket_take": _row(dispatcher=302),
    "desk:ticket_hand_over": _row(dispatcher=302),
    "desk:ticket_tier": _row(dispatcher=302),
    # Technician A's training: dispatchers read it; only office staff (a dispatcher who is
    # is_staff) write, so a plain dispatcher's POST to delete is refused.
    "desk:training": _row(dispatcher=200),
    "desk:training_record": _row(dispatcher=200),
    "desk:training_delete": _row(),
    # Service contracts at the desk: customer A's contract, dispatchers only; an empty POST
    # is the form's missing hours (400).
    "desk:contracts": _row(dispatcher=200),
    "desk:contract": _row(dispatcher=200),
    "desk:contract_purchase": _row(dispatcher=400),
    "desk:contract_adjust": _row(dispatcher=400),
    # The ticket list, its export and saved filters (the dispatcher's own: A's here).
    "desk:tickets": _row(dispatcher=200),
    "desk:ticket_export": _row(dispatcher=200),
    "desk:ticket_export_xlsx": _row(dispatcher=200),
    "desk:save_filter": _row(dispatcher=400),
    "desk:apply_filter": _row(dispatcher=302),
    "desk:delete_filter": _row(dispatcher=302),
    # The day planner.
    "plan:request": _row(dispatcher=302),
    "plan:detail": _row(dispatcher=200),
    "plan:apply": _row(dispatcher=302),
    # During the day: fit an emergency in now (A's visit is no P1 emergency: refused, 409),
    # re-plan the rest of today; an empty POST goes back with a message.
    "plan:fit_in": _row(dispatcher=409),
    "plan:fit_in_apply": _row(dispatcher=302),
    "plan:rest_of_day": _row(dispatcher=200),
    "plan:rest_of_day_run": _row(dispatcher=200),
    "plan:rest_of_day_apply": _row(dispatcher=302),
    # The day board and the ticket panel.
    "dispatch:board": _row(dispatcher=200),
    "dispatch:board_version": _row(dispatcher=200),
    "dispatch:assign": _row(dispatcher=400),
    "dispatch:unassign": _row(dispatcher=200),
    "dispatch:suggestions": _row(dispatcher=200),
    "dispatch:crew": _row(dispatcher=400),
    "dispatch:panel": _row(dispatcher=200),
    "dispatch:tier": _row(dispatcher=400),
    # The technician's phone: A's visit is a 404 for technician B.
    "tech:today": _row(technician=200),
    "tech:sync": _row(technician=400),
    "tech:service_worker": _everyone(200),
    "tech:offline": _everyone(200),
    "tech:manifest": _everyone(200),
    "tech:job": _row(technician=200, technician_b=404),
    "tech:step": _row(technician=302, technician_b=404),
    "tech:hand_back": _row(technician=302, technician_b=404),
    "tech:record": _row(technician=302, technician_b=404),
    "tech:parts": _row(technician=200, technician_b=404),
    # The finished visit's report: its technician, its customer and dispatchers.
    "tech:report": _row(
        customer=200, customer_b=404, technician=200, technician_b=404, dispatcher=200, staff=404
    ),
    # A finished visit's photo and signature: as its report, and a 404 for everyone else.
    "media:photo": _row(
        anonymous=404,
        customer=200,
        customer_b=404,
        technician=200,
        technician_b=404,
        dispatcher=200,
        staff=404,
    ),
    "media:signature": _row(
        anonymous=404,
        customer=200,
        customer_b=404,
        technician=200,
        technician_b=404,
        dispatcher=200,
        staff=404,
    ),
    # A public reply's file: the desk and the ticket's customer, nobody else.
    "media:attachment": _row(
        anonymous=404,
        customer=200,
        customer_b=404,
        technician=404,
        dispatcher=200,
        staff=404,
    ),
    # The customer portal: A's ticket is a 404 for customer B.
    "portal:home": _row(customer=200),
    # The organizations a contact switches between, and the contacts its administrators keep.
    "portal:organization": _row(customer=200),
    "portal:contacts": _row(customer=200, requester_a=403, approver_a=403),
    "portal:contact_role": _row(customer=400, customer_b=404, requester_a=403, approver_a=403),
    "portal:remove_contact": _row(customer=302, customer_b=404, requester_a=403, approver_a=403),
    # The managers' figures: a dispatcher who is also office staff (tests/insights); a plain
    # dispatcher runs the day, not the books, and staff in no role see no business figures.
    "insights:page": _row(),
    # A client organization's figures about its own service: its administrators (the customer
    # of a household is its own); requesters and approvers are refused below.
    "insights:organization": _row(customer=200),
    "insights:rows": _row(),
    "insights:export_rows": _row(),
    "insights:export_objects": _row(),
    # Importing customers from a file: the managers' too (tests/insights/test_import.py).
    "insights:import": _row(),
    "insights:import_confirm": _row(),
    "insights:import_template": _row(),
    # A confirmed import's progress and result: only its own manager's (another's is a 404,
    # tests/insights/test_import_runs.py).
    "insights:import_run": _row(),
    "portal:signup": _everyone(200),
    "portal:confirm_email": _everyone(200),
    "portal:resend_confirmation": _row(customer=302),
    "portal:add_appliance": _row(customer=200),
    "portal:book": _row(customer=200),
    "portal:code_search": _row(customer=200),
    "portal:ticket": _row(customer=200, customer_b=404),
    # The tracking map's data: the ticket's own customer only.
    "portal:tracking": _row(customer=200, customer_b=404),
    "portal:contracts": _row(customer=200),
    "portal:contract": _row(customer=200, customer_b=404),
    # A public article, for every customer.
    "portal:article": _row(customer=200),
    # Signed links from A's emails: the token is the credential, so no login and no role.
    "portal:manage": _everyone(200),
    "portal:report": _everyone(200),
    "notifications:unsubscribe": _everyone(200),
    "notifications:feed": _everyone(200),
    # Notifications' pages.
    "notifications:manage_feed": _row(technician=302),
    "notifications:preferences": _row(customer=200, technician=200, dispatcher=404, staff=404),
    # Invoices: the office's pages (A's issued invoice; an empty POST goes back with a message,
    # and an issued invoice refuses every change), and the customer's own in the portal.
    "billing:invoices": _row(dispatcher=200),
    "billing:export": _row(dispatcher=200),
    "billing:draft_period": _row(dispatcher=302),
    "billing:invoice": _row(dispatcher=200),
    "billing:pdf": _row(dispatcher=200),
    # The demo company has no VAT number on record: the export names it and goes back.
    "billing:einvoice": _row(dispatcher=302),
    "billing:line_add": _row(dispatcher=302),
    "billing:line_edit": _row(dispatcher=302),
    "billing:line_remove": _row(dispatcher=302),
    "billing:issue": _row(dispatcher=302),
    "billing:payment": _row(dispatcher=302),
    "billing:credit": _row(dispatcher=302),
    "billing:credit_lines": _row(dispatcher=200),
    # No VAT number on record: sending names it and goes back; no receipt, nothing rejected.
    "billing:einvoice_send": _row(dispatcher=302),
    "billing:einvoice_receipt": _row(dispatcher=302),
    "billing:einvoice_reissue": _row(dispatcher=302),
    "billing:email": _row(dispatcher=302),
    "billing:draft_for_ticket": _row(dispatcher=302),
    "portal:invoices": _row(customer=200),
    # The client report (insights/reports): an administrator's own organization's figures, the
    # organization in use only, so B's contact sees B's (never a row of A's: tests/insights).
    "reports:report": _row(customer=200),
    "reports:csv": _row(customer=200),
    "reports:pdf": _row(customer=200),
    "portal:invoice": _row(customer=200, customer_b=404),
    "portal:invoice_pdf": _row(customer=200, customer_b=404),
    # Quotes: the office's pages, the customer's own (another's is a 404), the signed link
    # (whoever holds it), the technician's page for A's visit.
    "billing:quotes": _row(dispatcher=200),
    "billing:quote": _row(dispatcher=200),
    "billing:quote_send": _row(dispatcher=302),
    "billing:quote_new": _row(dispatcher=302),
    "billing:claims": _row(dispatcher=200),
    # Price lists and a visit's labour time: the office's (an empty POST is refused, named in a
    # message, and goes back).
    "billing:price_lists": _row(dispatcher=200),
    "billing:price_list": _row(dispatcher=200),
    "billing:price_list_rate": _row(dispatcher=302),
    "billing:price_list_part": _row(dispatcher=302),
    "billing:labour": _row(dispatcher=200),
    # Skipping a preventive visit from the board: an empty POST (no reason) is refused.
    "dispatch:skip_maintenance": _row(dispatcher=302),
    "portal:quote": _row(customer=200, customer_b=404),
    "portal:quote_link": _everyone(200),
    # A request for A's approval of billable work, through an A approver's signed link.
    "portal:approval": _everyone(200),
    "tech:quote": _row(technician=200, technician_b=404),
    # The workshop: dispatchers and bench technicians (the Workshop group; technician A is
    # not in it); an empty POST is the form's missing input, back with a message.
    "depot:queue": _row(dispatcher=200),
    "depot:order": _row(dispatcher=200),
    "depot:order_step": _row(dispatcher=302),
    "depot:order_add_unit": _row(dispatcher=302),
    "depot:order_use_part": _row(dispatcher=302),
    "depot:unit_rma": _row(dispatcher=302),
    "depot:rma_back": _row(dispatcher=302),
    "depot:unit_refurbished": _row(dispatcher=302),
    "depot:order_new": _row(dispatcher=302),
    "depot:loans": _row(dispatcher=200),
    "depot:lend": _row(dispatcher=302),
    "depot:collect": _row(dispatcher=302),
    # The customer asks for a workshop repair of their own ticket (another's is a 404); an
    # empty POST goes back with the message about the missing handover.
    "portal:repair_request": _row(customer=302, customer_b=404),
    # The loaner of A's ticket, taken back at A's visit by its technician.
    "tech:collect_loaner": _row(technician=302, technician_b=404),
    # Stock: the office's pages, and the technician's own van and confirmation of what was taken.
    "inventory:stock": _row(dispatcher=200),
    "inventory:moves": _row(dispatcher=200),
    "inventory:move": _row(dispatcher=302),
    "inventory:orders": _row(dispatcher=200),
    "inventory:order_new": _row(dispatcher=302),
    "inventory:order": _row(dispatcher=200),
    "inventory:receive": _row(dispatcher=302),
    "inventory:restock": _row(dispatcher=200),
    "tech:van": _row(technician=200),
    "tech:confirm_taken": _row(technician=302, technician_b=404),
}

# A's ticket was not requested by A's requester: its pages are 404s to them, as to another
# organization. Contracts and invoices are the administrators' (403 to the other roles).
for _name in (
    "portal:ticket",
    "portal:tracking",
    "portal:quote",
    "portal:repair_request",
    "tech:report",
    "media:photo",
    "media:signature",
    "media:attachment",
):
    MATRIX[_name]["requester_a"] = 404
for _name in (
    "insights:organization",
    "portal:contracts",
    "portal:contract",
    "portal:invoices",
    "portal:invoice",
    "portal:invoice_pdf",
    "reports:report",
    "reports:csv",
    "reports:pdf",
):
    MATRIX[_name]["requester_a"] = MATRIX[_name]["approver_a"] = 403

POST_ONLY = {
    "portal:contact_role",
    "portal:remove_contact",
    "logout",
    "insights:import_confirm",
    "set_language",
    "desk:add_appliance",
    "desk:add_site",
    "desk:new_caller",
    "desk:ticket_action",
    "desk:ticket_reply",
    "desk:ticket_note",
    "desk:mail_pending_confirm",
    "desk:mail_pending_dismiss",
    "desk:place_site",
    "desk:ticket_solve_remotely",
    "desk:ticket_take",
    "desk:ticket_hand_over",
    "desk:ticket_tier",
    "desk:training_delete",
    "desk:save_filter",
    "desk:delete_filter",
    "plan:request",
    "plan:apply",
    "plan:fit_in_apply",
    "plan:rest_of_day_apply",
    "dispatch:assign",
    "dispatch:unassign",
    "dispatch:crew",
    "dispatch:tier",
    "tech:sync",
    "tech:step",
    "tech:hand_back",
    "tech:record",
    "notifications:manage_feed",
    "portal:resend_confirmation",
    "desk:contract_purchase",
    "desk:contract_adjust",
    "billing:draft_period",
    "billing:line_add",
    "billing:line_edit",
    "billing:line_remove",
    "billing:issue",
    "billing:payment",
    "billing:credit",
    "billing:einvoice_send",
    "billing:einvoice_receipt",
    "billing:einvoice_reissue",
    "billing:email",
    "billing:draft_for_ticket",
    "billing:quote_send",
    "billing:quote_new",
    "billing:price_list_rate",
    "billing:price_list_part",
    "dispatch:skip_maintenance",
    "depot:order_step",
    "depot:order_add_unit",
    "depot:order_use_part",
    "depot:unit_rma",
    "depot:rma_back",
    "depot:unit_refurbished",
    "depot:order_new",
    "depot:lend",
    "depot:collect",
    "portal:repair_request",
    "tech:collect_loaner",
    "inventory:move",
    "inventory:order_new",
    "inventory:receive",
    "tech:confirm_taken",
}
# Where the URL itself is the key: a signed or secret token for A's object, given to A.
TOKEN_LINKS = {
    "password_reset_confirm",
    "portal:confirm_email",
    "portal:manage",
    "portal:report",
    "notifications:unsubscribe",
    "notifications:feed",
    "portal:quote_link",
    "portal:approval",
}
# Patterns whose URL names an object: A's, a plan run, or a signed link to one of A's.
OBJECT_OF = {
    "portal:contact_role",
    "portal:remove_contact",
    "desk:ticket",
    "desk:ticket_action",
    "desk:ticket_reply",
    "desk:ticket_note",
    "media:attachment",
    "desk:ticket_solve_remotely",
    "desk:ticket_take",
    "desk:ticket_hand_over",
    "desk:ticket_tier",
    "desk:training",
    "desk:training_record",
    "desk:training_delete",
    "desk:apply_filter",
    "desk:delete_filter",
    "plan:detail",
    "plan:apply",
    "plan:rest_of_day_run",
    "plan:fit_in",
    "plan:fit_in_apply",
    "dispatch:unassign",
    "dispatch:suggestions",
    "dispatch:crew",
    "desk:place_site",
    "dispatch:panel",
    "dispatch:tier",
    "tech:job",
    "tech:step",
    "tech:hand_back",
    "tech:record",
    "tech:parts",
    "tech:report",
    "media:photo",
    "media:signature",
    "portal:ticket",
    "portal:tracking",
    "desk:contract",
    "desk:contract_purchase",
    "desk:contract_adjust",
    "portal:contract",
    "billing:invoice",
    "billing:pdf",
    "billing:einvoice",
    "billing:line_add",
    "billing:line_edit",
    "billing:line_remove",
    "billing:issue",
    "billing:payment",
    "billing:credit",
    "billing:credit_lines",
    "billing:einvoice_send",
    "billing:einvoice_receipt",
    "billing:einvoice_reissue",
    "billing:email",
    "billing:draft_for_ticket",
    "portal:invoice",
    "portal:invoice_pdf",
    "billing:quote",
    "billing:quote_send",
    "billing:quote_new",
    "portal:quote",
    "tech:quote",
    "billing:labour",
    "depot:order",
    "depot:order_step",
    "depot:order_add_unit",
    "depot:order_use_part",
    "depot:unit_rma",
    "depot:rma_back",
    "depot:unit_refurbished",
    "depot:order_new",
    "depot:collect",
    "portal:repair_request",
    "tech:collect_loaner",
    "inventory:order",
    "inventory:receive",
    "tech:confirm_taken",
    *TOKEN_LINKS,
}
# The pages staff get besides the health page and those open to every signed-in user: the
# knowledge base, which the back office keeps with the rest of the catalog.
BACK_OFFICE_PAGES = {"desk:kb", "desk:kb_new", "desk:kb_detail", "desk:kb_edit"}
# Redirects that are the page's own answer, not the way to the login page.
OWN_REDIRECTS = {"logout", "password_reset_confirm", "set_language"}


def page_patterns() -> dict[str, str]:
    """Every named page outside the API, the back office and static files, read from the URL
    resolver: namespaced name -> route. django.contrib.auth.urls repeats login and logout at the
    paths mounted before it, where the first match answers, so a name counts once."""
    found: dict[str, str] = {}

    def walk(patterns, namespaces, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(p, URLResolver):
                inner = [*namespaces, p.namespace] if p.namespace else namespaces
                walk(p.url_patterns, inner, route)
            elif isinstance(p, URLPattern):
                assert p.name, f"/{route} has no name, so it cannot have a row"
                found.setdefault(":".join([*namespaces, p.name]), route)

    walk(get_resolver().url_patterns, [], "")
    return found


def test_every_page_has_a_row():
    patterns = set(page_patterns())
    assert patterns, "no page patterns found"
    assert patterns - set(MATRIX) == set(), "patterns without a row in the permission matrix"
    assert set(MATRIX) - patterns == set(), "rows for patterns that do not exist"
    assert set(MATRIX) >= POST_ONLY | OBJECT_OF | OWN_REDIRECTS


def test_the_matrix_never_lets_a_wrong_role_or_another_owner_in():
    """The rule the rows keep, so that no row can be "fixed" to what a leak answers: B never
    gets a page about A's objects, and staff get only the health page and the pages open to
    every signed-in user."""
    for name, row in MATRIX.items():
        if name in TOKEN_LINKS:
            continue
        if name in OBJECT_OF:
            assert row["customer_b"] in (403, 404), name
            assert row["contact_b"] in (403, 404), name
            assert row["technician_b"] in (403, 404), name
        if row["staff"] == 200:
            assert (
                name == "health"
                or name in BACK_OFFICE_PAGES
                or row["technician"] == row["dispatcher"] == 200
            ), name


def _approval_link_of(quote) -> str:
    """A request for the approval of the quote's work, and its token for one of the quote's
    organization's administrators."""
    approval = WorkApproval.objects.create(
        quote=quote,
        amount=Money(quote.total, quote.currency),
        limit=Money("10.00", quote.currency),
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    admin = quote.ticket.customer.contacts.filter(role="administrator").first()
    return approval_token(approval, admin)


@pytest.fixture(scope="module")
def pages(shared_world, django_db_blocker, tmp_path_factory):
    """The module's world (see tests/conftest.py) with what the pages also need: a staff user,
    a finished visit of A's with a report, a photo and a signature, a plan run, and A's links
    from emails. The files are in a folder of the module's, returned with the rest."""
    w = shared_world
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        a = w.objs["a"]
        staff = factories.UserFactory(username="staff", is_staff=True)
        prices = save_price_list(name="Default", currency="EUR", is_default=True, by=None)
        plan = a_plan()
        generate(plan_ids=[plan.pk])
        due = plan.occurrences.get()
        quote = create_quote(
            ticket=a["ticket"], by=None, lines=[LineInput(description="Pump", unit_price="85")]
        )
        send_quote(quote=quote, by=None)
        done = factories.new_visit(
            a["ticket"],
            window_start=at(w.day, 14),
            window_end=at(w.day, 16),
            duration_minutes=60,
        )
        done = assign_visit(visit=done, technician=a["technician"], start=at(w.day, 14), by=None)
        done = transition_visit(visit=done, to="en_route", by=None, confirm_not_today=True)
        done = transition_visit(visit=done, to="on_site", by=None)
        image = io.BytesIO()
        Image.new("RGB", (8, 8), "white").save(image, "PNG")
        photo = add_photo(visit=done, upload=SimpleUploadedFile("p.png", image.getvalue()))
        photo = process_photo(photo_id=photo.pk)  # the worker's part, here and now
        sign_visit(visit=done, signed_by="A", png=image.getvalue())
        record_entry(visit=done, kind="work", text="Pump replaced.", by=None)
        done = transition_visit(visit=done, to="completed", by=None)
        run, rest_of_today = (
            PlanRun.objects.create(kind=kind, day=w.day, requested_by=w.users["dispatcher"])
            for kind in PlanRun.Kind.values
        )
        imported = ImportRun.objects.create(
            kind="parts", file_name="parts.csv", requested_by=w.users["dispatcher"]
        )
        answer = reply(
            ticket=a["ticket"],
            by=w.users["dispatcher"],
            body="Here is the manual.",
            attachments=[IncomingFile("manual.pdf", b"%PDF-1.4", "application/pdf")],
        )
        contact = PendingContact.objects.create(
            address="who@unknown.example", message_id="<who@unknown.example>"
        )
        contact.raw.save("m.eml", ContentFile(b"From: who@unknown.example\r\n\r\nhi"))
        quarantined = QuarantinedMail(reason="broken", digest="0" * 64)
        quarantined.raw.save("q.eml", ContentFile(b"broken"))
        article = save_article(title="Reset the board", visibility="public", by=None)
        course = TrainingRecord.objects.create(
            technician=a["technician"], course="Heat pumps", date=w.day
        )
        number = a["ticket"].number
        tech_a = a["technician"].pk
        contract = factories.ServiceContractFactory(customer=a["customer"], hour_bank=True)
        repair = open_repair_order(
            ticket=a["ticket"],
            appliances=[a["ticket"].appliance] if a["ticket"].appliance else [],
            handover="drop_off",
            source="visit",
            by=None,
        )
        repair_unit = RepairUnit.objects.create(
            order=repair, appliance=factories.ApplianceFactory(site=a["ticket"].site)
        )
        rma = ManufacturerReturn.objects.create(unit=repair_unit, rma_number="RMA-1")
        loan = Loan.objects.create(
            unit=LoanerUnit.objects.create(serial_number="PERM-LOAN"),
            ticket=a["ticket"],
            customer=a["customer"],
            due_on=w.day,
        )
        saved = SavedFilter.objects.create(user=w.users["dispatcher"], name="Mine", query="tier=2")
        user_a = a["user"]
        requester_a = factories.ContactFactory(customer=a["customer"], role="requester")
        spare_contact = factories.ContactFactory(customer=a["customer"], role="requester")
        users = {
            "anonymous": None,
            "customer": user_a,
            "customer_b": w.objs["b"]["user"],
            "technician": a["technician"].user,
            "technician_b": w.objs["b"]["technician"].user,
            "dispatcher": w.users["dispatcher"],
            "staff": staff,
            "requester_a": requester_a.user,
            "approver_a": factories.ContactFactory(customer=a["customer"], role="approver").user,
            "administrator_a": factories.ContactFactory(
                customer=a["customer"], role="administrator"
            ).user,
            "contact_b": factories.ContactFactory(
                customer=w.objs["b"]["customer"], role="administrator"
            ).user,
        }
        visit = a["visit"]
        invoice = _issued_invoice_of(a["customer"])
        purchase = order_parts(
            supplier=Supplier.objects.create(name="Ricambi Srl"),
            warehouse=StockLocation.objects.create(name="Central", kind="warehouse"),
            lines=[(factories.PartFactory(), 2)],
            expected_on=None,
            by=None,
        )
        invoice_a = {"invoice_id": invoice.pk}
        line_a = {"invoice_id": invoice.pk, "line_id": invoice.lines.get().pk}
        kwargs = {
            "billing:invoice": invoice_a,
            "billing:pdf": invoice_a,
            "billing:einvoice": invoice_a,
            "billing:line_add": invoice_a,
            "billing:line_edit": line_a,
            "billing:line_remove": line_a,
            "billing:issue": invoice_a,
            "billing:payment": invoice_a,
            "billing:credit": invoice_a,
            "billing:credit_lines": invoice_a,
            "billing:einvoice_send": invoice_a,
            "billing:einvoice_receipt": invoice_a,
            "billing:einvoice_reissue": invoice_a,
            "billing:email": invoice_a,
            "billing:draft_for_ticket": {"ticket_id": a["ticket"].pk},
            "portal:invoice": invoice_a,
            "portal:invoice_pdf": invoice_a,
            "billing:price_list": {"price_list_id": prices.pk},
            "billing:price_list_rate": {"price_list_id": prices.pk},
            "billing:price_list_part": {"price_list_id": prices.pk},
            "billing:labour": {"visit_id": done.pk},
            "dispatch:skip_maintenance": {"occurrence_id": due.pk},
            "desk:kb_detail": {"article_id": article.pk},
            "insights:rows": {"figure": "backlog"},
            "insights:export_rows": {"figure": "backlog", "fmt": "csv"},
            "insights:export_objects": {"name": "customers", "fmt": "xlsx"},
            "insights:import_template": {"fmt": "csv"},
            "reports:csv": {"rows": "tickets"},
            "insights:import_run": {"run_id": imported.pk},
            "desk:kb_edit": {"article_id": article.pk},
            "desk:ticket_solve_remotely": {"number": a["ticket"].number},
            "portal:article": {"article_id": article.pk},
            "desk:queue": {"tier": 2},
            "desk:ticket_take": {"number": number},
            "desk:ticket_hand_over": {"number": number},
            "desk:ticket_tier": {"number": number},
            "desk:training": {"technician_id": tech_a},
            "desk:training_record": {"technician_id": tech_a, "record_id": course.pk},
            "desk:training_delete": {"technician_id": tech_a, "record_id": course.pk},
            "plan:detail": {"run_id": run.pk},
            "desk:ticket_reply": {"number": a["ticket"].number},
            "desk:ticket_note": {"number": a["ticket"].number},
            "desk:mail_pending_confirm": {"contact_id": contact.pk},
            "desk:mail_pending_dismiss": {"contact_id": contact.pk},
            "desk:mail_quarantine_raw": {"mail_id": quarantined.pk},
            "media:attachment": {"attachment_id": answer.attachments.get().pk},
            "desk:apply_filter": {"filter_id": saved.pk},
            "desk:delete_filter": {"filter_id": saved.pk},
            "plan:apply": {"run_id": run.pk},
            "plan:rest_of_day_run": {"run_id": rest_of_today.pk},
            "dispatch:unassign": {"visit_id": visit.pk},
            "plan:fit_in": {"visit_id": visit.pk},
            "plan:fit_in_apply": {"visit_id": visit.pk},
            "dispatch:suggestions": {"visit_id": visit.pk},
            "dispatch:crew": {"visit_id": visit.pk},
            "desk:place_site": {"site_id": a["ticket"].site_id},
            "dispatch:panel": {"ticket_id": a["ticket"].pk},
            "desk:ticket": {"number": a["ticket"].number},
            "desk:ticket_action": {"number": a["ticket"].number, "action": "priority"},
            "dispatch:tier": {"ticket_id": a["ticket"].pk},
            "tech:job": {"visit_id": visit.pk},
            "tech:step": {"visit_id": visit.pk},
            "tech:hand_back": {"visit_id": visit.pk},
            "tech:record": {"visit_id": visit.pk},
            "tech:parts": {"visit_id": visit.pk},
            "tech:report": {"visit_id": done.pk},
            "media:photo": {"photo_id": photo.pk},
            "media:signature": {"visit_id": done.pk},
            "portal:ticket": {"ticket_id": a["ticket"].pk},
            "portal:tracking": {"ticket_id": a["ticket"].pk},
            "desk:contract": {"contract_id": contract.pk},
            "desk:contract_purchase": {"contract_id": contract.pk},
            "desk:contract_adjust": {"contract_id": contract.pk},
            "portal:contract": {"contract_id": contract.pk},
            "billing:quote": {"quote_id": quote.pk},
            "billing:quote_send": {"quote_id": quote.pk},
            "billing:quote_new": {"number": number},
            "portal:quote": {"quote_id": quote.pk},
            "portal:quote_link": {"token": quote_token(quote)},
            "portal:approval": {"token": _approval_link_of(quote)},
            "tech:quote": {"visit_id": visit.pk},
            "depot:order": {"order_id": repair.pk},
            "depot:order_step": {"order_id": repair.pk},
            "depot:order_add_unit": {"order_id": repair.pk},
            "depot:order_use_part": {"order_id": repair.pk},
            "depot:unit_rma": {"unit_id": repair_unit.pk},
            "depot:rma_back": {"rma_id": rma.pk},
            "depot:unit_refurbished": {"unit_id": repair_unit.pk},
            "depot:order_new": {"number": number},
            "depot:lend": {"number": number},
            "depot:collect": {"loan_id": loan.pk},
            "portal:repair_request": {"ticket_id": a["ticket"].pk},
            "portal:contact_role": {"contact_id": requester_a.pk},
            "portal:remove_contact": {"contact_id": spare_contact.pk},
            "tech:collect_loaner": {"visit_id": visit.pk, "loan_id": loan.pk},
            "inventory:order": {"order_id": purchase.pk},
            "inventory:receive": {"order_id": purchase.pk},
            "tech:confirm_taken": {"visit_id": visit.pk},
            "portal:manage": {"token": booking_token(visit)},
            "portal:report": {"token": report_token(done)},
            "portal:confirm_email": {
                "token": confirmation_token(
                    # Confirmed already, so customer A may still book in the other rows.
                    SignUp.objects.create(
                        customer=a["customer"],
                        link_sent_at=timezone.now(),
                        confirmed_at=timezone.now(),
                    )
                )
            },
            "notifications:unsubscribe": {"token": unsubscribe_token(a["customer"])},
            "notifications:feed": {"token": issue_feed(technician=a["technician"]).token},
            # For a user nobody here logs in as: a login changes last_login, which is part of
            # the token, and the link would then answer "invalid" instead.
            "password_reset_confirm": {
                "uidb64": urlsafe_base64_encode(force_bytes(w.users["stranger"].pk)),
                "token": default_token_generator.make_token(w.users["stranger"]),
            },
        }
    return users, kwargs, media


def _issued_invoice_of(customer):
    """An issued invoice of one line for the customer (every change to it is refused)."""
    company = ensure_rates_and_company("IT")
    draft = Invoice.objects.create(company=company, customer=customer)
    add_line(draft, {"description": "Call-out", "quantity": "1", "unit_price": "40.00"}, by=None)
    return issue_invoice(draft, by=None, late_confirmed=True)


def _in_a_thread_sharing_the_connection(call):
    """Run `call` on a thread of its own that uses this thread's database connection, so it
    sees the module's world, which lives in a transaction not yet committed."""
    connection = connections["default"]
    connection.inc_thread_sharing()

    def shared():
        connections["default"] = connection
        return call()

    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(shared).result()
    finally:
        connection.dec_thread_sharing()


CASES = [(name, role) for name in sorted(MATRIX) for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES)
def test_role_on_a_page(pages, db, settings, name, role):
    users, kwargs, media = pages
    # The health page's broker and worker checks: tests/integration, with a real worker.
    settings.REDIS_URL = ""
    settings.MEDIA_ROOT = media
    client = Client()
    if users[role] is not None:
        client.force_login(users[role])
    url = reverse(name, kwargs=kwargs.get(name))
    method = client.post if name in POST_ONLY else client.get

    # The test client runs an async view with async_to_sync, which cannot run on the main thread
    # once a browser test's event loop lives there (see tests/fieldservice/test_health.py).
    if iscoroutinefunction(resolve(url).func):
        response = _in_a_thread_sharing_the_connection(lambda: method(url))
    else:
        response = method(url)

    expected = MATRIX[name][role]
    assert response.status_code == expected, (url, response.content[:300])
    if expected == 302 and role == "anonymous" and name not in OWN_REDIRECTS:
        assert response["Location"].startswith(reverse("login")), response["Location"]
