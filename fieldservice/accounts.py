"""The services of accounts that every app shares: one account per email address, and what a
new password ends and lifts, whichever way it was set."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
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
    path = password_reset_path(user)
    events.password_reset_requested.send(sender=User, user=user, reset_path=path, language=language)


def password_reset_path(user: User) -> str:
    """The page that sets the user's password, with Django's token for it: good once, until
    PASSWORD_RESET_TIMEOUT, and void once the password or the last login changes. Behind the
    reset email and the invitation of a new contact alike."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


# Every path that sets a password (our pages, the admin, `manage.py changepassword`, a shell)
# ends in User.save(), and the user model is Django's: its save is the one place to hear it.
MARK = "_fieldservice_password_set"


@receiver(pre_save, sender=User, dispatch_uid="fieldservice.accounts.note_new_password")
def _note_new_password(sender, instance: User, raw: bool = False, update_fields=None, **kw):
    """Mark a save that changes the password: set_password() was called (Django keeps the raw
    password until the save; a login that only upgrades the stored hash clears it first), or
    the password was made unusable. A new user has no tokens or sessions to end."""
    setattr(instance, MARK, False)
    if raw or instance._state.adding:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    if getattr(instance, "_password", None) is not None:
        setattr(instance, MARK, True)
    elif not instance.has_usable_password():
        before = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
        setattr(instance, MARK, before is not None and before != instance.password)


@receiver(post_save, sender=User, dispatch_uid="fieldservice.accounts.end_old_password")
def _end_old_password(sender, instance: User, raw: bool = False, **kw) -> None:
    if not raw and getattr(instance, MARK, False):
        setattr(instance, MARK, False)
        password_changed(user=instance)
