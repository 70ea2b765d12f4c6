"""The knowledge base's pages: staff list, search, read, write and edit articles; bad input
names its field and saves nothing; customers read only the public ones; the intake and the
portal's booking show the articles for the codes; a ticket is solved on the phone."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from catalog.models import Article
from catalog.services import save_article
from desk.views.ticket import solve_on_phone_context
from dispatch.services import assign_visit
from tests.factories import (
    ApplianceFactory,
    ErrorCodeFactory,
    TechnicianFactory,
    UserFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import at
from tickets.models import Ticket
from tickets.services import resolve_remotely, transition_visit

pytestmark = pytest.mark.django_db


def _article(title="Clean the drain filter", **kwargs):
    params = {"steps": "Open the flap.\nUnscrew the filter.", "by": None}
    params.update(kwargs)
    return save_article(title=title, **params)


def test_staff_write_an_article_and_read_it_with_its_history(dispatcher_client, dispatcher):
    code = ErrorCodeFactory(code="F05")

    response = dispatcher_client.post(
        reverse("desk:kb_new"),
        {
            "title": "Clean the drain filter",
            "symptoms": "Water stays in the drum.",
            "steps": "Open the flap.\nUnscrew <b>the</b> filter.",
            "visibility": "public",
            "error_codes": [code.pk],
        },
    )

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:kb_detail", args=[article.pk])
    edited = dispatcher_client.post(
        reverse("desk:kb_edit", args=[article.pk]),
        {"title": "Clean the pump filter", "steps": article.steps, "visibility": "internal"},
    )
    assert edited.status_code == 302
    page = dispatcher_client.get(reverse("desk:kb_detail", args=[article.pk])).text
    assert "Clean the pump filter" in page
    assert "Unscrew &lt;b&gt;the&lt;/b&gt; filter." in page  # text, never HTML
    assert "Written by dispatcher" in page
    assert "Changed by dispatcher" in page
    assert "Clean the drain filter" in page  # what it said before the edit
    assert "Solved 0 tickets on the phone" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Give the article a title."),
        ({"title": "Drain\x1bfilter"}, "The title cannot contain control characters."),
        ({"title": "Filter", "steps": "Press\x07 start"}, "Steps cannot contain control"),
        ({"title": "Filter", "error_codes": ["999999"]}, "Unknown error code: 999999."),
        ({"title": "Filter", "visibility": "secret"}, "Visibility"),
    ],
)
def test_bad_input_says_which_field_and_saves_nothing(dispatcher_client, data, message):
    response = dispatcher_client.post(reverse("desk:kb_new"), {"visibility": "internal", **data})

    assert response.status_code == 400
    assert message in response.text
    assert not Article.objects.exists()


def test_a_bad_edit_leaves_the_article_as_it_was(dispatcher_client):
    article = _article()

    response = dispatcher_client.post(
        reverse("desk:kb_edit", args=[article.pk]), {"title": " ", "visibility": "public"}
    )

    assert response.status_code == 400
    article.refresh_from_db()
    assert (article.title, article.visibility) == ("Clean the drain filter", "internal")
    assert article.revisions.count() == 1


def test_search_finds_by_word_and_a_control_character_is_a_message(dispatcher_client):
    _article("Clean the drain filter")
    _article("Door will not open", steps="Wait two minutes.")
    url = reverse("desk:kb")

    found = dispatcher_client.get(url, {"q": "drain"}).text
    bad = dispatcher_client.get(url, {"q": "drain\x1b"})
    null = dispatcher_client.get(url, {"q": "drain\x00"})

    assert "Clean the drain filter" in found
    assert "Door will not open" not in found
    assert bad.status_code == null.status_code == 400
    assert "Search articles: The search cannot contain control characters." in bad.text
    assert "Search articles: Null characters are not allowed." in null.text


def test_back_office_staff_may_edit_the_knowledge_base(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(reverse("desk:kb")).status_code == 200
    assert client.get(reverse("desk:kb_new")).status_code == 200


def test_the_list_counts_solved_tickets_in_a_flat_number_of_queries(
    dispatcher_client, django_assert_max_num_queries
):
    def page():
        return dispatcher_client.get(reverse("desk:kb"))

    _article("First", error_codes=[ErrorCodeFactory()])
    page()
    with django_assert_max_num_queries(99) as few:
        page()
    for n in range(12):
        article = _article(f"Article {n}", error_codes=[ErrorCodeFactory(), ErrorCodeFactory()])
        resolve_remotely(
            ticket=open_ticket(), by=None, resolution_code="reset_done", article=article
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = page()

    assert response.status_code == 200
    assert response.text.count("<td>1</td>") == 12


def test_customers_read_public_articles_only(client, customer_user):
    public = _article("Reset the dishwasher", visibility="public")
    internal = _article("Reset the control board", visibility="internal")
    client.force_login(customer_user)

    assert "Reset the dishwasher" in client.get(reverse("portal:article", args=[public.pk])).text
    assert client.get(reverse("portal:article", args=[internal.pk])).status_code == 404
    assert client.get(reverse("desk:kb_detail", args=[public.pk])).status_code == 403


def test_intake_preview_lists_the_articles_for_the_typed_codes(dispatcher_client):
    appliance = ApplianceFactory()
    code = ErrorCodeFactory(code="F05")
    article = _article("Clean the drain filter", error_codes=[code])
    _article("Unrelated")

    page = dispatcher_client.get(
        reverse("desk:intake_preview"),
        {"kind": "repair", "appliance": appliance.pk, "codes": "f05", "channel": "phone"},
    ).text

    listed = page[page.index('data-testid="intake-articles"') :]
    listed = listed[: listed.index("</div>")]
    assert reverse("desk:kb_detail", args=[article.pk]) in listed
    assert "Unrelated" not in listed


def test_intake_opens_a_ticket_solved_on_the_phone(dispatcher_client):
    appliance = ApplianceFactory()
    article = _article()
    form = {"kind": "repair", "appliance": appliance.pk, "channel": "phone", "priority": 3}

    missing = dispatcher_client.post(reverse("desk:intake"), {**form, "solve": "on"})
    done = dispatcher_client.post(
        reverse("desk:intake"),
        {**form, "solve": "on", "resolution_code": "reset_done", "solved_with": article.pk},
    )

    assert missing.status_code == 400
    assert "Choose how the problem was solved" in missing.text
    assert done.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.solved_with) == (Ticket.Status.RESOLVED, article)
    assert not ticket.visits.exists()


def test_solve_on_the_phone_from_a_ticket(dispatcher_client):
    ticket = open_ticket()
    url = reverse("desk:ticket_solve_remotely", args=[ticket.number])
    htmx = {"HTTP_HX_REQUEST": "true"}

    refused = dispatcher_client.post(url, {"resolution_code": "magic"}, **htmx)
    done = dispatcher_client.post(url, {"resolution_code": "no_fault_found"}, **htmx)
    again = dispatcher_client.post(url, {"resolution_code": "no_fault_found"}, **htmx)

    assert refused.status_code == 400
    assert "How it was solved" in refused.text
    assert done.status_code == 200
    assert "resolved on the phone: No fault found" in done.text
    assert again.status_code == 409
    assert "cannot be solved on the phone" in again.text
    ticket.refresh_from_db()
    assert ticket.resolution_code == "no_fault_found"


def test_solve_on_the_phone_of_an_unknown_number_is_a_404(dispatcher_client):
    url = reverse("desk:ticket_solve_remotely", args=["T-999999"])
    bad = reverse("desk:ticket_solve_remotely", args=["T-12x"])

    assert dispatcher_client.post(url, {"resolution_code": "other"}).status_code == 404
    assert dispatcher_client.post(bad, {"resolution_code": "other"}).status_code == 404


def test_the_booking_page_offers_public_articles_first(client, customer_user):
    appliance = ApplianceFactory(site__customer=customer_user.contacts.get().customer)
    code = ErrorCodeFactory(code="F05")
    public = _article("Clean the drain filter", error_codes=[code], visibility="public")
    _article("Check the pump wiring", error_codes=[code], visibility="internal")
    client.force_login(customer_user)

    page = client.get(
        reverse("portal:book"), {"kind": "repair", "appliance": appliance.pk, "codes": "F05"}
    ).text

    assert "Try this first" in page
    assert reverse("portal:article", args=[public.pk]) in page
    assert "Check the pump wiring" not in page


def test_the_partial_offers_the_tickets_articles_first_and_only_while_it_may(next_monday):
    code = ErrorCodeFactory(code="F05")
    other = _article("Aaa general advice")
    for_code = _article("Zzz drain filter", error_codes=[code])
    ticket = open_ticket(codes=["F05"])

    context = solve_on_phone_context(ticket)
    options = [str(first) for first, _ in context["solve_form"].fields["article"].choices]
    html = render_to_string("desk/_solve_on_phone.html", context)

    assert context["solve_allowed"]
    assert options == ["", "For these codes", "Other articles"]
    assert html.index(for_code.title) < html.index(other.title)
    visit = assign_visit(
        visit=new_visit(ticket), technician=TechnicianFactory(), start=at(next_monday, 9), by=None
    )
    transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    ticket.refresh_from_db()
    assert not solve_on_phone_context(ticket)["solve_allowed"]
