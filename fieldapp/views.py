"""The technician's phone pages (/tech/): today's jobs in order, one job, one-tap status steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import RequestDataTooBig
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from catalog.selectors import search_parts
from depot import selectors as depot_selectors
from depot import services as depot_services
from depot.models import Loan
from dispatch.positions import shift_today
from dispatch.services import hand_back_visit
from fieldservice import roles
from fieldservice.api.parsers import parse_json
from fieldservice.errors import DomainError
from fieldservice.forms import errors_in_words
from fieldservice.roles import technician_required
from inventory import selectors as stock_selectors
from inventory import services as stock
from tickets import reports, services
from tickets.installation import commissioning_of, is_installation
from tickets.models import JobEntry, Visit
from tickets.selectors import visits_for

from . import selectors as tech_selectors
from . import services as tech_sync
from .forms import HandBackForm, JobRecordForm

STEPS = {"en_route": _("On my way"), "on_site": _("Arrived"), "completed": _("Done")}
# The forward path of a visit: each step follows the status before it.
PATH = ["scheduled", "en_route", "on_site", "completed"]
FINISHED = {Visit.Status.COMPLETED, Visit.Status.CANNOT_COMPLETE, Visit.Status.CANCELLED}


def _steps_after(status: str) -> list[dict]:
    """The forward steps from `status` on, each with the status it follows. Only the next one
    is offered; the later ones are on the page hidden, for the phone to offer once a step is
    queued offline (outbox.js shows the step after the last one queued)."""
    if status in FINISHED or status not in PATH:
        return []
    position = PATH.index(status)
    return [
        {
            "to": to,
            "label": label,
            "after": PATH[PATH.index(to) - 1],
            "offered": PATH.index(to) == position + 1,
            "status_label": Visit.Status(to).label,
        }
        for to, label in STEPS.items()
        if PATH.index(to) > position
    ]


@technician_required
def today(request):
    days = tech_selectors.day_plan(technician=request.user.technician)
    return render(request, "fieldapp/today.html", {"days": days})


@technician_required
def job(request, visit_id: int):
    visit = get_object_or_404(
        visits_for(request.user).prefetch_related(
            "ticket__error_codes__parts",
            Prefetch("bookings", queryset=tech_selectors.crew_bookings()),
        ),
        pk=visit_id,
    )
    helper = services.is_helper(visit, request.user)
    return render(
        request,
        "fieldapp/job.html",
        {
            "visit": visit,
            # A helper sees the job; its lead marks the steps (services.ensure_lead).
            "steps": [] if helper else _steps_after(visit.status),
            "helper": helper,
            "crew": list(visit.bookings.all()),
            "commissioning": commissioning_of(visit) if is_installation(visit) else None,
            # Asked on the phone before "On my way" is even queued; the server asks too.
            "not_today": services.not_today_question(visit),
            "finished": visit.status in FINISHED,
            "can_stop": not helper
            and visit.status in (Visit.Status.EN_ROUTE, Visit.Status.ON_SITE),
            "can_hand_back": not helper and visit.status == Visit.Status.SCHEDULED,
            # The phone sends its position on the way to this visit only inside this shift.
            "shift": None if helper else shift_today(visit.technician, timezone.now()),
            "outcomes": Visit.Outcome.choices[1:],
            "expected_parts": tech_selectors.expected_parts(visit=visit),
            "kinds": JobEntry.Kind.choices,
            "entries": visit.entries.all(),
            "parts_used": visit.parts_used.select_related("part"),
            "options": visit.repair_options.all(),
            # Loaners to hand over or bring back, and units in the workshop, for this ticket.
            "loans": depot_selectors.loans_of_ticket(visit.ticket),
            "repair_orders": depot_selectors.orders_of_ticket(visit.ticket),
            **_van_context(visit),
        },
    )


def _van_context(visit: Visit) -> dict:
    """What the technician confirms was taken from the van, once on site (none without one)."""
    van = stock.van_of(visit)
    if van is None or visit.status not in (Visit.Status.ON_SITE, Visit.Status.COMPLETED):
        return {"van": None}
    return {"van": van, "taken": stock_selectors.taken_to_confirm(visit, van)}


@require_POST
@technician_required
def confirm_taken(request, visit_id: int):
    """What was actually taken from the van for the visit: differences leave or go back into
    the van, what is still held for it is released."""
    visit = get_object_or_404(visits_for(request.user), pk=visit_id)
    van = stock.van_of(visit)
    lines = stock_selectors.taken_to_confirm(visit, van) if van else []
    taken = {line.part: request.POST.get(f"part_{line.part.pk}", "").strip() for line in lines}
    try:
        stock.confirm_taken(visit=visit, taken=taken, by=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Parts taken from the van confirmed."))
    return redirect("tech:job", visit_id=visit.pk)


@technician_required
def van(request):
    """The technician's own van: what is in it and what to load this evening."""
    mine, lines = stock_selectors.van_restock(request.user.technician.pk)
    return render(
        request,
        "fieldapp/van.html",
        {
            "van": mine,
            "lines": lines,
            "levels": stock_selectors.levels_at([mine.pk]) if mine else [],
        },
    )


@require_POST
@technician_required
def collect_loaner(request, visit_id: int, loan_id: int):
    """The technician took the loaner back at this visit (online: the desk sees it at once)."""
    visit = get_object_or_404(visits_for(request.user), pk=visit_id)
    loan = get_object_or_404(Loan, pk=loan_id, ticket_id=visit.ticket_id)
    try:
        depot_services.collect_loaner(loan=loan, by=request.user, visit=visit)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Loaner %(unit)s collected.") % {"unit": loan.unit})
    return _job_redirect(visit.pk)


PART_RESULTS = 20


@technician_required
def parts(request, visit_id: int):
    """The catalog's parts matching what is typed on the job page (htmx), beside the expected
    ones the page already offers."""
    visit = get_object_or_404(visits_for(request.user), pk=visit_id)
    expected = tech_selectors.expected_parts(visit=visit)
    text = request.GET.get("q", "")
    found = search_parts(text=text, excluding=expected.ids, limit=PART_RESULTS)
    return render(
        request, "fieldapp/_part_results.html", {"found": found, "searched": len(text.strip()) > 1}
    )


@require_POST
@technician_required
def step(request, visit_id: int):
    visit = get_object_or_404(visits_for(request.user), pk=visit_id)
    to = request.POST.get("to", "")
    raw = request.POST.get("version", "").strip()
    if raw and not (raw.isascii() and raw.isdigit()):
        messages.error(request, _("The visit version must be a whole number."))
        return redirect("tech:job", visit_id=visit.pk)
    version = int(raw or 0) or None  # none given: the step applies to the visit as it is
    try:
        services.transition_visit(
            visit=visit,
            to=to,
            by=request.user,
            reason=request.POST.get("reason", ""),
            outcome=request.POST.get("outcome", ""),
            expected_version=version,
            confirm_not_today=request.POST.get("confirm") == "1",
        )
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("tech:job", visit_id=visit.pk)


@require_POST
@technician_required
def hand_back(request, visit_id: int):
    """I cannot come: the visit goes back to the dispatcher with the reason."""
    visit = get_object_or_404(visits_for(request.user), pk=visit_id)
    form = HandBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return _job_redirect(visit.pk)
    try:
        hand_back_visit(
            visit=visit,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"] or None,
        )
    except DomainError as err:
        messages.error(request, err.message)
        return _job_redirect(visit.pk)
    messages.success(request, _("The dispatcher has been told you cannot come."))
    return redirect("tech:today")


def _job_redirect(visit_id: int):
    return redirect("tech:job", visit_id=visit_id)


@csrf_exempt  # a refusal before the body is read changes nothing; _record checks CSRF
@require_POST
@technician_required
def record(request, visit_id: int):
    """One form per kind of record on the job page; each calls its service. A photo or
    signature past its cap (the form's ?what= names which) is refused by its Content-Length,
    before a byte of it is read, as a phone with bad signal would otherwise send it all."""
    visit = get_object_or_404(visits_for(request.user), pk=visit_id)
    limit, refusal = services.request_limit(request.GET.get("what", ""))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # Django then reads no body at all
    if length > limit:
        messages.error(request, refusal.message)
        return _job_redirect(visit.pk)
    return _record(request, visit)


@csrf_protect
def _record(request, visit: Visit):
    form = JobRecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return _job_redirect(visit.pk)
    data = form.cleaned_data
    try:
        services.record_job(
            visit=visit,
            what=data["what"],
            by=request.user,
            client_key=data["client_key"],
            text=data["text"],
            kind=data["kind"],
            part_id=data["part"],
            quantity=data["quantity"],
            price=data["price"],
            option_id=data["option"],
            signature=data["signature"],
            photo=request.FILES.get("photo"),
            serial_number=data["serial_number"],
            checked=data["checked"],
        )
    except DomainError as err:
        messages.error(request, err.message)
    return _job_redirect(visit.pk)


def report(request, visit_id: int):
    """The service report: what was found, done, used, chosen and signed. HTML, or PDF with
    ?format=pdf. For the visit's technician, dispatchers and the customer who owns it."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    visit = get_object_or_404(reports.with_report_data(visits_for(request.user)), pk=visit_id)
    return reports.response(
        visit, pdf=request.GET.get("format") == "pdf", back_url=_report_back(request.user, visit)
    )


def _report_back(user, visit: Visit) -> str:
    """Where the report's "Back" leads: the page each role opened it from."""
    if roles.has_role(user, roles.DISPATCHER):
        return reverse("dispatch:board")
    if roles.has_role(user, roles.TECHNICIAN):
        return reverse("tech:job", args=[visit.pk])
    return reverse("portal:ticket", args=[visit.ticket_id])


@require_POST
@technician_required
def sync(request):
    """The phone's outbox, replayed in order (JSON in, one result per action out)."""
    try:
        body = parse_json(request.body or b"{}")
        actions = body["actions"]
        if not isinstance(actions, list) or len(actions) > 200:
            raise ValueError
    except RequestDataTooBig:
        # Past DATA_UPLOAD_MAX_MEMORY_SIZE: answered here, or Django's HTML 400 page would be.
        return JsonResponse(
            {"detail": _("Send fewer actions at a time: this batch is too large.")}, status=400
        )
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"detail": _('Send {"actions": [...]}, at most 200 at a time.')}, status=400
        )
    results = tech_sync.replay(
        technician=request.user.technician,
        user=request.user,
        actions=actions,  # one result per action, in order: the phone matches them by place
    )
    return JsonResponse({"results": results})


def service_worker(request):
    """The service worker, served under /tech/ so that its scope covers the app."""
    path = finders.find("fieldapp/sw.js")
    with open(path, encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/tech/"
    response["Cache-Control"] = "no-cache"
    return response


def offline(request):
    """What the service worker shows offline when it has no copy for the signed-in user: the
    same for everyone, with nothing of anyone's day in it (it is kept for all users)."""
    response = render(request, "fieldapp/offline.html")
    response["Cache-Control"] = "no-cache"
    return response


# The header's colour (static/fieldservice/base.css) and the page's, as base.html's theme-color.
THEME_COLOR = "#1d3557"
BACKGROUND_COLOR = "#f6f7f9"
ICONS = [
    ("fieldapp/icons/icon-192.png", "192x192", "any"),
    ("fieldapp/icons/icon-512.png", "512x512", "any"),
    ("fieldapp/icons/maskable-192.png", "192x192", "maskable"),
    ("fieldapp/icons/maskable-512.png", "512x512", "maskable"),
]


def manifest(request):
    """The web app manifest that makes /tech/ installable on a phone. Browsers fetch it without
    cookies, so it holds nothing of anyone: names in the visitor's language, icons, colours."""
    start = reverse("tech:today")
    body = {
        "id": start,
        "name": str(_("Field service: my day")),
        "short_name": str(_("My day")),
        "description": str(_("Today's jobs, offline too: steps, parts, photos and signatures.")),
        "lang": get_language(),
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    response = JsonResponse(
        body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response
