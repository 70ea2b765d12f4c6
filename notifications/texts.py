"""The words of every message, rendered from templates/notifications/messages/<kind>/: a
subject, a text body and an SMS per kind, through gettext like every page, in the recipient's
language whatever the language of the request that caused the message.

Text templates, so autoescape is off in them; the HTML email (notifications/email.html) escapes
the body it is given. Each output is stripped: the templates keep their tags on lines of their
own for reading, and a message starts and ends with its words.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

_ROOT = "notifications/messages"


def _render(name: str, language: str, values: dict[str, object]) -> str:
    with translation.override(language):
        return render_to_string(f"{_ROOT}/{name}", values).strip()


def _with_count(kind: str, values: dict[str, str]) -> dict[str, object]:
    # The next-day schedule has one line a visit; its words agree with how many there are.
    if kind == "tech_schedule":
        return {**values, "count": len(values.get("lines", "").splitlines())}
    return dict(values)


def render(kind: str, language: str, values: dict[str, str]) -> tuple[str, str]:
    """Subject and text body."""
    context = _with_count(kind, values)
    return (
        _render(f"{kind}/subject.txt", language, context),
        _render(f"{kind}/body.txt", language, context),
    )


def render_sms(kind: str, language: str, values: dict[str, str]) -> str:
    """The SMS text: one short text carrying what the recipient acts on (the time, the ETA, the
    link), not the email's subject alone. Cyrillic needs UCS-2, 70 characters a segment, so
    every word counts."""
    return _render(f"{kind}/sms.txt", language, _with_count(kind, values))


def unsubscribe_text(language: str, unsubscribe_url: str) -> str:
    """The last lines of every customer email's text: a signature break and the link."""
    return _render("unsubscribe.txt", language, {"unsubscribe_url": unsubscribe_url})


def email_html(language: str, *, subject: str, body: str, unsubscribe_url: str) -> str:
    """The HTML alternative of an email: the same subject and body, escaped, links clickable."""
    with translation.override(language):
        return render_to_string(
            "notifications/email.html",
            {
                "language": language,
                "subject": subject,
                "body": body,
                "unsubscribe_url": unsubscribe_url,
            },
        )
