"""The operations health page (django-health-check): database, cache, file storage, mail server,
broker, a live Celery worker, and how long the oldest due notification has waited. For staff
signed in, or a monitor sending `Authorization: Bearer <HEALTH_CHECK_TOKEN>`; anyone else gets
a 404. Load balancers use the bare liveness probe `/healthz` instead."""

from __future__ import annotations

import datetime
import json
import secrets

from django.conf import settings
from django.http import Http404
from health_check.views import HealthCheckView
from redis.asyncio import Redis

from notifications.health import OutboxBacklog


def _checks() -> list:
    minutes = settings.FIELDSERVICE["NOTIFICATIONS"]["HEALTH_MAX_WAIT_MINUTES"]
    checks: list = [
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
        ("health_check.checks.Mail", {"timeout": datetime.timedelta(seconds=5)}),
        (OutboxBacklog, {"max_age": datetime.timedelta(minutes=minutes)}),
    ]
    if settings.REDIS_URL:
        checks += [
            (
                "health_check.contrib.redis.Redis",
                {"client_factory": lambda: Redis.from_url(settings.REDIS_URL)},
            ),
            ("health_check.contrib.celery.Ping", {"timeout": datetime.timedelta(seconds=1)}),
        ]
    return checks


class HealthView(HealthCheckView):
    async def dispatch(self, request, *args, **kwargs):
        if not await _may_see(request):
            raise Http404("No such page.")
        self.checks = _checks()
        return await super().dispatch(request, *args, **kwargs)

    def _outbox_wait(self) -> float | None:
        for result in self.results:
            if isinstance(result.check, OutboxBacklog) and result.check.age is not None:
                return round(result.check.age.total_seconds(), 1)
        return None

    def render_to_response_json(self, status):
        response = super().render_to_response_json(status)
        body = json.loads(response.content)
        body["oldest_due_notification_wait_seconds"] = self._outbox_wait()
        response.content = json.dumps(body)
        return response

    def render_to_response_openmetrics(self):
        response = super().render_to_response_openmetrics()
        wait = self._outbox_wait() or 0.0
        gauge = (
            "# HELP fieldservice_oldest_due_notification_wait_seconds How long the oldest due "
            "notification has waited to be sent\n"
            "# TYPE fieldservice_oldest_due_notification_wait_seconds gauge\n"
            f"fieldservice_oldest_due_notification_wait_seconds {wait}\n"
        )
        text = response.content.decode()
        response.content = text.replace("# EOF\n", gauge + "# EOF\n").encode()
        return response


async def _may_see(request) -> bool:
    token = settings.HEALTH_CHECK_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return secrets.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())
    user = await request.auser()
    return user.is_active and user.is_staff
