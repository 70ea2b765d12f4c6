"""A newcomer finds their way in from the login page: sign-up, and a forgotten password reset
by the emailed link; each of these pages passes axe-core."""

from email.header import decode_header, make_header

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _reset_link(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    text = part.get_payload(decode=True).decode(part.get_content_charset())
    return next(word for word in text.split() if "/accounts/reset/" in word)


def test_login_leads_to_sign_up_and_to_a_password_reset_that_works(
    page, live_server, axe, customer_user, smtp, artifacts
):
    inbox, _server = smtp
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/portal/")  # where a customer's link leads, signed out
    expect(page.locator("h1")).to_have_text("Log in")
    assert axe(page) == []

    page.get_by_role("link", name="Create an account").click()
    expect(page.locator("h1")).to_have_text("Create your account")
    assert page.url == f"{live_server.url}/portal/signup/"
    assert axe(page) == []
    page.screenshot(path=str(artifacts / "signup-phone.png"), full_page=True)

    page.go_back()
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.locator("h1")).to_have_text("Forgot your password?")
    assert "Django administration" not in page.content()
    assert axe(page) == []
    page.get_by_label("Email").fill(customer_user.email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    assert axe(page) == []

    (message,) = inbox.messages
    assert str(make_header(decode_header(message["Subject"]))) == "Set a new password"
    # The link names the configured public address; the page is the one this server serves.
    page.goto(_reset_link(message).replace("http://127.0.0.1:8000", live_server.url))
    expect(page.locator("h1")).to_have_text("Choose a new password")
    assert axe(page) == []
    page.get_by_label("New password", exact=True).fill("another-pass-77")
    page.get_by_label("New password again").fill("another-pass-77")
    page.get_by_role("button", name="Set my password").click()
    expect(page.locator("h1")).to_have_text("Password set")
    assert axe(page) == []

    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.fill("input[name=username]", customer_user.username)
    page.fill("input[name=password]", "another-pass-77")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/portal/")


def test_a_user_with_no_role_is_welcomed_on_a_page_that_passes_axe(
    page, live_server, login, axe, other_company_user
):
    login(page, "stranger")

    expect(page.locator("h1")).to_have_text(f"Welcome, {other_company_user.get_full_name()}")
    assert page.get_by_role("link", name="Create a customer account").count() == 1
    assert axe(page) == []
