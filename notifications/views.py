"""Pages of notifications that work without logging in: the unsubscribe link."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fieldservice import roles
from fieldservice.errors import DomainError
from fieldservice.roles import technician_required

from . import services
from .models import Preference


@csrf_exempt  # the signed token is the credential, not a session; mail providers POST here
def unsubscribe(request, token: str):
    """GET shows a confirm button (mail scanners follow links); POST unsubscribes, including
    the one-click POST (RFC 8058) a mailbox provider sends for the List-Unsubscribe header."""
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except DomainError as err:
            return render(
                request, "notifications/unsubscribe.html", {"error": err.message}, status=400
            )
        return render(request, "notifications/unsubscribe.html", {"done": True})
    return render(request, "notifications/unsubscribe.html", {})


def feed(request, token: str):
    """A technician's calendar feed: the secret token is the only key, so no login."""
    calendar_feed = services.open_feed(token=token)
    if calendar_feed is None:
        raise Http404
    return HttpResponse(
        services.feed_calendar(calendar_feed), content_type="text/calendar; charset=utf-8"
    )


@require_POST
@technician_required
def manage_feed(request):
    """Create a new private feed URL (the old one stops working), or revoke it."""
    if request.POST.get("action") == "revoke":
        services.revoke_feed(technician=request.user.technician)
    else:
        services.issue_feed(technician=request.user.technician)
    return redirect("tech:today")


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("By email"), required=False)
    sms = forms.BooleanField(label=_("By SMS"), required=False)
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    quiet_from = forms.TimeField(
        label=_("Quiet from"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_until = forms.TimeField(
        label=_("Quiet until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )


@login_required
def preferences(request):
    """How the signed-in customer or technician wants to hear from us."""
    owner = {}
    organization = roles.acting_customer(request.user)
    if organization is not None:
        owner = {"customer": organization}
    elif roles.has_role(request.user, roles.TECHNICIAN) and hasattr(request.user, "technician"):
        owner = {"technician": request.user.technician}
    if not owner:
        raise Http404
    current = Preference.objects.filter(**owner).first()
    initial = (
        {
            "email": current.email,
            "sms": current.sms,
            "quiet_from": current.quiet_from,
            "quiet_until": current.quiet_until,
        }
        if current
        else {"email": True}
    )
    phone = next(iter(owner.values())).phone
    initial["phone"] = phone.as_international if phone else ""
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            # A form without the number field (an older page) leaves the number alone.
            phone = form.cleaned_data["phone"] if "phone" in request.POST else None
            services.set_preferences(**owner, **{**form.cleaned_data, "phone": phone})
        except DomainError as err:
            form.add_error(err.field, err.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
