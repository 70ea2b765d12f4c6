"""SMS backends, chosen by settings.FIELDSERVICE["SMS_BACKEND"]: console and file for
development, an HTTP gateway (URL and token) for production. Numbers are E.164."""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


class ConsoleBackend:
    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")


class FileBackend:
    """Appends one JSON line per message to a file (the dev outbox for SMS)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = Path(path or settings.FIELDSERVICE.get("SMS_FILE", "var/sms.jsonl"))

    def send(self, *, to: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"to": to, "text": text}, ensure_ascii=False) + "\n")


class HttpGatewayBackend:
    """POSTs {"to", "text"} as JSON with a bearer token; any non-2xx answer is an error."""

    def __init__(self, url: str | None = None, token: str | None = None) -> None:
        self.url = url or settings.FIELDSERVICE["SMS_GATEWAY_URL"]
        self.token = token or settings.FIELDSERVICE["SMS_GATEWAY_TOKEN"]
        if not self.url.startswith(("https://", "http://")):
            raise ValueError("SMS_GATEWAY_URL must be an http(s) URL")

    def send(self, *, to: str, text: str) -> None:
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.url,
            data=json.dumps({"to": to, "text": text}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise OSError(f"SMS gateway answered {response.status}")


def backend():
    return import_string(
        settings.FIELDSERVICE.get("SMS_BACKEND", "notifications.sms.ConsoleBackend")
    )()
