"""What the pages' forms share."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import accounts, logins

# No place on Earth is further from UTC; Python reads offsets up to 23:59, and PostgreSQL
# refuses 16 hours or more with an error (a 500) when such a date-time reaches a query.
MAX_UTC_OFFSET = datetime.timedelta(hours=14)


def errors_in_words(form: forms.Form) -> str:
    """A form's errors as one line a person can read, for a message or a refusal panel.

    Each field's errors follow its label ("Purchased on: Enter a valid date."): Django's own
    messages do not say which field they are about.
    """
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(str(e) for e in errors)
        if name != NON_FIELD_ERRORS and name in form.fields:
            text = _("%(field)s: %(errors)s") % {"field": form[name].label, "errors": text}
        parts.append(text)
    return " ".join(parts)


def usable_offset(moment: datetime.datetime) -> bool:
    """Whether a date-time is naive or at most MAX_UTC_OFFSET from UTC."""
    offset = moment.utcoffset()
    return offset is None or abs(offset) <= MAX_UTC_OFFSET


def check_offset(moment: datetime.datetime | None) -> datetime.datetime | None:
    """`moment`, or the ValidationError of a form field when its offset is not usable."""
    if moment is not None and not usable_offset(moment):
        raise forms.ValidationError(
            _("Give a UTC offset from -14:00 to +14:00."), code="utc_offset"
        )
    return moment


class AwareDateTimeField(forms.DateTimeField):
    """A date-time field of a page, with a UTC offset PostgreSQL can compare."""

    def to_python(self, value):
        return check_offset(super().to_python(value))


class SubmitOnceForm(forms.Form):
    """A form that carries a key made when it is shown, so that sending it twice (a double
    click, Back and send again, a retry after a lost answer) does its work once: the service
    finds what the first copy made by the key. A bound form without a key (the search step
    of a multi-step page) gets one, so the page it renders carries it on."""

    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("client_key"):
            data = data.copy()
            data["client_key"] = uuid.uuid4().hex
        super().__init__(data, *args, **kwargs)
        self.fields["client_key"].initial = uuid.uuid4().hex


class SignInForm(AuthenticationForm):
    """The login page's form: a username throttled after many failures is told so, not told
    its password is wrong."""

    def get_invalid_login_error(self):
        if getattr(self.request, "login_throttled", False):
            return ValidationError(logins.throttle_message(), code="throttled")
        return super().get_invalid_login_error()


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form (the active accounts with a usable password and this address), whose
    email goes through the outbox in the user's language instead of out from the request."""

    def save(self, *args, **kwargs) -> None:  # the view's email options are not ours to use
        for user in self.get_users(self.cleaned_data["email"]):
            accounts.request_password_reset(user=user, language=get_language())
