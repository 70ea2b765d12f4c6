"""The operations health page (django-health-check): database, cache, file storage, mail server,
broker, a live Celery worker, and how long the oldest due notification has waited. For staff
signed in, or a monitor sending `Authorization: Bearer <HEALTH_CHECK_TOKEN>`; anyone else gets
a 404. Load balancers use the bare liveness probe `/healthz` instead."""

from __future__ import annotations

import datetime
import json
import secrets

from django.apps import apps
from django.conf import settings
from django.http import Http404
from health_check.views import HealthCheckView
from redis.asyncio import Redis


def _checks() -> list:
    """The checks every deployment has, then those the apps add: an app's config may list
    its own in `health_checks()` (by dotted path, so this module imports no app)."""
    checks: list = [
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
        ("health_check.checks.Mail", {"timeout": datetime.timedelta(seconds=5)}),
    ]
    for config in apps.get_app_configs():
        checks += getattr(config, "health_checks", list)()
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
    """The checks' results, plus the gauges that checks report (a check's `gauges()`: name ->
    (help text, value)) as JSON fields and OpenMetrics gauges."""

    async def dispatch(self, request, *args, **kwargs):
        if not await _may_see(request):
            raise Http404("No such page.")
        self.checks = _checks()
        return await super().dispatch(request, *args, **kwargs)

    def _gauges(self) -> dict[str, tuple[str, float | None]]:
        gauges: dict[str, tuple[str, float | None]] = {}
        for result in self.results:
            gauges.update(getattr(result.check, "gauges", dict)())
        return gauges

    def render_to_response_json(self, status):
        response = super().render_to_response_json(status)
        body = json.loads(response.content)
        body.update({name: value for name, (_help, value) in self._gauges().items()})
        response.content = json.dumps(body)
        return response

    def render_to_response_openmetrics(self):
        response = super().render_to_response_openmetrics()
        lines = "".join(
            f"# HELP fieldservice_{name} {help_text}\n"
            f"# TYPE fieldservice_{name} gauge\n"
            f"fieldservice_{name} {value or 0.0}\n"
            for name, (help_text, value) in self._gauges().items()
        )
        text = response.content.decode()
        response.content = text.replace("# EOF\n", lines + "# EOF\n").encode()
        return response


async def _may_see(request) -> bool:
    token = settings.HEALTH_CHECK_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return secrets.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())
    user = await request.auser()
    return user.is_active and user.is_staff
