"""What the pages' forms share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _


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
