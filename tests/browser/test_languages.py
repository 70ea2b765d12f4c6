"""The four languages, page by page (issue 21): the dispatcher's board with a ticket's panel, the
technician's job page on a phone, the customer's booking page with its free times, and a
service report's PDF, each rendered in English, Italian, Spanish and Bulgarian from the browser's
language alone. In every language but English no text on them may be an English original that
the language's catalog translates (tests/english.py). The Bulgarian job page is kept as a
screenshot in test-artifacts/."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from fieldservice import languages
from tests.english import english
from tickets.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "it", "es", "bg"]
DESK = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

# Every text a person can read or hear on the page: text nodes (hidden ones too: a dialog not yet
# open, a screen reader's words), elements' whole text where markup splits a sentence, the
# attributes that speak (placeholder, aria-label, title, alt, a button's value) and the title;
# not what is marked as written in another language.
SHOWN = """() => {
  const words = (text) => (text || "").replace(/\\s+/g, " ").trim();
  // Text marked as another language (the switcher names each language in itself) is not
  // the page's.
  const own = (el) => el.closest("[lang]") === document.documentElement;
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && own(parent) && !parent.closest("script, style")) {
      out.push(words(walker.currentNode.textContent));
    }
  }
  const wholes = "p, li, label, button, a, h1, h2, h3, h4, th, td, dt, dd, legend, summary, "
    + "option, span, small";
  for (const el of document.body.querySelectorAll(wholes)) {
    if (own(el)) out.push(words(el.textContent));
  }
  const speaking = "[placeholder], [aria-label], [title], [alt], input[type=submit], "
    + "input[type=button]";
  for (const el of document.querySelectorAll(speaking)) {
    for (const name of ["placeholder", "aria-label", "title", "alt", "value"]) {
      if (name === "value" && !["submit", "button"].includes(el.type)) continue;
      if (el.hasAttribute(name)) out.push(words(el.getAttribute(name)));
    }
  }
  return out.filter(Boolean);
}"""


def _page(browser, language: str, viewport: dict, **options):
    context = browser.new_context(
        viewport=viewport,
        locale=language,
        extra_http_headers={"Accept-Language": language},
        **options,
    )
    return context, context.new_page()


def _english_on(page, language: str) -> list[str]:
    return english(language).left_in(page.evaluate(SHOWN))


def _check(page, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language
    if language != "en":
        assert _english_on(page, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_board_and_a_tickets_panel(browser, live_server, login, company, day, language):
    context, page = _page(browser, language, DESK)
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/?day={day:%Y-%m-%d}")
    expect(page.locator(".visit")).to_have_count(9)
    page.locator(".queued.p1").first.click()
    expect(page.locator("#panel .panel h2")).to_contain_text("P1")
    _check(page, language)
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_technicians_job_page(browser, live_server, login, company, artifacts, language):
    context, page = _page(browser, language, PHONE, has_touch=True, is_mobile=True)
    login(page, "tech")
    page.goto(f"{live_server.url}/tech/visits/{company['on_site'].pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Giorgio Ricci")
    _check(page, language)
    if language == "bg":
        page.screenshot(path=str(artifacts / "tech-job-bg.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_customers_booking_page(browser, live_server, login, company, language):
    context, page = _page(browser, language, {"width": 1280, "height": 860})
    login(page, "customer")
    page.goto(f"{live_server.url}/portal/book/")
    _check(page, language)
    page.select_option("#id_kind", "repair")
    page.select_option("#id_appliance", str(company["anna"].pk))
    page.fill("#id_description", "Il cestello non gira.")
    page.locator("form button.primary[type=submit]").click()
    expect(page.get_by_test_id("windows")).to_be_visible()
    _check(page, language)
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_service_reports_pdf(browser, live_server, login, company, language):
    context, page = _page(browser, language, DESK)
    login(page, "dispatcher")
    visit = Visit.objects.get(status=Visit.Status.COMPLETED)
    answer = page.request.get(f"{live_server.url}/tech/visits/{visit.pk}/report/?format=pdf")
    assert answer.ok
    assert answer.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(answer.body()))
    lines = [line for p in pdf.pages for line in p.extract_text().splitlines()]
    assert visit.ticket.number in " ".join(lines)
    if language != "en":
        assert english(language).left_in(lines) == []
    context.close()


def test_an_english_page_is_caught(browser, live_server, login, company):
    """The check can fail: the English board, read against each catalog, is all English."""
    context, page = _page(browser, "en", DESK)
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/")
    for language in LANGUAGES[1:]:
        assert len(_english_on(page, language)) > 10
    context.close()


def test_the_language_switcher_works_by_keyboard_on_a_phone(phone, live_server, axe, technician):
    _context, page = phone
    page.goto(f"{live_server.url}/tech/")
    switcher = page.locator("#language-choice")
    expect(switcher).to_have_value("en")
    assert axe(page, within="footer.site") == []

    switcher.focus()
    page.keyboard.press("End")  # the last language: Bulgarian
    expect(switcher).to_have_value("bg")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Change language")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_attribute("lang", "bg")
    assert page.url.endswith("/tech/")
    assert languages.language_of(technician.user) == "bg"
