"""Writes of the desk's own: an agent's saved filters of the ticket list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from fieldservice.errors import InvalidInput
from fieldservice.forms import errors_in_words

from .forms import SavedFilterForm, TicketFilterForm
from .models import SavedFilter

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_SAVED = 50  # saved filters per person: a menu, not a store


@transaction.atomic
def save_filter(*, user: User, name: str, query: str) -> SavedFilter:
    """Keep the list's filters `query` under `name` for `user`; a name they used before now
    holds these filters. The query is read by the list's own form, so only filters the list
    accepts are kept, written the way the list writes them (no page, no unknown keys)."""
    named = SavedFilterForm({"name": name, "query": query})
    if not named.is_valid():
        field = next(iter(named.errors))
        raise InvalidInput(errors_in_words(named), field=field)
    filters = TicketFilterForm(QueryDict(query))
    if not filters.is_valid():
        raise InvalidInput(errors_in_words(filters), field="query")
    name = named.cleaned_data["name"].strip()
    # The person's row is locked so that two saves at once cannot pass the limit together.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    existing = SavedFilter.objects.filter(user=user)
    if not existing.filter(name=name).exists() and existing.count() >= MAX_SAVED:
        raise InvalidInput(
            _("You can keep at most %(n)d saved filters; delete one first.") % {"n": MAX_SAVED},
            field="name",
        )
    saved, _created = SavedFilter.objects.update_or_create(
        user=user, name=name, defaults={"query": filters.query()}
    )
    return saved


@transaction.atomic
def delete_filter(*, saved: SavedFilter) -> None:
    """Forget a saved filter. Callers find it among the person's own (404 for another's)."""
    saved.delete()
