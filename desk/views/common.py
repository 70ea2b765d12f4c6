"""What more than one of the desk's pages needs: a ticket named in a URL, the article
picker's list."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from catalog.models import Article
from tickets.models import Ticket
from tickets.selectors import (
    ticket_number_pk,
    tickets_for,
)

# The new-caller form sits beside the intake form, whose fields have Django's "id_" ids.
CALLER_IDS = "caller_%s"
# The most articles an article picker lists after the suggested ones.
PICKER_OTHERS = 200


def _visible_ticket(request, number: str) -> Ticket:
    """The ticket a URL names by its number as people write it (T-000123, t-123, or the bare
    number), among those the user may see; any other gives 404."""
    pk = ticket_number_pk(number)
    if pk is None:
        raise Http404
    return get_object_or_404(tickets_for(request.user).select_related("customer"), pk=pk)


def _other_articles(suggested: list[Article]) -> list[Article]:
    return list(
        Article.objects.exclude(pk__in=[a.pk for a in suggested]).only("pk", "title")[
            :PICKER_OTHERS
        ]
    )
