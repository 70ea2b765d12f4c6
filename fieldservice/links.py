"""Signed links (move or cancel a booking, a service report, unsubscribe): one reader for the
id each carries, so a link that is signed but holds anything else is refused like a forged one,
and one rule for when a well-signed link's owner may no longer use it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def read_signed_id(token: str, *, salt: str, key: str, max_age_days: int | None = None) -> int:
    """The positive whole number a signed link carries under `key`.

    Raises signing.SignatureExpired for a link past `max_age_days`, and signing.BadSignature
    for a forged link or one whose contents are not what this kind of link holds.
    """
    max_age = None if max_age_days is None else max_age_days * 86400
    data = signing.loads(token, salt=salt, max_age=max_age)
    value = data.get(key) if isinstance(data, dict) else None
    if type(value) is not int or value < 1:
        raise signing.BadSignature(f"a signed link without a valid {key!r}")
    return value


def owner_deactivated(user: User | None) -> bool:
    """True when the person a link belongs to had a login and it was deactivated: their links
    stop working with it. A customer without a login (one who only ever phoned) keeps theirs."""
    return user is not None and not user.is_active
