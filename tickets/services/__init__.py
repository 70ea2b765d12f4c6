"""Writes on tickets and visits. Each function validates, writes in one transaction, records a
TicketEvent and sends a domain event; pages, the API and tasks all call these."""

from .conversation import IncomingFile, add_note, receive_email, reply
from .crew import ensure_lead, is_helper, sync_bookings
from .history import record
from .holding import hand_over, take_ticket
from .installation import ensure_commissioned, record_commissioning, register_installed
from .job_record import (
    RECORD_KINDS,
    add_photo,
    decide_option,
    ensure_recorded_for_completion,
    has_record,
    offer_option,
    png_from_data_url,
    record_entry,
    record_job,
    request_limit,
    sign_visit,
    use_part,
)
from .remote import resolve_remotely
from .search import refresh_search
from .status import set_ticket_status, set_visit_status
from .tickets import (
    cancel_ticket,
    change_kind,
    change_priority,
    close_ticket,
    deescalate,
    escalate,
    mark_responded,
    open_ticket,
    reopen_ticket,
    resolve_ticket,
    ticket_sent_before,
    transition_ticket,
    update_ticket,
)
from .visits import (
    create_visit,
    ensure_version,
    not_today_question,
    transition_visit,
    update_visit,
    validate_window,
    visit_minutes,
    visit_snapshot,
)

__all__ = [
    "RECORD_KINDS",
    "IncomingFile",
    "add_note",
    "add_photo",
    "cancel_ticket",
    "change_kind",
    "change_priority",
    "close_ticket",
    "create_visit",
    "decide_option",
    "deescalate",
    "ensure_commissioned",
    "ensure_lead",
    "ensure_recorded_for_completion",
    "ensure_version",
    "escalate",
    "hand_over",
    "has_record",
    "is_helper",
    "mark_responded",
    "not_today_question",
    "offer_option",
    "open_ticket",
    "png_from_data_url",
    "receive_email",
    "record",
    "record_commissioning",
    "record_entry",
    "record_job",
    "refresh_search",
    "register_installed",
    "reopen_ticket",
    "reply",
    "request_limit",
    "resolve_remotely",
    "resolve_ticket",
    "set_ticket_status",
    "set_visit_status",
    "sign_visit",
    "sync_bookings",
    "take_ticket",
    "ticket_sent_before",
    "transition_ticket",
    "transition_visit",
    "update_ticket",
    "update_visit",
    "use_part",
    "validate_window",
    "visit_minutes",
    "visit_snapshot",
]
