"""The services of accounts that every app shares: one account per email address, and what a
new password ends and lifts."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import events, logins
from .models import ApiToken


def email_taken(email: str, *, besides: User | None = None) -> bool:
    """True when another account has this email address (in any case) or uses it as its login
    name: an address belongs to one account, so a password reset reaches one person. The
    database holds the same rule (a unique index on the lower-cased address)."""
    email = email.strip()
    if not email:
        return False
    others = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
    if besides is not None and besides.pk is not None:
        others = others.exclude(pk=besides.pk)
    return others.exists()


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


@transaction.atomic
def request_password_reset(*, user: User, language: str) -> None:
    """Email the user the link that sets a new password, through the outbox (a domain event
    notifications turns into a row), so the page answers alike whether the address has an
    account or not and no mail server holds it up. `language` is the page's, for a user
    whose own language is not known."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    events.password_reset_requested.send(sender=User, user=user, reset_path=path, language=language)
