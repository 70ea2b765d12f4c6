"""What the pages' forms share."""

from __future__ import annotations

from django import forms


def errors_in_words(form: forms.Form) -> str:
    """A form's errors as one line a person can read, for a message or a refusal panel."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)
