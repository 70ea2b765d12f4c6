"""With DEBUG=0 the one settings module passes Django's deployment checks with no warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    # Drop what the test process set for itself (the browser tests allow async-unsafe ORM).
    skip = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in skip}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_in_production_mode():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x7#kq2!vP9zL@m4wR8&tY1nB6^cF3hJ5sD0gA*eU-iO+pZ=" + "Q" * 10,
        ALLOWED_HOSTS="dispatch.example.com",
        PUBLIC_URL="https://dispatch.example.com",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_without_secret_key_fails_loudly():
    result = _manage("check", DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="x.example.com")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_development_key_refuses_to_serve_any_host_but_loopback():
    result = _manage("check", DEBUG="1", SECRET_KEY="", ALLOWED_HOSTS="dispatch.example.com")
    loopback = _manage("check", DEBUG="1", ALLOWED_HOSTS="127.0.0.1,localhost")

    assert result.returncode != 0
    assert "development SECRET_KEY serves only 127.0.0.1" in result.stderr
    assert "dispatch.example.com" in result.stderr
    assert loopback.returncode == 0, loopback.stderr


def test_production_mode_without_public_url_fails_loudly():
    result = _manage(
        "check",
        DEBUG="0",
        SECRET_KEY="x7#kq2!vP9zL@m4wR8&tY1nB6^cF3hJ5sD0gA*eU-iO+pZ=" + "Q" * 10,
        ALLOWED_HOSTS="dispatch.example.com",
        PUBLIC_URL="",
    )

    assert result.returncode != 0
    assert "PUBLIC_URL must be set" in result.stderr
