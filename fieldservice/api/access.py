"""Who is asking and what they may do, for the API: bearer tokens, the roles each action
allows, throttles and the cursor pagination. DRF loads these from settings while its own views
module is importing, so this module imports no DRF view code."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import authentication, exceptions, pagination, permissions, throttling

from .. import roles
from ..forms import usable_offset
from ..models import ApiToken, digest

ANY_ROLE = frozenset({"dispatcher", "technician", "customer"})
DISPATCHERS = frozenset({"dispatcher"})


class RolePermission(permissions.BasePermission):
    """The view's `allowed_roles` maps an action to the roles allowed to call it; an action it
    does not name is for dispatchers only. Objects outside a user's scope are 404s by the view's
    get_queryset()."""

    message = gettext_lazy("Your role may not do this.")

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        allowed = getattr(view, "allowed_roles", {}).get(getattr(view, "action", None), DISPATCHERS)
        return any(roles.has_role(user, role) for role in allowed)


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`; tokens are looked up by their SHA-256."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as: Bearer <token>."))
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("The token has invalid characters.")) from exc
        token = (
            ApiToken.objects.active()
            .select_related("user", "user__profile")
            .filter(key_digest=digest(key))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("The token is not valid, was revoked or has expired.")
            )
        now = timezone.now()
        # One write per few minutes at most, not one per request.
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        # The token's owner's own language wins over Accept-Language, as on the pages
        # (fieldservice/languages.py), for the answer and its problem messages.
        try:
            language = token.user.profile.language
        except ObjectDoesNotExist:
            language = ""
        if language:
            translation.activate(language)
            request._request.LANGUAGE_CODE = language
        act_for_organization(token.user, request.headers.get("X-Organization"))
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


def act_for_organization(user, named: str | None) -> None:
    """A client's contact acts for the organization the X-Organization header names (its
    customer id), or their only one. Checked against a live contact row on every request, so a
    contact removed from an organization reaches nothing of it with the same token."""
    if not roles.has_role(user, roles.CUSTOMER):
        return
    if named:
        contact = roles.contact_for(user, named.strip())
        if contact is None:
            raise exceptions.NotFound(_("You are not a contact of this organization."))
    else:
        contacts = list(user.contacts.select_related("customer")[:2])
        if len(contacts) > 1:
            raise exceptions.ParseError(
                _(
                    "You are a contact of several organizations: name the one in use in the "
                    "X-Organization header."
                )
            )
        contact = contacts[0] if contacts else None
    roles.act_as(user, contact)


class _SettingsRate:
    """Read the rate from settings on each request, so a changed setting takes effect."""

    scope: str | None  # the throttle's, which this mixes into

    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]


class _SharedCount:
    """Count each request with one atomic increment in the shared cache.

    DRF's own throttles read a list of times, append and write it back: two web processes (or
    two requests at the same instant) interleave and lose each other's hits, and with a cache in
    each process's memory every worker counted alone. Here the first request opens a window of
    the rate's period and each one after it increments the count (INCR on Redis), so however
    many processes serve, no more than the rate gets through in a window.
    """

    cache: Any  # the throttle's, which this mixes into
    duration: int
    num_requests: int
    key: str | None
    now: float

    def allow_request(self, request, view):
        if getattr(self, "rate", None) is None:
            return True
        self.key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if self.key is None:
            return True
        self.now = self.timer()  # type: ignore[attr-defined]
        if self.cache.add(self.key, 1, self.duration):
            self.cache.set(f"{self.key}:opened", self.now, self.duration)
            return True
        try:
            count = self.cache.incr(self.key)
        except ValueError:  # the window closed between the two calls: this one opens the next
            self.cache.set(self.key, 1, self.duration)
            self.cache.set(f"{self.key}:opened", self.now, self.duration)
            return True
        return count <= self.num_requests

    def wait(self):
        """Seconds until the window closes, for Retry-After."""
        opened = self.cache.get(f"{self.key}:opened", self.now)
        return max(0.0, self.duration - (self.now - opened))


class AnonThrottle(_SettingsRate, _SharedCount, throttling.AnonRateThrottle):
    pass


class UserThrottle(_SettingsRate, _SharedCount, throttling.UserRateThrottle):
    pass


class LoginThrottle(_SettingsRate, _SharedCount, throttling.AnonRateThrottle):
    """Token requests with a password, counted per client address."""

    scope = "login"


class CursorPagination(pagination.CursorPagination):
    """Stable pages for lists that grow: newest first unless `ordering` says otherwise.

    DRF places a cursor by the ordering field's value alone, as text: on a row without one (a
    visit not yet planned) the next link carried "None", which no date-time is. Here the rows
    are ordered by the field and then by id, empty values after every other (before them,
    newest first), and a cursor carries both, `[value or null, id]`: every row has a place of
    its own, so walking the pages gives each row once, whatever the field holds.

    A cursor is base64 the client can forge: its position goes into the query, so it is read
    as the ordering field's value first, and one that is not (`p=junk` for an id, a null
    character, a date-time PostgreSQL cannot compare) is a 400 naming the cursor, like a
    cursor that is not base64 at all (DRF's 404)."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view):
        """The requested field (the first, where several are asked), then the id."""
        first = super().get_ordering(request, queryset, view)[0]
        if first.lstrip("-") in ("pk", queryset.model._meta.pk.name):
            return (first,)
        return (first, "-pk" if first.startswith("-") else "pk")

    def paginate_queryset(self, queryset, request, view=None):
        # DRF's, with the ordering and the filter of a position that has two parts.
        self._model = queryset.model
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        offset, reverse, at = self.cursor or (0, False, None)
        position = None if at is None else str(at)
        descending = self.ordering[0].startswith("-") != reverse
        queryset = queryset.order_by(*self._order_by(descending=descending))
        if position is not None:
            queryset = queryset.filter(self._after(position, descending=descending))
        results = list(queryset[offset : offset + self.page_size + 1])
        self.page = results[: self.page_size]
        following = None
        if len(results) > len(self.page):
            following = self._get_position_from_instance(results[-1], self.ordering)
        if reverse:
            self.page.reverse()
            self.has_next = position is not None or offset > 0
            self.has_previous = following is not None
            self.next_position, self.previous_position = position, following
        else:
            self.has_next = following is not None
            self.has_previous = position is not None or offset > 0
            self.next_position, self.previous_position = following, position
        if (self.has_previous or self.has_next) and self.template is not None:
            self.display_page_controls = True
        return self.page

    def _order_by(self, *, descending: bool) -> list:
        name = self.ordering[0].lstrip("-")
        if len(self.ordering) == 1:
            return [f"-{name}" if descending else name]
        if descending:
            return [F(name).desc(nulls_first=True), "-pk"]
        return [F(name).asc(nulls_last=True), "pk"]

    def _after(self, position: str, *, descending: bool) -> Q:
        """The rows that come after `position` in the order of the page being read."""
        name = self.ordering[0].lstrip("-")
        if len(self.ordering) == 1:
            return Q(**{f"{name}__{'lt' if descending else 'gt'}": position})
        value, pk = self._parse(position)
        empty = Q(**{f"{name}__isnull": True})
        if descending:  # empty values first, then the largest
            if value is None:
                return (empty & Q(pk__lt=pk)) | ~empty
            return Q(**{f"{name}__lt": value}) | Q(**{name: value, "pk__lt": pk})
        if value is None:  # the smallest first, empty values last
            return empty & Q(pk__gt=pk)
        return Q(**{f"{name}__gt": value}) | Q(**{name: value, "pk__gt": pk}) | empty

    def _get_position_from_instance(self, instance, ordering):
        if len(ordering) == 1:
            return super()._get_position_from_instance(instance, ordering)
        value = getattr(instance, ordering[0].lstrip("-"))
        return json.dumps([None if value is None else str(value), instance.pk])

    def _refuse_cursor(self):
        return exceptions.ValidationError(
            {self.cursor_query_param: [_("This cursor is not one the list gave out: start again.")]}
        )

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise self._refuse_cursor() from exc
        if cursor is not None and cursor.position is not None:
            try:
                if len(self.ordering) == 1:
                    self._check_position(cursor.position, self.ordering[0].lstrip("-"))
                else:
                    self._parse(str(cursor.position))
            except (ValidationError, ValueError, TypeError, OverflowError) as exc:
                raise self._refuse_cursor() from exc
        return cursor

    def _parse(self, position: str) -> tuple[object, object]:
        """The (value, id) of a two-part position; ValueError unless it is one."""
        parts = json.loads(position)
        if not isinstance(parts, list) or len(parts) != 2:
            raise ValueError(position)
        value, pk = parts
        if value is not None:
            if not isinstance(value, str):
                raise ValueError(position)
            value = self._check_position(value, self.ordering[0].lstrip("-"))
        return value, self._check_position(str(pk), "pk")

    def _check_position(self, position: object, name: str) -> object:
        """The value of field `name` that `position` stands for; ValueError (or the field's own
        error) unless it is one."""
        position = str(position)
        if "\x00" in position:
            raise ValueError(position)
        opts = self._model._meta
        try:
            field = opts.pk if name == "pk" else opts.get_field(name)
        except FieldDoesNotExist:
            return position  # ordered across a relation: the query reads the value as it can
        value = field.to_python(position)
        if isinstance(value, datetime) and not usable_offset(value):
            raise ValueError(position)
        field.get_prep_value(value)
        return value

    def get_paginated_response_schema(self, schema):
        body = super().get_paginated_response_schema(schema)
        props = body["properties"]
        props["next"]["description"] = "The next page's address, or null on the last page."
        props["previous"]["description"] = "The previous page's address, or null on the first."
        props["results"] = {**props["results"], "description": "This page's rows."}
        return body
