"""The language each person reads: chosen on any page (the switcher in base.html), remembered
on their profile, and used for their pages and for everything sent to them.

A signed-in person's choice wins over the browser; blank means "the browser's" (Django's
LocaleMiddleware: the language cookie, then Accept-Language). The choice is copied into the
session at sign-in, so a page costs no query to know it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import user_logged_in
from django.db import transaction
from django.dispatch import Signal, receiver
from django.utils import translation
from django.utils.translation import gettext as _

from .errors import InvalidInput
from .models import Profile

SESSION_KEY = "fieldservice.language"

# Sent after a person chooses a language, so records of theirs elsewhere (a customer's own,
# which their messages follow) say the same; arguments: user, language.
language_chosen = Signal()


def available() -> dict[str, object]:
    return dict(settings.LANGUAGES)


def language_of(user) -> str:
    """The language a user chose, or "" when they follow their browser."""
    if user is None or not getattr(user, "pk", None):
        return ""
    return Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""


def languages_of(user_ids) -> dict[int, str]:
    """language_of for many users in one query: user id -> the language, "" when none."""
    ids = list(user_ids)
    chosen = dict(Profile.objects.filter(user_id__in=ids).values_list("user_id", "language"))
    return {pk: chosen.get(pk, "") for pk in ids}


def choose_language(*, user, language: str) -> None:
    """Remember `language` (one of settings.LANGUAGES, or "" for the browser's) for `user`."""
    if language and language not in available():
        raise InvalidInput(
            _("“%(language)s” is not one of the languages: %(choices)s.")
            % {"language": language, "choices": ", ".join(available())},
            field="language",
        )
    with transaction.atomic():
        Profile.objects.update_or_create(user=user, defaults={"language": language})
        language_chosen.send(sender=Profile, user=user, language=language)


@receiver(user_logged_in, dispatch_uid="fieldservice.languages.remember_on_sign_in")
def remember_on_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = language_of(user)


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: a signed-in person's saved language wins over the
    browser's for the whole request (pages, forms' errors, messages the request sends)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        language = session.get(SESSION_KEY, "") if session is not None else ""
        if language and language in available() and request.user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
