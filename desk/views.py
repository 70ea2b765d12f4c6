"""First-line intake: find the caller, type their codes, see coverage and SLA, open the ticket
(or solve it on the phone); the knowledge base's pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Article
from catalog.selectors import articles, articles_for_codes, codes_starting, search_articles
from catalog.services import save_article
from customers import services as customer_services
from customers.models import Appliance
from customers.selectors import search_customers
from customers.services import register_appliance
from dispatch import services
from fieldservice.errors import DomainError
from fieldservice.forms import errors_in_words
from fieldservice.roles import desk_staff_required, dispatcher_required
from tickets.models import Ticket
from tickets.selectors import assess_ticket, tickets_for, with_solved_counts
from tickets.services import resolve_remotely
from tickets.transitions import REMOTE_FIX_FROM, VISIT_STARTED

from .forms import (
    ArticleForm,
    ArticleSearchForm,
    CodeLookupForm,
    IntakeForm,
    NewApplianceForm,
    NewSiteForm,
    SolveOnPhoneForm,
    article_choices,
)

# The most articles an article picker lists after the suggested ones.
PICKER_OTHERS = 200


@dispatcher_required
def intake(request):
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = {
            "customer": data["site"].customer,
            "site": data["site"],
            "kind": data["kind"],
            "appliance": data["appliance"],
            "appliance_model": data["appliance_model"],
            "codes": data["code_list"],
            "description": data["description"],
            "channel": data["channel"],
            "priority": data["priority"],
            "by": request.user,
            "client_key": data["client_key"],
        }
        solved = data["solve"]
        try:
            if solved:
                ticket = services.take_solved_call(
                    **call,
                    resolution_code=data["resolution_code"],
                    article=data["solved_with"],
                    notes=data["solve_notes"],
                )
            else:
                ticket = services.take_call(
                    **call, window_start=data["window_start"], window_end=data["window_end"]
                )
        except DomainError as err:
            field = {
                "window_start": "window_day",
                "window_end": "window_day",
                "article": "solved_with",
                "notes": "solve_notes",
            }.get(err.field or "", err.field)
            form.add_error(field if field in form.fields else None, err.message)
        else:
            done = (
                _("%(number)s opened and solved on the phone.")
                if solved
                else _("%(number)s opened and queued.")
            )
            messages.success(request, done % {"number": ticket.number})
            return redirect("desk:intake")
    return render(
        request,
        "desk/intake.html",
        {"form": form, "new_site": NewSiteForm(), "new_appliance": NewApplianceForm()},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@dispatcher_required
def add_appliance(request):
    """Register an appliance the caller has at the chosen site, without leaving the call."""
    form = NewApplianceForm(request.POST)
    appliance, error = None, ""
    if form.is_valid():
        try:
            appliance = register_appliance(**form.cleaned_data)
        except DomainError as err:
            error = err.message
    else:
        error = errors_in_words(form)
    return render(
        request,
        "desk/_new_appliance.html",
        {"appliance": appliance, "error": error},
        status=400 if error else 200,
    )


@require_POST
@dispatcher_required
def add_site(request):
    """Add an address for the found customer; it then shows among their sites to pick."""
    form = NewSiteForm(request.POST)
    site, error = None, ""
    if form.is_valid():
        try:
            site = customer_services.add_site(**form.cleaned_data)
        except DomainError as err:
            error = err.message
    else:
        error = errors_in_words(form)
    return render(
        request,
        "desk/_new_site.html",
        {"site": site, "error": error},
        status=400 if error else 200,
    )


@dispatcher_required
def customer_search(request):
    """Customers by name, email, phone or an appliance's serial number, as the agent types."""
    q = request.GET.get("q", "")
    customers = search_customers(q=q)
    return render(request, "desk/_customer_results.html", {"customers": customers, "q": q.strip()})


@dispatcher_required
def code_search(request):
    """The catalog codes of the chosen appliance's model that start like what is typed."""
    raw_id = request.GET.get("appliance", "")
    # Asked as the agent types: an id that is not one finds nothing, like an unknown one.
    appliance = (
        Appliance.objects.select_related("model").filter(pk=int(raw_id)).first()
        if raw_id.isascii() and raw_id.isdigit()
        else None
    )
    lookup = CodeLookupForm(request.GET)
    if not lookup.is_valid():
        # A null character PostgreSQL cannot compare, or more than any list of codes.
        return render(
            request, "desk/_code_results.html", {"error": errors_in_words(lookup)}, status=400
        )
    typed = lookup.cleaned_data["codes"].split(",")[-1]
    codes = [] if appliance is None else codes_starting(model=appliance.model, typed=typed, limit=8)
    return render(request, "desk/_code_results.html", {"codes": codes})


@dispatcher_required
def preview(request):
    """Coverage (with why) and SLA due time for what is on the form, before saving."""
    form = IntakeForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    site = data.get("site")
    assessment, suggested = None, []
    if site is not None:
        assessment = assess_ticket(
            customer=site.customer,
            appliance=data.get("appliance"),
            appliance_model=data.get("appliance_model"),
            codes=data.get("code_list", []),
            priority=data.get("priority") or 3,
            at=timezone.now(),
        )
        appliance = data.get("appliance")
        model = appliance.model if appliance is not None else data.get("appliance_model")
        suggested = list(articles_for_codes(assessment.codes.matched, model))
        form.fields["solved_with"].choices = article_choices(suggested, _other_articles(suggested))
    return render(
        request,
        "desk/_intake_preview.html",
        {"assessment": assessment, "articles": suggested, "form": form},
    )


def _other_articles(suggested: list[Article]) -> list[Article]:
    return list(
        Article.objects.exclude(pk__in=[a.pk for a in suggested]).only("pk", "title")[
            :PICKER_OTHERS
        ]
    )


# -- the knowledge base ----------------------------------------------------------------------


@desk_staff_required
def kb_list(request):
    """Every article, or those matching the search, with how often each solved a ticket."""
    form = ArticleSearchForm(request.GET)
    found = Article.objects.none()
    if form.is_valid():
        found = with_solved_counts(search_articles(form.cleaned_data["q"], public_only=False))
    return render(
        request,
        "desk/kb_list.html",
        {"form": form, "articles": found, "error": errors_in_words(form) if form.errors else ""},
        status=400 if form.errors else 200,
    )


@desk_staff_required
def kb_detail(request, article_id: int):
    article = get_object_or_404(
        with_solved_counts(articles(public_only=False)).prefetch_related(
            "error_codes__appliance_model"
        ),
        pk=article_id,
    )
    revisions = article.revisions.select_related("changed_by")
    return render(request, "desk/kb_detail.html", {"article": article, "revisions": revisions})


@desk_staff_required
def kb_new(request):
    return _kb_edit(request, None)


@desk_staff_required
def kb_edit(request, article_id: int):
    return _kb_edit(request, get_object_or_404(Article, pk=article_id))


def _kb_edit(request, article: Article | None):
    initial = None
    if article is not None:
        initial = {
            "title": article.title,
            "symptoms": article.symptoms,
            "steps": article.steps,
            "visibility": article.visibility,
            "error_codes": list(article.error_codes.all()),
            "appliance_models": list(article.appliance_models.all()),
        }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            article = save_article(article=article, by=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(request, _("Article saved."))
            return redirect("desk:kb_detail", article_id=article.pk)
    return render(
        request,
        "desk/kb_form.html",
        {"form": form, "article": article, "error": errors_in_words(form) if form.errors else ""},
        status=400 if form.errors else 200,
    )


# -- solved on the phone ---------------------------------------------------------------------


def _ticket_by_number(user, number: str) -> Ticket:
    digits = number.upper().removeprefix("T-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
        raise Http404
    return get_object_or_404(tickets_for(user), pk=int(digits))


def solve_on_phone_context(ticket: Ticket, form: SolveOnPhoneForm | None = None) -> dict:
    """What templates/desk/_solve_on_phone.html needs, for the ticket page to include: the
    form with the articles for the ticket's codes first, and whether the ticket may still be
    solved on the phone (not once a visit is under way or made)."""
    suggested = list(
        articles_for_codes(
            list(ticket.error_codes.all()),
            ticket.appliance.model if ticket.appliance else ticket.appliance_model,
        )
    )
    if form is None:
        form = SolveOnPhoneForm(suggested=suggested, others=_other_articles(suggested))
    else:
        form.fields["article"].choices = article_choices(suggested, _other_articles(suggested))
    allowed = (
        ticket.status in REMOTE_FIX_FROM
        and not ticket.visits.filter(status__in=VISIT_STARTED).exists()
    )
    return {"ticket": ticket, "solve_form": form, "solve_allowed": allowed}


@require_POST
@dispatcher_required
def ticket_solve_remotely(request, number: str):
    """Resolve the ticket as solved on the phone. Answers the partial (htmx) or goes back to
    the ticket's page with a message."""
    ticket = _ticket_by_number(request.user, number)
    form = SolveOnPhoneForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            ticket = resolve_remotely(
                ticket=ticket,
                by=request.user,
                resolution_code=form.cleaned_data["resolution_code"],
                article=form.cleaned_data["article"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as err:
            error = err.message
    else:
        error = errors_in_words(form)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request, _("%(number)s solved on the phone.") % {"number": ticket.number}
            )
        return redirect(_ticket_page(ticket))
    context = solve_on_phone_context(ticket, form)
    context.update({"error": error, "solved": not error})
    return render(
        request,
        "desk/_solve_on_phone.html",
        context,
        status=(409 if form.is_valid() else 400) if error else 200,
    )


def _ticket_page(ticket: Ticket) -> str:
    # The ticket page is another part of issue 17; until it is there, the intake.
    try:
        return reverse("desk:ticket", kwargs={"number": ticket.number})
    except NoReverseMatch:
        return reverse("desk:intake")
