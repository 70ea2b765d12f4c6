"""Free text people type, and how long it may be: each limit is checked by the service that
stores the text (whoever calls it), and the forms and serializers that take the text use the
same limit, so a refusal names it wherever it comes from."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .errors import InvalidInput

DESCRIPTION = 5000  # a ticket's description: what is wrong, as the customer or agent tells it
REASON = 2000  # why a status or tier changes or a visit is taken off a day; a visit's outcome
NOTE = 5000  # a technician's diagnostic, finding or work note
ACCESS_NOTES = 1000  # how to get into a site
CAPTION = 200  # a photo's caption (VisitPhoto.caption holds 200)
CODES = 20  # error codes on one ticket
CODE = 30  # characters of one error code as typed


def ensure_length(text: str, *, limit: int, field: str) -> None:
    """InvalidInput naming `field` and the limit when `text` is longer than `limit`."""
    if len(text) > limit:
        raise InvalidInput(
            _("At most %(limit)d characters (this has %(length)d).")
            % {"limit": limit, "length": len(text)},
            field=field,
        )
