"""Writes on tickets and visits. Each function validates, writes in one transaction, records a
TicketEvent and sends a domain event; pages, the API and tasks all call these."""

from .history import record
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
from .search import refresh_search
from .status import set_ticket_status, set_visit_status
from .tickets import (
    deescalate,
    escalate,
    open_ticket,
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
    "add_photo",
    "create_visit",
    "decide_option",
    "deescalate",
    "ensure_recorded_for_completion",
    "ensure_version",
    "escalate",
    "has_record",
    "not_today_question",
    "offer_option",
    "open_ticket",
    "png_from_data_url",
    "record",
    "record_entry",
    "record_job",
    "refresh_search",
    "request_limit",
    "set_ticket_status",
    "set_visit_status",
    "sign_visit",
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
