"""SMS backends, chosen by settings.FIELDSERVICE["SMS_BACKEND"]: console and file for
development, an HTTP gateway (URL and token) for production. Numbers are E.164.

`key` is the same for every attempt at one notification, so a gateway that honours the
Idempotency-Key header drops the copy a worker sends again after dying before it could record
the gateway's answer."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


class ConsoleBackend:
    def send(self, *, to: str, text: str, key: str = "") -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")


class FileBackend:
    """Appends one JSON line per message to a file (the dev outbox for SMS)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = Path(path or settings.FIELDSERVICE.get("SMS_FILE", "var/sms.jsonl"))

    def send(self, *, to: str, text: str, key: str = "") -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": to, "text": text, "key": key}, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


class HttpGatewayBackend:
    """POSTs {"to", "text"} as JSON with a bearer token and an Idempotency-Key; any answer but
    2xx is an error, so the notification is retried."""

    TIMEOUT = 10  # seconds; a hung gateway must not hold a worker

    def __init__(self, url: str | None = None, token: str | None = None) -> None:
        self.url = url or settings.FIELDSERVICE["SMS_GATEWAY_URL"]
        self.token = token or settings.FIELDSERVICE["SMS_GATEWAY_TOKEN"]
        if not self.url.startswith(("https://", "http://")):
            raise ValueError("SMS_GATEWAY_URL must be an http(s) URL")

    def send(self, *, to: str, text: str, key: str = "") -> None:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"}
        if key:
            headers["Idempotency-Key"] = key
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.url,
            data=json.dumps({"to": to, "text": text}, ensure_ascii=False).encode(),
            headers=headers,
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.TIMEOUT) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as err:  # urllib raises for 4xx and 5xx
            detail = err.read(300).decode("utf-8", "replace").strip()
            raise OSError(f"SMS gateway answered {err.code}: {detail or err.reason}") from None
        if not 200 <= status < 300:
            raise OSError(f"SMS gateway answered {status}")


def backend():
    return import_string(
        settings.FIELDSERVICE.get("SMS_BACKEND", "notifications.sms.ConsoleBackend")
    )()
