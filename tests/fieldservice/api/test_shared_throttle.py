"""Throttles count in one place for every web process: Redis, whenever REDIS_URL is set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

# One web process's view of the token endpoint's throttle: 20 password logins from one address.
LOGINS = """
import sys
import django
django.setup()
from django.test import RequestFactory
from rest_framework.request import Request
from fieldservice.api.access import LoginThrottle
allowed = 0
for _ in range(20):
    request = Request(RequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR=sys.argv[1]))
    allowed += LoginThrottle().allow_request(request, None)
print(allowed)
"""


def _environment(**changes: str) -> dict[str, str]:
    # As a web process starts: the settings module of production, no CACHE_URL unless given.
    skip = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL"}
    environment = {k: v for k, v in os.environ.items() if k not in skip}
    environment.update(DJANGO_SETTINGS_MODULE="fieldservice.settings", **changes)
    return environment


def _cache_settings(**changes: str) -> dict:
    code = "import json, django; django.setup(); from django.conf import settings; "
    code += "print(json.dumps(settings.CACHES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_environment(**changes),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs the Redis that bin/with-services starts (REDIS_URL)")
    return url


def test_with_redis_and_no_cache_url_the_cache_is_redis_beside_the_broker():
    on_redis = _cache_settings(REDIS_URL="redis://10.0.0.5:6379/0")
    chosen = _cache_settings(REDIS_URL="redis://10.0.0.5:6379/0", CACHE_URL="dummycache://")
    alone = _cache_settings(REDIS_URL="")
    socket = _cache_settings(REDIS_URL="unix:///run/redis/redis.sock")

    assert on_redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    # Not the broker's database, so clearing the cache never drops queued tasks.
    assert on_redis["LOCATION"] == "redis://10.0.0.5:6379/1"
    assert chosen["BACKEND"] == "django.core.cache.backends.dummy.DummyCache"
    assert alone["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert socket["LOCATION"] == "unix:///run/redis/redis.sock"  # no database number to move


def test_two_web_processes_share_the_login_throttles_count(redis_url):
    address = f"2001:db8::{uuid.uuid4().hex[:4]}"  # a fresh count for this run
    environment = _environment(REDIS_URL=redis_url, API_THROTTLE_LOGIN="10/min")
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", LOGINS, address],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    allowed = [int(worker.communicate(timeout=120)[0].split()[-1]) for worker in workers]

    assert all(worker.returncode == 0 for worker in workers)
    assert sum(allowed) == 10, allowed
