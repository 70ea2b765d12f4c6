"""The worker's SMTP sessions, kept from message to message."""

from __future__ import annotations

import logging
import threading

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

from .recipients import config

log = logging.getLogger(__name__)

# One open mail connection per worker thread, reused from message to message, instead of a new
# SMTP session (connect, greeting, EHLO, goodbye) for each; a NOOP tells whether it still works.
_mail = threading.local()


def mail_connection() -> BaseEmailBackend:
    """The thread's open SMTP connection if the server still answers, else a new one."""
    connection = getattr(_mail, "connection", None)
    if connection is not None and not _answers(connection):
        release_mail_connection(connection, broken=True)
        connection = None
    if connection is None:
        connection = get_connection()
        connection.open()
        if isinstance(connection, SMTPBackend):  # file and memory backends are not kept
            _mail.connection, _mail.sent = connection, 0
    return connection


def close_mail_connection() -> None:
    """Say goodbye on the thread's kept SMTP session, if any (a worker process shutting down)."""
    connection = getattr(_mail, "connection", None)
    if connection is not None:
        release_mail_connection(connection, broken=True)


def _answers(connection: SMTPBackend) -> bool:
    try:
        return connection.connection is not None and connection.connection.noop()[0] == 250
    except Exception:  # noqa: BLE001 - a server that hung up or broke is simply replaced
        return False


def release_mail_connection(connection: BaseEmailBackend, *, broken: bool = False) -> None:
    """Keep the thread's connection for the next message, up to the configured number of
    messages per session (servers limit them); close anything else. The message is already
    accepted and marked sent (or recorded as failed), so a failed goodbye changes nothing."""
    if getattr(_mail, "connection", None) is connection:
        _mail.sent += 1
        if not broken and _mail.sent < config("MESSAGES_PER_CONNECTION", 100):
            return
        _mail.connection = None
    try:
        connection.close()
    except Exception as exc:  # noqa: BLE001 - a failed QUIT must not undo a sent message
        log.info("closing the mail connection failed: %s", exc)
