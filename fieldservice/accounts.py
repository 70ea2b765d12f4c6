"""The services of accounts that every app shares: what a new password ends and lifts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from . import logins
from .models import ApiToken

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def password_changed(*, user: User) -> int:
    """After a password is changed or reset: every API token of the user is revoked, so a token
    taken with the old password opens nothing. Their other sessions end by themselves: each
    carries a hash of the password, which no longer matches (the page that changed it keeps
    its own with `update_session_auth_hash`). Whoever set it is the real user, so the sign-in
    guards on their username are lifted. Returns how many tokens were revoked."""
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    logins.forget_failures(user=user)
    return revoked
