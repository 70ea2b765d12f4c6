"""The knowledge base at intake, in a browser: type a code the caller reads off the display,
see the article for it in the preview, open it."""

import pytest
from playwright.sync_api import expect

from catalog.services import save_article
from tests.factories import ApplianceFactory, ErrorCodeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_typed_code_shows_its_article_and_opens_it(page, live_server, login, dispatcher):
    ApplianceFactory(site__customer__name="Giulia Bianchi", serial_number="SN-4455")
    code = ErrorCodeFactory(code="F05", title="Water not draining")
    save_article(
        title="Clean the drain filter",
        steps="Unscrew the filter anticlockwise.",
        error_codes=[code],
        by=None,
    )
    login(page, "dispatcher", next="/dispatch/intake/")

    page.get_by_label("Find the customer").fill("Bianchi")
    page.get_by_label("SN-4455", exact=False).check()
    page.locator("#id_codes").press_sequentially("F05")  # keyup refreshes the preview

    articles = page.get_by_test_id("intake-articles")
    expect(articles).to_contain_text("Clean the drain filter")
    with page.context.expect_page() as opened:
        articles.get_by_role("link", name="Clean the drain filter").click()
    article = opened.value
    expect(article.get_by_role("heading", level=1)).to_have_text("Clean the drain filter")
    expect(article.get_by_test_id("article-body")).to_contain_text("anticlockwise")
