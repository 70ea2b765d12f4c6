"""Browser tests: Debian's chromium driven by pytest-playwright against Django's live server.

Playwright's own browser download is not used (it cannot be fetched here); the system chromium
is launched with the flags a closed network needs. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The day of work the whole-page tests share (screenshots, the pages in each language).
from .demo_day import company, day  # noqa: F401 - fixtures

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between page actions are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations(request):
    """Every browser test also proves its pages run under the Content-Security-Policy: the
    browser reports each refused script, style or connection on the console."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    refused: list[str] = []
    page.context.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield
    assert refused == []


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def login(live_server):
    """Log a page in through the real login form."""

    def do(page, username: str, password: str = "pw-secret-123", next: str = "") -> None:
        # With `next`, the login lands there at once: no stop on the role's page, whose own
        # scripts (the phone's outbox) could still be reloading it when the test moves on.
        page.goto(f"{live_server.url}/accounts/login/" + (f"?next={next}" if next else ""))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return do


AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_SOURCE.read_text()


@pytest.fixture
def axe(axe_source):
    """Run axe-core on a page as it stands and return its violations, each as
    "rule (impact): the first offending element". Evaluated through the driver, not added as a
    script tag, so the page's Content-Security-Policy stays as strict as in production."""

    def run(page, *, within: str | None = None) -> list[str]:
        page.evaluate(axe_source)
        result = page.evaluate(
            "async (within) => await axe.run(within ? document.querySelector(within) : document)",
            within,
        )
        return [
            f"{v['id']} ({v['impact']}): {v['nodes'][0]['target'] if v['nodes'] else ''}"
            for v in result["violations"]
        ]

    return run


@pytest.fixture
def phone(browser, live_server, login, technician):
    """A technician's phone (390x844, touch), signed in as `technician`."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    login(page, "tech")
    yield context, page
    context.close()
