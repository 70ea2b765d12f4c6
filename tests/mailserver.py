"""A real SMTP server for tests (aiosmtpd on loopback) that keeps what it receives."""

from __future__ import annotations

import email
import socket

from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler: counts SMTP sessions, keeps every message it accepts, and refuses
    the next `refuse` messages with a temporary error."""

    def __init__(self, refuse: int = 0) -> None:
        self.messages: list[email.message.Message] = []
        self.refuse = refuse
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.refuse > 0:
            self.refuse -= 1
            return "451 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailServer:
    """An Inbox listening on a loopback port, which a test may take down and bring back."""

    def __init__(self, inbox: Inbox | None = None) -> None:
        self.inbox = inbox or Inbox()
        self.port = free_port()
        self.controller: Controller | None = None
        self.start()

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
