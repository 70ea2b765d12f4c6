"""What more than one of the desk's pages needs: a ticket named in a URL, the article
picker's list."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from catalog.models import Article
from tickets.models import Ticket
from tickets.selectors import ticket_for_page, visible_ticket

# The new-caller form sits beside the intake form, whose fields have Django's "id_" ids.
CALLER_IDS = "caller_%s"
# The most articles an article picker lists after the suggested ones.
PICKER_OTHERS = 200


def _visible_ticket(request, number: str, *, for_page: bool = False) -> Ticket:
    """The ticket a URL names, among those the user may see (any other gives 404): with its
    customer, or `for_page` with everything the ticket page shows."""
    find = ticket_for_page if for_page else visible_ticket
    ticket = find(request.user, number)
    if ticket is None:
        raise Http404(_("No ticket %(number)s.") % {"number": number})
    return ticket


def _other_articles(suggested: list[Article]) -> list[Article]:
    return list(
        Article.objects.exclude(pk__in=[a.pk for a in suggested]).only("pk", "title")[
            :PICKER_OTHERS
        ]
    )
