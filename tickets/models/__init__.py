"""Tickets, their visits, history and job records, and the SLA calendar."""

from .calendar import BusinessCalendar, Holiday
from .conversation import Message, MessageAttachment
from .crew import VisitBooking
from .installation import Commissioning
from .job_record import JobEntry, PartUsed, RepairOption, Signature, VisitPhoto
from .maintenance import MaintenanceOccurrence
from .tickets import Ticket, TicketEvent
from .visits import Visit

__all__ = [
    "BusinessCalendar",
    "Commissioning",
    "Holiday",
    "JobEntry",
    "MaintenanceOccurrence",
    "Message",
    "MessageAttachment",
    "PartUsed",
    "RepairOption",
    "Signature",
    "Ticket",
    "TicketEvent",
    "Visit",
    "VisitBooking",
    "VisitPhoto",
]
