"""The address every link in a message starts with.

PUBLIC_URL when it is set (and with DEBUG=0 it must be). A development server given none
(`make run`) is reached at whatever address the developer typed or forwarded, so its links
follow the scheme and host of the last request it answered; production never believes a
request's Host for a link that leaves the building.
"""

from __future__ import annotations

from django.conf import settings

# Written by the middleware, read by whoever builds a message in this process (the in-process
# worker's thread included); a str assignment is atomic, so no lock is needed.
_served: str | None = None


def public_address() -> str:
    """The scheme and host links start with, without a trailing slash."""
    if settings.PUBLIC_URL_FROM_REQUESTS and _served:
        return _served
    return settings.FIELDSERVICE["PUBLIC_URL"]


class ServedAddressMiddleware:
    """Remembers where a development server without PUBLIC_URL is reached. After Django's
    CommonMiddleware, so a Host outside ALLOWED_HOSTS has been refused before it gets here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PUBLIC_URL_FROM_REQUESTS:
            global _served  # noqa: PLW0603 - one address per process, by design
            _served = f"{request.scheme}://{request.get_host()}"
        return self.get_response(request)
