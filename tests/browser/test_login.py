import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dispatcher_logs_in_and_lands_on_the_board(page, live_server, login, dispatcher, artifacts):
    page.set_viewport_size({"width": 390, "height": 844})

    login(page, "dispatcher")

    assert page.url == f"{live_server.url}/dispatch/"
    assert page.locator("a", has_text="Board").count() == 1
    page.screenshot(path=str(artifacts / "home-phone.png"))


def test_wrong_password_shows_an_error_and_stays_on_login(page, live_server, dispatcher):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "dispatcher")
    page.fill("input[name=password]", "wrong")
    with page.expect_navigation():  # the answer to the POST, not the page still on screen
        page.click("button[type=submit]")

    assert "/accounts/login/" in page.url
    assert page.locator(".errorlist").count() == 1


def test_the_login_page_passes_axe(page, live_server, axe):
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe(page) == []
