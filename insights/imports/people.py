"""The people a row of contacts or technicians names, by their email address: read for all
the rows in one query, and written as portal logins without a password (they set one through
"Forgot your password?"), as customers.services.add_contact and the technicians' form give
them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from .base import Row


def users(emails: set[str], *, query: QuerySet | None = None) -> dict[str, Any]:
    """The users with these (lower-cased) email addresses, or with one as their username, by
    that address; `query` reads them with what the kind needs (their groups, their
    technician)."""
    found: dict[str, Any] = {}
    if not emails:
        return found
    if query is None:
        query = get_user_model().objects.all()
    query = query.annotate(lower=Lower("email")).filter(
        Q(lower__in=emails) | Q(username__in=emails)
    )
    for user in query.order_by("pk"):
        found.setdefault(user.username.lower(), user)
        found[user.email.lower()] = user
    return found


def write_users(rows: list[Row], known: dict[str, Any]) -> list[Any]:
    """Each row's user, by its email address (`known`, users' answer, gains the new ones):
    a new one without a password (marked `imported_now`: no technician or contact of theirs
    to read yet), a known one given the row's non-empty first and last name; written in
    bulk. Returns the new users."""
    User = get_user_model()  # noqa: N806 - the model, named as Django names it
    new: list[Any] = []
    changed: dict[int, Any] = {}
    for row in rows:
        v = row.values
        user = known.get(v["email"])
        if user is None:
            user = User(
                username=v["email"],
                email=v["email"],
                first_name=v["first_name"],
                last_name=v["last_name"],
                password=make_password(None),  # unusable: they set one by password reset
            )
            user.imported_now = True
            known[v["email"]] = user
            new.append(user)
            continue
        names = (v["first_name"] or user.first_name, v["last_name"] or user.last_name)
        if names != (user.first_name, user.last_name):
            user.first_name, user.last_name = names
            if user.pk is not None:  # a new one is written with the latest names
                changed[user.pk] = user
    User.objects.bulk_create(new)
    User.objects.bulk_update(list(changed.values()), ["first_name", "last_name"])
    return new
