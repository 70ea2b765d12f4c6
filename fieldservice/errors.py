"""The one family of domain errors. Each carries a message a person can read."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the change; nothing was written."""

    code = "domain_error"
    status = 409

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the input at fault, when one is: pages show the message beside it

    def __str__(self) -> str:
        return self.message


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 400


class NotAllowed(DomainError):
    """The change is not this person's to make."""

    code = "not_allowed"
    status = 403


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"


class NeedsConfirmation(DomainError):
    """The change is allowed but unusual: asked again with the confirmation, it is made."""

    code = "needs_confirmation"


class LikelyDuplicate(NeedsConfirmation):
    """The new record looks like one that exists: `matches` are the existing ones (with
    why), for the person to pick one of or to confirm that this is someone else."""

    code = "likely_duplicate"

    def __init__(self, message: str, *, matches: list[object], field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.matches = matches


class TechnicianBusy(DomainError):
    code = "technician_busy"


class OutsideWorkingHours(DomainError):
    code = "outside_working_hours"


class TechnicianOff(DomainError):
    code = "technician_off"


class MissingSkill(DomainError):
    code = "missing_skill"


class MissingCertification(DomainError):
    code = "missing_certification"


class BreaksPromisedWindow(DomainError):
    """The new time is outside the arrival window the customer was promised."""

    code = "breaks_promised_window"


class StaleVersion(DomainError):
    code = "stale_version"
    status = 412


class WindowTaken(DomainError):
    code = "window_taken"


class NothingToPlace(DomainError):
    code = "nothing_to_place"


class PlanNotReady(DomainError):
    code = "plan_not_ready"


class PlanInvalid(DomainError):
    """The planner's plan broke a rule the independent checker knows: a bug, never applied."""

    code = "plan_invalid"
    status = 500


class NotOnTheMap(DomainError):
    """The site has no coordinates yet: nobody can be booked, sent or planned there."""

    code = "not_on_the_map"


class NotInStock(DomainError):
    """A location has fewer of a part than a move or a reservation takes from it."""

    code = "not_in_stock"


class SerialElsewhere(DomainError):
    """A serial-tracked unit is not where the move says it comes from (or is somewhere already)."""

    code = "serial_elsewhere"
