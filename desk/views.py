"""First-line pages: intake (find the caller, type their codes, see coverage and SLA, open the
ticket or solve it on the phone), the ticket page (everything about one ticket, and the actions
its state allows), its conversation, inbound email's pending contacts and quarantine, the
knowledge base's pages, the support tiers' queues and who holds a ticket, and technicians'
training records, and the ticket list (filter, search, save the filters, export)."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Article
from catalog.selectors import articles, articles_for_codes, codes_starting, search_articles
from catalog.services import save_article
from customers import services as customer_services
from customers.models import Appliance, Site
from customers.selectors import search_customers
from customers.services import register_appliance
from dispatch import services
from dispatch.forms import TierForm
from fieldservice.errors import DomainError, LikelyDuplicate, NotAllowed
from fieldservice.forms import errors_in_words
from fieldservice.media import file_response
from fieldservice.roles import desk_staff_required, dispatcher_required, may_edit_staff_records
from technicians import services as technician_services
from technicians.models import Technician, TrainingRecord
from technicians.selectors import technicians_for, with_qualifications
from tickets import services as ticket_services
from tickets.models import Ticket
from tickets.selectors import (
    allowed_actions,
    assess_ticket,
    history_lines,
    thread_for,
    ticket_for_page,
    tickets_for,
    tier_counts,
    tier_queue,
    with_solved_counts,
)
from tickets.services import conversation, resolve_remotely
from tickets.transitions import REMOTE_FIX_FROM, VISIT_STARTED

from . import export, inbound, selectors
from . import services as desk_services
from .forms import (
    ArticleForm,
    ArticleSearchForm,
    CodeLookupForm,
    ConfirmContactForm,
    CustomerSearchForm,
    HandOverForm,
    IntakeForm,
    KindForm,
    MessageForm,
    NewApplianceForm,
    NewCallerForm,
    NewSiteForm,
    NoteForm,
    PlaceSiteForm,
    PriorityForm,
    ReasonForm,
    SolveOnPhoneForm,
    TicketFilterForm,
    TrainingRecordForm,
    VisitForm,
    article_choices,
)
from .holder import holder_context, person_name
from .models import PendingContact, QuarantinedMail

# The new-caller form sits beside the intake form, whose fields have Django's "id_" ids.
CALLER_IDS = "caller_%s"
# The most articles an article picker lists after the suggested ones.
PICKER_OTHERS = 200

# A ticket's number as people write it: T-000123 (any case, leading zeros optional).
TICKET_NUMBER = re.compile(r"[Tt]-(\d{1,12})")


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
                _("{link} opened and solved on the phone.")
                if solved
                else _("{link} opened and queued.")
            )
            link = format_html(
                '<a href="{}">{}</a>', reverse("desk:ticket", args=[ticket.number]), ticket.number
            )
            messages.success(request, format_html(done, link=link))
            return redirect("desk:intake")
    return render(
        request,
        "desk/intake.html",
        {
            "form": form,
            "new_site": NewSiteForm(),
            "new_appliance": NewApplianceForm(),
            "new_caller": NewCallerForm(auto_id=CALLER_IDS),
        },
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


@require_POST
@dispatcher_required
def new_caller(request):
    """Take a caller the desk does not know: customer, site and appliance in one go, then
    chosen for the call. Likely duplicates are shown first (409), each to use instead, and
    saved only when the agent says "create anyway"."""
    form = NewCallerForm(request.POST, auto_id=CALLER_IDS)
    if not form.is_valid():
        return render(
            request, "desk/_new_caller.html", {"error": errors_in_words(form)}, status=400
        )
    try:
        caller = customer_services.create_caller(**form.cleaned_data)
    except LikelyDuplicate as err:
        return render(
            request,
            "desk/_new_caller.html",
            {"duplicates": err.matches, "message": err.message},
            status=409,
        )
    except DomainError as err:
        error = err.message
        if err.field in form.fields:
            error = _("%(field)s: %(errors)s") % {"field": form[err.field].label, "errors": error}
        return render(request, "desk/_new_caller.html", {"error": error}, status=400)
    return render(request, "desk/_new_caller.html", {"caller": caller})


def place_site(request, site_id: int):
    """Put an address's pin where the agent dragged it; the site can then be booked."""
    site = get_object_or_404(Site, pk=site_id)
    form = PlaceSiteForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            site = customer_services.place_site(site=site, by=request.user, **form.cleaned_data)
        except DomainError as err:
            error = err.message
    else:
        error = errors_in_words(form)
    return render(
        request,
        "desk/_placed_site.html",
        {"site": site, "error": error},
        status=400 if error else 200,
    )


@dispatcher_required
def customer_search(request):
    """Customers by name, phone, email, address or an appliance's serial number, as the agent
    types; a search that cannot be one (control characters, too long) says so by the field."""
    form = CustomerSearchForm(request.GET)
    if not form.is_valid():
        return render(
            request, "desk/_customer_results.html", {"error": errors_in_words(form)}, status=400
        )
    q = form.cleaned_data["q"]
    customers = search_customers(q=q)
    context = {"customers": customers, "q": q.strip(), "place_form": PlaceSiteForm(auto_id=False)}
    return render(request, "desk/_customer_results.html", context)


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


# The ticket page's actions: the form each one reads and what it is done with.
ACTION_FORMS = {
    "priority": PriorityForm,
    "kind": KindForm,
    "add_visit": VisitForm,
    "resolve": NoteForm,
    "close": NoteForm,
    "reopen": ReasonForm,
    "cancel": ReasonForm,
}


def _blank_form(action: str, ticket: Ticket, data=None):
    form_class = ACTION_FORMS[action]
    if form_class is VisitForm:
        return VisitForm(data, tz=ZoneInfo(str(ticket.site.timezone)), prefix=action)
    initial = {"priority": ticket.priority, "kind": ticket.kind}
    return form_class(data, initial=initial, prefix=action)


def _ticket_or_404(request, number: str) -> Ticket:
    ticket = ticket_for_page(request.user, number)
    if ticket is None:
        raise Http404(_("No ticket %(number)s.") % {"number": number})
    return ticket


def _ticket_page(request, ticket: Ticket, *, failed=None, error: str = "", status: int = 200):
    """The page (or its body, for htmx), with a blank form per allowed action; `failed` is the
    bound form that was refused, shown with its errors and `error` in its place."""
    actions = allowed_actions(ticket, request.user)
    forms = {action: _blank_form(action, ticket) for action in actions}
    failed_action = ""
    if failed is not None:
        failed_action = failed.prefix
        forms[failed_action] = failed
    context = {
        "ticket": ticket,
        "visits": list(ticket.visits.all()),
        "history": history_lines(ticket),
        "forms": forms,
        "failed_action": failed_action,
        "error": error,
        **_thread_context(ticket),
        **solve_on_phone_context(ticket),
    }
    template = "desk/_ticket.html" if request.htmx else "desk/ticket.html"
    return render(request, template, context, status=status)


@dispatcher_required
def ticket(request, number: str):
    """Everything about one ticket: details, coverage, both SLA clocks, visits, history, and
    a form for each action its state allows."""
    return _ticket_page(request, _ticket_or_404(request, number))


def _act(action: str, ticket: Ticket, by, data: dict) -> None:
    reason = data.get("reason", "")
    if action == "priority":
        ticket_services.change_priority(
            ticket=ticket, priority=data["priority"], reason=reason, by=by
        )
    elif action == "kind":
        ticket_services.change_kind(ticket=ticket, kind=data["kind"], reason=reason, by=by)
    elif action == "add_visit":
        ticket_services.create_visit(
            ticket=ticket,
            by=by,
            window_start=data["window_start"],
            window_end=data["window_end"],
            duration_minutes=data["duration_minutes"],
        )
    elif action == "resolve":
        ticket_services.resolve_ticket(ticket=ticket, reason=reason, by=by)
    elif action == "close":
        ticket_services.close_ticket(ticket=ticket, reason=reason, by=by)
    elif action == "reopen":
        ticket_services.reopen_ticket(ticket=ticket, reason=reason, by=by)
    elif action == "cancel":
        ticket_services.cancel_ticket(ticket=ticket, reason=reason, by=by)


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


# Tier queues and who holds a ticket.


def _held_ticket(request, number: str) -> Ticket:
    """The ticket a page names by its number (T-000123), among those the user may see."""
    found = TICKET_NUMBER.fullmatch(number.strip())
    if found is None:
        raise Http404
    return get_object_or_404(tickets_for(request.user), pk=int(found.group(1)))


@dispatcher_required
def queue(request, tier: int):
    """The open tickets at one support tier, unheld first, each to take."""
    if tier not in Ticket.Tier.values:
        raise Http404
    return render(
        request,
        "desk/queue.html",
        {
            "tier": tier,
            "tickets": tier_queue(tier=tier),
            "counts": tier_counts(),
            "now": timezone.now(),
        },
    )


def _holder_reply(request, ticket: Ticket, *, done: str = "", error: str = "", status: int = 200):
    """The holder partial again for htmx; otherwise back where the form was, with a message."""
    ticket = tickets_for(request.user).select_related("held_by").get(pk=ticket.pk)
    if request.htmx:
        context = holder_context(ticket, request.user, error=error, done=done)
        return render(request, "desk/_holder.html", context, status=status)
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("desk:queue", args=[ticket.tier])
    return redirect(back)


@require_POST
@dispatcher_required
def ticket_action(request, number: str, action: str):
    """One of the ticket page's actions. Refused input is 400 with the field named, an action
    the state does not allow 409 naming both states; nothing is changed either way."""
    ticket = _ticket_or_404(request, number)
    if action not in ACTION_FORMS:
        raise Http404(_("No such action."))
    form = _blank_form(action, ticket, request.POST)
    if not form.is_valid():
        return _ticket_page(request, ticket, failed=form, error=errors_in_words(form), status=400)
    try:
        _act(action, ticket, request.user, form.cleaned_data)
    except DomainError as err:
        if err.field in form.fields:
            form.add_error(err.field, err.message)
        ticket = _ticket_or_404(request, number)
        return _ticket_page(request, ticket, failed=form, error=err.message, status=err.status)
    messages.success(request, _("%(number)s updated.") % {"number": ticket.number})
    if request.htmx:
        return _ticket_page(request, _ticket_or_404(request, number))
    return redirect("desk:ticket", number=ticket.number)


def _ticket(number: str) -> Ticket:
    """A ticket by its number as people write it (T-000123) or as the bare number."""
    digits = number.upper().removeprefix("T-")
    if not digits.isdigit():
        raise Http404
    return get_object_or_404(Ticket.objects.select_related("customer"), pk=int(digits))


def _thread_context(ticket: Ticket, form: MessageForm | None = None) -> dict:
    return {
        "ticket": ticket,
        "thread": thread_for(ticket, include_internal=True),
        "form": form or MessageForm(),
    }


def _post_message(request, number: str, write):
    ticket = _ticket(number)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            write(
                ticket=ticket,
                by=request.user,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except DomainError as err:
            field = err.field if err.field in form.fields else None
            form.add_error(field, err.message)
        else:
            if request.htmx:
                return render(request, "desk/_thread.html", _thread_context(ticket))
            # Back to the page the form was on, else the ticket's page.
            back = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = reverse("desk:ticket", args=[ticket.number])
            return redirect(back)
    return render(request, "desk/_thread.html", _thread_context(ticket, form), status=400)


def take(request, number: str):
    ticket = _held_ticket(request, number)
    try:
        ticket = ticket_services.take_ticket(ticket=ticket, by=request.user)
    except DomainError as err:
        return _holder_reply(request, ticket, error=err.message, status=409)
    return _holder_reply(
        request, ticket, done=_("You hold %(number)s.") % {"number": ticket.number}
    )


@require_POST
@dispatcher_required
def ticket_reply(request, number: str):
    """A public reply: shown to the customer and emailed to them."""
    return _post_message(request, number, conversation.reply)


def hand_over(request, number: str):
    ticket = _held_ticket(request, number)
    form = HandOverForm(request.POST)
    if not form.is_valid():
        return _holder_reply(request, ticket, error=errors_in_words(form), status=400)
    try:
        ticket = ticket_services.hand_over(ticket=ticket, by=request.user, **form.cleaned_data)
    except DomainError as err:
        return _holder_reply(request, ticket, error=err.message, status=409)
    return _holder_reply(
        request,
        ticket,
        done=_("%(number)s handed over to %(name)s.")
        % {"number": ticket.number, "name": person_name(form.cleaned_data["to"])},
    )


@require_POST
@dispatcher_required
def ticket_note(request, number: str):
    """An internal note: for staff only."""
    return _post_message(request, number, conversation.add_note)


@dispatcher_required
def mail_quarantine(request):
    return render(
        request,
        "desk/mail_quarantine.html",
        {"quarantined": QuarantinedMail.objects.all()[:200]},
    )


@dispatcher_required
def mail_quarantine_raw(request, mail_id: int):
    kept = get_object_or_404(QuarantinedMail, pk=mail_id)
    response = file_response(kept.raw)
    response["Content-Type"] = "message/rfc822"
    response["Content-Disposition"] = content_disposition_header(True, f"quarantine-{kept.pk}.eml")
    return response


@dispatcher_required
def ticket_list(request):
    """Every ticket the agent may see, filtered, searched and sorted, 50 a page; the results
    alone for htmx, which sends the filters as they change."""
    form = TicketFilterForm(request.GET)
    context: dict = {"form": form, "saved_filters": selectors.saved_filters(user=request.user)}
    if not form.is_valid():
        context["error"] = errors_in_words(form)
    else:
        tickets = selectors.ticket_list(user=request.user, filters=form.filters())
        page = Paginator(tickets, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [(t, selectors.technician_names(t)) for t in page.object_list]
        context.update(page=page, rows=rows, query=form.query(), sort=form.filters().sort)
    status = 400 if "error" in context else 200
    if not request.htmx:
        return render(request, "desk/tickets.html", context, status=status)
    response = render(request, "desk/_ticket_results.html", context, status=status)
    if "query" in context:
        # The address bar shows the filters given, not every empty field htmx sends.
        response["HX-Push-Url"] = _list_url(context["query"])
    return response


@dispatcher_required
def mail_pending(request):
    pending = PendingContact.objects.filter(status=PendingContact.Status.PENDING)[:200]
    return render(
        request, "desk/mail_pending.html", {"pending": pending, "form": ConfirmContactForm()}
    )


@require_POST
@dispatcher_required
def mail_pending_confirm(request, contact_id: int):
    contact = get_object_or_404(PendingContact, pk=contact_id)
    form = ConfirmContactForm(request.POST)
    if form.is_valid():
        try:
            ticket = inbound.confirm_contact(
                contact=contact, customer=form.cleaned_data["customer"], by=request.user
            )
        except DomainError as err:
            form.add_error("customer" if err.field == "customer" else None, err.message)
        else:
            messages.success(request, _("%(number)s opened.") % {"number": ticket.number})
            return redirect("desk:mail_pending")
    pending = PendingContact.objects.filter(status=PendingContact.Status.PENDING)[:200]
    return render(
        request,
        "desk/mail_pending.html",
        {"pending": pending, "form": ConfirmContactForm(), "errors_for": contact.pk, "bad": form},
        status=400,
    )


@require_POST
@dispatcher_required
def mail_pending_dismiss(request, contact_id: int):
    contact = get_object_or_404(PendingContact, pk=contact_id)
    inbound.dismiss_contact(contact=contact)
    messages.success(request, _("Dismissed."))
    return redirect("desk:mail_pending")


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
        return redirect(_ticket_page_url(ticket))
    context = solve_on_phone_context(ticket, form)
    context.update({"error": error, "solved": not error})
    return render(
        request,
        "desk/_solve_on_phone.html",
        context,
        status=(409 if form.is_valid() else 400) if error else 200,
    )


def _ticket_page_url(ticket: Ticket) -> str:
    return reverse("desk:ticket", kwargs={"number": ticket.number})


def change_tier(request, number: str):
    """Escalate (or bring back) a ticket one tier: it leaves its holder and that tier hears."""
    ticket = _held_ticket(request, number)
    form = TierForm(request.POST)
    if not form.is_valid():
        return _holder_reply(request, ticket, error=errors_in_words(form), status=400)
    change = (
        ticket_services.escalate
        if form.cleaned_data["direction"] == "up"
        else ticket_services.deescalate
    )
    try:
        ticket = change(ticket=ticket, by=request.user, reason=form.cleaned_data["reason"])
    except DomainError as err:
        return _holder_reply(request, ticket, error=err.message, status=409)
    return _holder_reply(
        request,
        ticket,
        done=_("%(number)s is now at tier %(tier)d.")
        % {"number": ticket.number, "tier": ticket.tier},
    )


# Technicians' training records: dispatchers read them, office staff keep them.


def _training_page(request, technician: Technician, *, form=None, editing=None, status=200):
    technician = with_qualifications(technicians_for(request.user)).get(pk=technician.pk)
    return render(
        request,
        "desk/training.html",
        {
            "technician": technician,
            "records": technician.training_records.all(),
            "certifications": technician.certifications.all(),
            "today": timezone.localdate(),
            "may_edit": may_edit_staff_records(request.user),
            "form": form or TrainingRecordForm(),
            "editing": editing,
        },
        status=status,
    )


def _save_training(request, technician: Technician, record: TrainingRecord | None):
    if not may_edit_staff_records(request.user):
        raise PermissionDenied
    form = TrainingRecordForm(request.POST)
    if form.is_valid():
        try:
            saved = technician_services.save_training_record(
                technician=technician, record=record, by=request.user, **form.cleaned_data
            )
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.message)
        else:
            messages.success(request, _("Saved: %(course)s.") % {"course": saved.course})
            return redirect("desk:training", technician_id=technician.pk)
    return _training_page(request, technician, form=form, editing=record, status=400)


@dispatcher_required
def training(request, technician_id: int):
    """A technician's training and certifications; staff add a record here."""
    technician = get_object_or_404(technicians_for(request.user), pk=technician_id)
    if request.method == "POST":
        return _save_training(request, technician, None)
    return _training_page(request, technician)


@dispatcher_required
def training_record(request, technician_id: int, record_id: int):
    """One training record to change (staff); the page shows its form filled in."""
    technician = get_object_or_404(technicians_for(request.user), pk=technician_id)
    record = get_object_or_404(TrainingRecord, pk=record_id, technician=technician)
    if request.method == "POST":
        return _save_training(request, technician, record)
    form = TrainingRecordForm(
        initial={
            "course": record.course,
            "date": record.date,
            "trainer": record.trainer,
            "expires_on": record.expires_on,
            "notes": record.notes,
        }
    )
    return _training_page(request, technician, form=form, editing=record)


def ticket_export(request):
    """The filtered list (every page of it) as CSV, streamed row by row."""
    form = TicketFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "error": errors_in_words(form)}
        context["saved_filters"] = selectors.saved_filters(user=request.user)
        return render(request, "desk/tickets.html", context, status=400)
    tickets = selectors.ticket_list(user=request.user, filters=form.filters())
    response = StreamingHttpResponse(export.ticket_rows(tickets), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="tickets.csv"'
    return response


@require_POST
@dispatcher_required
def delete_training_record(request, technician_id: int, record_id: int):
    technician = get_object_or_404(technicians_for(request.user), pk=technician_id)
    record = get_object_or_404(TrainingRecord, pk=record_id, technician=technician)
    try:
        technician_services.delete_training_record(record=record, by=request.user)
    except NotAllowed as err:
        raise PermissionDenied(err.message) from err
    messages.success(request, _("Deleted: %(course)s.") % {"course": record.course})
    return redirect("desk:training", technician_id=technician.pk)


def save_filter(request):
    try:
        saved = desk_services.save_filter(
            user=request.user,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
        )
    except DomainError as err:
        form = TicketFilterForm(QueryDict(request.POST.get("query", "")))
        context = {"form": form, "error": err.message}
        context["saved_filters"] = selectors.saved_filters(user=request.user)
        return render(request, "desk/tickets.html", context, status=400)
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(_list_url(saved.query))


@dispatcher_required
def apply_filter(request, filter_id):
    saved = get_object_or_404(selectors.saved_filters(user=request.user), pk=filter_id)
    return redirect(_list_url(saved.query))


@require_POST
@dispatcher_required
def delete_filter(request, filter_id):
    saved = get_object_or_404(selectors.saved_filters(user=request.user), pk=filter_id)
    desk_services.delete_filter(saved=saved)
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return redirect("desk:tickets")


def _list_url(query: str) -> str:
    return f"{reverse('desk:tickets')}?{query}" if query else reverse("desk:tickets")
